"""Coordinators add and edit households and record consent on the staff pages, with
every error named and nothing half-written."""

from datetime import date

import pytest

from voisins.households.models import FamilyHousehold, Member, VolunteerHousehold
from voisins.privacy.models import Consent

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def members(*rows: dict, extra: int = 1) -> dict[str, str]:
    """The POST data of the members formset: `rows` then `extra` untouched rows."""
    data = {"members-TOTAL_FORMS": str(len(rows) + extra), "members-INITIAL_FORMS": "0",
            "members-MIN_NUM_FORMS": "0", "members-MAX_NUM_FORMS": "20"}
    for i, row in enumerate(rows):
        data.update({f"members-{i}-{k}": str(v) for k, v in row.items()})
    for i in range(len(rows), len(rows) + extra):
        data.update({f"members-{i}-kind": "", f"members-{i}-birth_year": "",
                     f"members-{i}-school_level": "", f"members-{i}-first_name": ""})
    return data


def family_post(**overrides: str) -> dict[str, object]:
    data: dict[str, object] = {
        "contact_first_name": "Nour", "contact_last_name": "Al-Khatib",
        "contact_gender": "f", "phone": "+32 470 11 22 33", "email": "",
        "reference": "F-77", "status": "waiting", "postcode": "1030", "radius_km": "2",
        "availability": ["wed-pm", "sat-am"], "language_1": "ar", "level_1": "native",
        "language_2": "fr", "level_2": "basic", "need_homework": "3",
        "need_paperwork": "1", "wishes": ["with-children"], "wishes_note": "",
        "arrival_date": "2024-03-01", "page_language": "ar",
        "consent-purposes": ["matching", "surveys"], "consent-given_by_name": "Nour",
        "consent-interpreter": "Samir (Arabic)",
        **members({"kind": "adult", "birth_year": 1988},
                  {"kind": "child", "birth_year": 2016, "school_level": "primary",
                   "first_name": "Yara"}),
    }
    data.update(overrides)
    return data


def test_a_coordinator_registers_a_family_with_its_members_and_consent(client, alice, north):
    client.force_login(alice)
    response = client.post("/staff/north/families/new/", family_post(), **EN)
    family = FamilyHousehold.objects.get(reference="F-77")
    assert response.status_code == 302
    assert response["Location"] == f"/staff/north/families/{family.pk}/"
    assert family.contact_first_name == "Nour" and family.phone == "+32470112233"
    assert family.status == "waiting" and family.waiting_since is not None
    assert family.needs == {"homework": 3, "paperwork": 1}
    assert family.languages == [{"code": "ar", "level": "native"},
                                {"code": "fr", "level": "basic"}]
    assert family.availability == ["wed-pm", "sat-am"] and family.wishes == ["with-children"]
    assert family.arrival_date == date(2024, 3, 1) and family.page_language == "ar"
    assert [(m.kind, m.birth_year, m.school_level, m.first_name)
            for m in family.members.all()] == [("adult", 1988, "", ""),
                                               ("child", 2016, "primary", "Yara")]
    consents = Consent.objects.filter(family=family)
    assert {c.purpose for c in consents} == {"matching", "surveys"}
    assert {(c.given_by_name, c.interpreter, c.recorded_by_id) for c in consents} == {
        ("Nour", "Samir (Arabic)", alice.pk)}
    page = client.get(response["Location"], **EN).content.decode()
    assert "Arabic (mother tongue)" in page and "Wednesday afternoon" in page
    assert "Homework help (priority 3 – most important)" in page and "+32470112233" in page
    assert "No consent to be matched" not in page


@pytest.mark.parametrize("field, value, message", [
    ("postcode", "9999", "Unknown postcode"),
    ("language_1", "", "This field is required"),
    ("radius_km", "0", "greater than or equal to 0.1"),
    ("email", "not-an-address", "valid email"),
    ("level_1", "", "Choose a level"),
])
def test_a_bad_field_is_named_and_nothing_is_written(client, alice, north, field, value,
                                                     message):
    client.force_login(alice)
    response = client.post("/staff/north/families/new/", family_post(**{field: value}), **EN)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page and 'class="error-summary' in page
    assert 'value="Al-Khatib"' in page  # what was typed is kept
    assert not FamilyHousehold.objects.exists() and not Consent.objects.exists()


def test_a_bad_member_row_is_named_and_nothing_is_written(client, alice, north):
    client.force_login(alice)
    data = family_post(**members({"kind": "adult", "birth_year": 1988},
                                 {"kind": "adult", "birth_year": 2015,
                                  "school_level": "primary"}))
    response = client.post("/staff/north/families/new/", data, **EN)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Member 2, school level: Only children have a school level." in page
    assert not FamilyHousehold.objects.exists() and not Member.objects.exists()


def test_a_family_needs_at_least_one_need(client, alice, north):
    client.force_login(alice)
    response = client.post("/staff/north/families/new/",
                           family_post(need_homework="", need_paperwork=""), **EN)
    assert "Give at least one need" in response.content.decode()
    assert not FamilyHousehold.objects.exists()


def test_editing_keeps_members_in_place_and_shows_dates_to_the_browser(client, alice, family):
    FamilyHousehold.objects.filter(pk=family.pk).update(arrival_date=date(2023, 9, 5))
    adult, child = family.members.all()
    client.force_login(alice)
    form = client.get(f"/staff/north/families/{family.pk}/edit/", **EN).content.decode()
    assert 'value="2023-09-05"' in form  # ISO, or the date picker shows nothing
    data = family_post(
        contact_first_name="Amina", reference="", status="",
        **{"members-TOTAL_FORMS": "3", "members-INITIAL_FORMS": "2",
           "members-0-id": adult.pk, "members-0-kind": "adult", "members-0-birth_year": 1985,
           "members-0-DELETE": "on",
           "members-1-id": child.pk, "members-1-kind": "child", "members-1-birth_year": 2016,
           "members-1-school_level": "secondary", "members-1-first_name": "Rami",
           "members-2-kind": "adult", "members-2-birth_year": "1990"})
    response = client.post(f"/staff/north/families/{family.pk}/edit/", data, **EN)
    assert response.status_code == 302
    family.refresh_from_db()
    assert family.postcode == "1030" and family.needs == {"homework": 3, "paperwork": 1}
    assert family.status == "waiting"  # the status moves only through its own form
    rows = list(family.members.all())
    assert [(m.kind, m.birth_year) for m in rows] == [("adult", 1990), ("child", 2016)]
    assert rows[1].pk == child.pk and rows[1].first_name == "Rami"
    assert rows[1].school_level == "secondary"
    assert not Member.objects.filter(pk=adult.pk).exists()


def test_an_edit_with_an_unknown_postcode_changes_nothing(client, alice, family):
    client.force_login(alice)
    data = family_post(postcode="0000", contact_first_name="Changed",
                       **{"members-TOTAL_FORMS": "0", "members-INITIAL_FORMS": "0"})
    response = client.post(f"/staff/north/families/{family.pk}/edit/", data, **EN)
    assert response.status_code == 200 and "Unknown postcode" in response.content.decode()
    family.refresh_from_db()
    assert family.contact_first_name == "Amina" and family.members.count() == 2


def test_a_member_of_another_household_cannot_be_slipped_in(client, alice, family, volunteer):
    foreign = volunteer.members.get()
    client.force_login(alice)
    data = family_post(**{"members-TOTAL_FORMS": "1", "members-INITIAL_FORMS": "0",
                          "members-0-id": foreign.pk, "members-0-kind": "child",
                          "members-0-birth_year": 2015})
    response = client.post(f"/staff/north/families/{family.pk}/edit/", data, **EN)
    assert "Member 1 is not a member of this household." in response.content.decode()
    foreign.refresh_from_db()
    assert foreign.volunteer_id == volunteer.pk and foreign.kind == "adult"
    assert family.members.count() == 2


def test_a_coordinator_registers_a_volunteer_household(client, alice, north):
    client.force_login(alice)
    data = {"contact_first_name": "Jan", "contact_last_name": "Peeters", "postcode": "1000",
            "radius_km": "3", "availability": ["mon-eve"], "language_1": "nl",
            "level_1": "native", "offers": ["transport", "homework"], "capacity": "2",
            "status": "applied", **members({"kind": "adult", "birth_year": 1970})}
    response = client.post("/staff/north/volunteers/new/", data, **EN)
    volunteer = VolunteerHousehold.objects.get(contact_first_name="Jan")
    assert response["Location"] == f"/staff/north/volunteers/{volunteer.pk}/"
    assert volunteer.offers == ["transport", "homework"] and volunteer.capacity == 2
    assert volunteer.status == "applied" and volunteer.members.count() == 1
    response = client.post("/staff/north/volunteers/new/", dict(data, offers=[]), **EN)
    assert "This field is required" in response.content.decode()
    assert VolunteerHousehold.objects.count() == 1


def test_the_household_page_shows_consent_and_where_to_record_it(client, alice, family):
    from voisins.privacy.services import consent_give, consent_withdraw

    client.force_login(alice)
    url = f"/staff/north/families/{family.pk}/"
    page = client.get(url, **EN).content.decode()
    assert "No consent to be matched" in page
    assert f"/staff/north/families/{family.pk}/consents/" in page
    photos = consent_give(household=family, purpose="photos", interpreter="Samir")
    consent_give(household=family, purpose="matching", recorded_by=alice)
    consent_withdraw(consent=photos)
    page = client.get(url, **EN).content.decode()
    assert "No consent to be matched" not in page
    assert "interpreter: Samir" in page and "withdrawn on" in page and "in force" in page


def test_other_staff_and_other_programmes_cannot_add_or_edit(
        client, bob, rita, vera, charlie, family):
    urls = ["/staff/north/families/new/", f"/staff/north/families/{family.pk}/edit/",
            "/staff/north/volunteers/new/"]
    for user in (bob, rita, vera, charlie):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
            assert client.post(url, family_post()).status_code == 404, (user, url)
    family.refresh_from_db()
    assert family.contact_first_name == "Amina"
    assert FamilyHousehold.objects.count() == 1 and not Consent.objects.exists()


def test_a_new_family_gets_its_pages_in_its_own_language_unless_one_is_chosen(north):
    """Issue 15, item 2: by default, the first language the family speaks that Voisins
    writes in, then the programme's."""
    from voisins.households.services import family_create

    from .conftest import family_data

    data = family_data()
    del data["page_language"]
    assert family_create(programme=north, **data).page_language == "ar"
    dari = family_create(programme=north, **{**data, "contact_first_name": "Farid",
                                             "languages": [{"code": "prs", "level": "native"},
                                                           {"code": "uk", "level": "basic"}]})
    assert dari.page_language == "uk" and dari.messages_language() == "uk"
    only_dari = family_create(programme=north, **{**data, "contact_first_name": "Zahra",
                                                  "languages": [{"code": "prs",
                                                                 "level": "native"}]})
    assert only_dari.page_language == north.languages[0]
    chosen = family_create(programme=north, **family_data(page_language="nl"))
    assert chosen.page_language == "nl"
