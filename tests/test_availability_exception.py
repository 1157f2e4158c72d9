"""A volunteer household starts available only through screening and the required
training, or by a coordinator's exception recorded with who, when and why, and shown on
its page (issue 14, item 7)."""

from voisins.households.models import VolunteerHousehold

from .test_household_forms import EN, members

NEW = "/staff/north/volunteers/new/"


def new_household(status, **extra):
    return {"contact_first_name": "Jan", "contact_last_name": "Peeters", "postcode": "1000",
            "radius_km": "3", "availability": ["mon-eve"], "language_1": "nl",
            "level_1": "native", "offers": ["transport"], "capacity": "1", "status": status,
            **members({"kind": "adult", "birth_year": 1970}), **extra}


def test_creating_a_household_as_available_without_a_reason_is_refused(client, alice, north):
    client.force_login(alice)
    response = client.post(NEW, new_household("available"), **EN)
    assert response.status_code == 200
    page = response.content.decode()
    assert "through screening and the required training" in page
    assert "exception" in page.lower()
    assert not VolunteerHousehold.objects.exists()


def test_the_refusal_is_in_the_coordinators_language(client, alice, north):
    client.force_login(alice)
    response = client.post(NEW, new_household("trained"), HTTP_ACCEPT_LANGUAGE="fr")
    assert "sélection" in response.content.decode()
    assert not VolunteerHousehold.objects.exists()


def test_an_exception_is_recorded_with_who_when_and_why_and_shown(client, alice, north):
    client.force_login(alice)
    response = client.post(NEW, new_household(
        "available", exception_reason="Trained by our partner association in 2025"), **EN)
    volunteer = VolunteerHousehold.objects.get()
    assert response["Location"] == f"/staff/north/volunteers/{volunteer.pk}/"
    assert volunteer.status == "available"
    assert volunteer.exception_by == alice and volunteer.exception_at is not None
    assert volunteer.exception_reason == "Trained by our partner association in 2025"
    page = client.get(response["Location"], **EN).content.decode()
    assert "Available by exception" in page and "partner association" in page


def test_a_household_created_as_applied_needs_no_exception(client, alice, north):
    client.force_login(alice)
    client.post(NEW, new_household("applied"), **EN)
    volunteer = VolunteerHousehold.objects.get()
    assert volunteer.status == "applied" and volunteer.exception_at is None
    page = client.get(f"/staff/north/volunteers/{volunteer.pk}/", **EN).content.decode()
    assert "Available by exception" not in page
