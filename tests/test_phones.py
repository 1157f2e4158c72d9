"""Phone numbers: checked with phonenumbers and kept in E.164 (Belgian default region) in
forms, imports (row and column named), the API and the model; numbers stored before are
converted, and one that cannot be read is kept as typed and flagged, never lost."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError

from tests.test_household_forms import EN, family_post
from tests.test_import import FAMILY_HEADER, GOOD_FAMILIES, csv_bytes, run
from voisins.households.models import FamilyHousehold, VolunteerHousehold
from voisins.phones import InvalidPhone, mask_phone, normalise_phone


@pytest.mark.parametrize(("typed", "e164"), [
    ("0470 12 34 56", "+32470123456"),
    ("0470/12.34.56", "+32470123456"),
    ("+32 470 12 34 56", "+32470123456"),
    ("0032 470 12 34 56", "+32470123456"),
    ("02 512 34 56", "+3225123456"),
    ("+33 6 12 34 56 78", "+33612345678"),
    ("", ""),
])
def test_it_keeps_numbers_in_e164(typed, e164):
    assert normalise_phone(typed, "BE") == e164


@pytest.mark.parametrize("typed", ["12", "0470", "+32 470 12", "phone me", "+999 1234567"])
def test_it_refuses_what_is_not_a_number(typed):
    with pytest.raises(InvalidPhone):
        normalise_phone(typed, "BE")


def test_the_model_names_the_phone_field(family):
    family.phone = "0470 12"
    with pytest.raises(ValidationError) as caught:
        family.full_clean()
    assert list(caught.value.message_dict) == ["phone"]


def test_the_household_form_names_the_phone_and_writes_nothing(client, alice, north):
    client.force_login(alice)
    response = client.post("/staff/north/families/new/", family_post(phone="0470 12"), **EN)
    assert response.status_code == 200
    assert "“0470 12” is not a phone number" in response.content.decode()
    assert not FamilyHousehold.objects.exists()


def test_the_household_form_keeps_a_good_number_in_e164(client, alice, north):
    client.force_login(alice)
    client.post("/staff/north/families/new/", family_post(phone="0470/11.22.33",
                                                          preferred_channel="sms",
                                                          message_language="ar"), **EN)
    family = FamilyHousehold.objects.get()
    assert (family.phone, family.preferred_channel, family.message_language) == (
        "+32470112233", "sms", "ar")


def test_the_import_names_the_row_and_the_column(north):
    rows = [list(GOOD_FAMILIES[0]), list(GOOD_FAMILIES[1])]
    rows[1][FAMILY_HEADER.index("phone")] = "0470 1"
    result = run(north, csv_bytes(FAMILY_HEADER, rows))
    assert not result.ok and not FamilyHousehold.objects.exists()
    [error] = result.errors
    assert (error.row, error.column) == (3, "phone")
    assert "is not a phone number" in error.message


def test_the_import_stores_numbers_in_e164(north):
    result = run(north, csv_bytes(FAMILY_HEADER, GOOD_FAMILIES))
    assert result.ok
    assert FamilyHousehold.objects.get(reference="F1").phone == "+32470112233"


def test_the_api_names_the_phone_field(api_as, alice, family):
    response = api_as(alice)("patch", f"/families/{family.pk}", {"phone": "0470 12"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "phone"
    ok = api_as(alice)("patch", f"/families/{family.pk}", {"phone": "0470 11 22 33"})
    assert ok.status_code == 200 and ok.json()["phone"] == "+32470112233"


def test_old_numbers_are_converted_and_unreadable_ones_kept_and_flagged(family, victor):
    FamilyHousehold.objects.filter(pk=family.pk).update(phone="0470.12.34.56")
    VolunteerHousehold.objects.filter(pk=victor.pk).update(phone="call 047")
    migration = importlib.import_module("voisins.households.migrations.0004_phones_e164")
    migration.normalise(django_apps, None)
    family.refresh_from_db()
    victor.refresh_from_db()
    assert (family.phone, family.phone_unread, family.phone_check) == (
        "+32470123456", "", False)
    assert (victor.phone, victor.phone_unread, victor.phone_check) == ("", "call 047", True)


def test_numbers_are_masked_in_provider_texts():
    text = "The 'To' number +32 470 12 34 56 is unreachable (0470123456); error 21211"
    assert mask_phone(text) == "The 'To' number … is unreachable (…); error 21211"


def test_the_api_sets_and_shows_the_channel_and_language(api_as, alice, family):
    api = api_as(alice)
    response = api("patch", f"/families/{family.pk}", {
        "preferred_channel": "sms", "message_language": "uk", "news_opt_out": True})
    assert response.status_code == 200, response.content
    shown = api("get", f"/families/{family.pk}").json()
    assert (shown["preferred_channel"], shown["message_language"], shown["news_opt_out"]) == (
        "sms", "uk", True)
    bad = api("patch", f"/families/{family.pk}", {"preferred_channel": "pigeon"})
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"][-1] == "preferred_channel"
