"""A volunteer household starts available only through screening and the required
training, or by a coordinator's exception recorded with who, when and why, and shown on
its page (issue 14, item 7)."""

from django.utils import translation

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


def move(client, volunteer, status, language="en"):
    return client.post(f"/staff/north/volunteers/{volunteer.pk}/status/", {"status": status},
                       HTTP_ACCEPT_LANGUAGE=language, follow=True)


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def test_a_household_is_not_moved_to_screened_without_its_screening(client, alice, north):
    from voisins.households.services import volunteer_create

    from .conftest import volunteer_data

    volunteer = volunteer_create(programme=north, **volunteer_data(status="applied"))
    client.force_login(alice)
    text = " ".join(messages_of(move(client, volunteer, "screened")))
    assert "Record the screening first" in text
    volunteer.refresh_from_db()
    assert volunteer.status == "applied"


def test_a_screened_household_is_not_made_available_before_its_required_training(
        client, alice, north):
    from voisins.households.services import volunteer_create
    from voisins.recruitment import services as recruitment
    from voisins.training.services import training_module_create

    from .conftest import volunteer_data

    volunteer = volunteer_create(programme=north, **volunteer_data(status="applied"))
    recruitment.charter_publish(programme=north, version="1", text="We respect…")
    recruitment.screening_update(volunteer=volunteer, interview_held_at="2026-01-05T10:00Z")
    recruitment.screening_accept_charter(volunteer=volunteer)
    recruitment.screening_decide(volunteer=volunteer, decision="accepted", by=alice)
    training_module_create(programme=north, title="Role and limits", required=True)
    client.force_login(alice)
    volunteer.refresh_from_db()
    assert volunteer.status == "screened"
    text = " ".join(messages_of(move(client, volunteer, "trained", "fr")))
    assert "formation requise" in text and "Role and limits" in text
    volunteer.refresh_from_db()
    assert volunteer.status == "screened"


def test_a_household_created_available_elsewhere_says_so_on_its_page(client, alice, north):
    """Through the API or a service, a household created as available carries the
    exception of its creation: who, when, and that no screening or training is recorded."""
    from voisins.households.services import volunteer_create

    from .conftest import volunteer_data

    with translation.override("en"):
        volunteer = volunteer_create(programme=north, by=alice, **volunteer_data())
    assert volunteer.status == "available" and volunteer.exception_by == alice
    assert "without a screening" in volunteer.exception_reason
    client.force_login(alice)
    page = client.get(f"/staff/north/volunteers/{volunteer.pk}/", **EN).content.decode()
    assert "Available by exception" in page


def test_an_imported_available_household_says_so(north, alice):
    import io

    from voisins.ops.household_import import import_households

    from .test_import import csv_bytes

    header = ["first_name", "postcode", "languages", "availability", "offers", "status"]
    with translation.override("en"):
        result = import_households(
            programme=north, kind="volunteers", by=alice, filename="v.csv",
            upload=io.BytesIO(csv_bytes(header, [["Jan", "1000", "nl", "mon-eve",
                                                  "transport", "available"]])))
    assert result.ok, result.errors
    volunteer = VolunteerHousehold.objects.get()
    assert volunteer.exception_by == alice and volunteer.exception_at is not None
    assert volunteer.exception_reason.startswith("Imported as")
