import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from voisins.households.models import FamilyHousehold, Member
from voisins.households.services import family_create, volunteer_create
from voisins.privacy.models import Consent
from voisins.privacy.selectors import has_consent
from voisins.privacy.services import consent_give, consent_withdraw
from voisins.programmes.models import Programme
from voisins.programmes.services import programme_create

from .conftest import family_data, volunteer_data


def test_a_new_programme_has_the_practice_sheet_categories(north):
    codes = list(north.service_categories.values_list("code", flat=True))
    assert codes[:6] == ["homework", "transport", "discover-area", "paperwork",
                         "french-conversation", "shared-meal"]
    assert {"outings-children", "digital-help", "together"} <= set(codes)


def test_category_names_are_translated(north):
    from django.utils import translation

    category = north.service_categories.get(code="homework")
    with translation.override("fr"):
        assert category.label == "Aide aux devoirs"
    with translation.override("nl"):
        assert category.label == "Huiswerkbegeleiding"


def test_a_programme_can_add_its_own_category(north):
    from voisins.programmes.models import ServiceCategory

    own = ServiceCategory(programme=north, code="bike-repair", name="Bike repair")
    own.full_clean()
    own.save()
    family = family_create(programme=north, **family_data(needs={"bike-repair": 2}))
    assert family.needs == {"bike-repair": 2}


def test_a_programme_rejects_an_unknown_country_and_a_bad_schedule(db):
    programme = Programme(name="X", slug="x", country="ZZ", checkin_schedule_days=[30, 14])
    with pytest.raises(ValidationError) as exc:
        programme.full_clean()
    assert {"country", "checkin_schedule_days"} <= set(exc.value.message_dict)


def test_programme_slugs_are_unique(north):
    with pytest.raises(ValidationError):
        programme_create(name="Other", slug="north")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("languages", []),
        ("languages", [{"code": "arabic", "level": "native"}]),
        ("languages", [{"code": "ar", "level": "perfect"}]),
        ("availability", ["monday-morning"]),
        ("needs", {"homework": 5}),
        ("needs", {"astrology": 1}),
        ("radius_km", 0),
        ("wishes", ["a castle"]),
    ],
)
def test_it_rejects_an_invalid_family_field_naming_it(north, field, value):
    with pytest.raises(ValidationError) as exc:
        family_create(programme=north, **family_data(**{field: value}))
    assert field in exc.value.message_dict
    assert FamilyHousehold.objects.count() == 0


def test_a_volunteer_must_offer_something(north):
    with pytest.raises(ValidationError) as exc:
        volunteer_create(programme=north, **volunteer_data(offers=[]))
    assert "offers" in exc.value.message_dict


def test_a_child_has_a_school_level_but_an_adult_does_not(north):
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        family_create(programme=north, **family_data(
            members=[{"kind": "adult", "birth_year": 1980, "school_level": "primary"}]))
    # The message names the member and the field.
    assert exc.value.message_dict["members"] == [
        "Member 1, school level: Only children have a school level."]
    assert Member.objects.count() == 0


def test_the_database_refuses_a_member_of_two_households(family, volunteer):
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.create(family=family, volunteer=volunteer, kind="adult", birth_year=1980)


def test_the_database_refuses_an_unknown_status(family):
    with pytest.raises(IntegrityError), transaction.atomic():
        FamilyHousehold.objects.filter(pk=family.pk).update(status="lost")


def test_references_are_unique_within_a_programme_only(north, south):
    family_create(programme=north, **family_data(reference="R1"))
    family_create(programme=south, **family_data(reference="R1"))
    with pytest.raises(ValidationError):
        family_create(programme=north, **family_data(reference="R1"))


def test_consent_is_given_for_a_purpose_and_can_be_withdrawn(family, alice):
    from voisins.privacy.models import PrivacyNotice

    notice = PrivacyNotice.objects.create(programme=family.programme, version="2", text="…")
    consent = consent_give(household=family, purpose="surveys", recorded_by=alice,
                           given_by_name="Amina Haddad (mother)", interpreter="Setis Bruxelles")
    assert consent.notice == notice
    assert has_consent(family, "surveys")
    assert not has_consent(family, "photos")
    consent_withdraw(consent=consent)
    assert not has_consent(family, "surveys")
    assert Consent.objects.get().withdrawn_at is not None


def test_consent_of_a_household_from_another_programme_is_refused(family, south):
    consent = Consent(programme=south, family=family, purpose="matching")
    with pytest.raises(ValidationError):
        consent.full_clean()
