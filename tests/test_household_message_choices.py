"""A household chooses how it is written to, on its own pages (issue 15, item 2): its
channel among those it really has, its language for messages among those Voisins writes
in, and no news if it wishes; validated with the field named in its language, nothing
written on bad input, and the change in the audit log as made by the household through
its link."""

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from tests.conftest import volunteer_data
from voisins.familypages.links import household_link_token
from voisins.familypages.services import household_link_create
from voisins.households.models import FamilyHousehold, VolunteerHousehold
from voisins.households.selectors import household_channels
from voisins.households.services import household_message_choices_set, volunteer_create
from voisins.messaging.selectors import channel_for

MOBILE = "+32470123456"
LANDLINE = "+3225123456"


def _url(household, name):
    token = household_link_token(household_link_create(household=household))
    return reverse(name, kwargs={"token": token})


def _set(household, **fields):
    type(household).objects.filter(pk=household.pk).update(**fields)
    household.refresh_from_db()
    return household


@pytest.fixture
def marie(north):
    """A volunteer household without an account, speaking Dutch first."""
    return volunteer_create(programme=north, **volunteer_data(
        email="marie.home@example.org", phone=MOBILE,
        languages=[{"code": "nl", "level": "native"}, {"code": "fr", "level": "fluent"}]))


def _last_change(household):
    return (LogEntry.objects.get_for_object(household)
            .filter(action=LogEntry.Action.UPDATE).order_by("-pk").first())


# --- The channels a household really has ----------------------------------------------------

@pytest.mark.parametrize(("fields", "expected"), [
    ({"email": "a@example.org", "phone": MOBILE}, ["email", "sms", "phone"]),
    ({"email": "", "phone": MOBILE}, ["sms", "phone"]),
    ({"email": "", "phone": LANDLINE}, ["phone"]),
    ({"email": "", "phone": ""}, ["phone"]),
])
def test_it_offers_only_the_channels_the_household_has(family, fields, expected):
    assert household_channels(_set(family, **fields)) == expected


# --- A family on its page ----------------------------------------------------------------------

def test_a_family_with_only_a_mobile_chooses_sms_ukrainian_and_no_news(client, family):
    _set(family, email="", phone=MOBILE, page_language="ar")
    url = _url(family, "familypages:message_choices")
    page = client.get(url)
    assert page.status_code == 200
    assert page["Content-Language"] == "ar"
    body = page.content.decode()
    assert 'value="sms"' in body and 'value="phone"' in body and 'value="email"' not in body
    response = client.post(url, {"preferred_channel": "sms", "message_language": "uk",
                                 "news_opt_out": "on"})
    assert response.status_code == 302
    family.refresh_from_db()
    assert (family.preferred_channel, family.message_language, family.news_opt_out) == (
        "sms", "uk", True)
    assert family.messages_language() == "uk"
    assert channel_for(family) == ("sms", MOBILE)
    entry = _last_change(family)
    assert entry.actor is None
    assert entry.additional_data == {"by": "household", "via": "family-link"}
    assert set(entry.changes_dict) >= {"preferred_channel", "message_language",
                                       "news_opt_out"}


def test_a_family_without_an_address_cannot_choose_email_and_nothing_is_written(
        client, family):
    _set(family, email="", phone=MOBILE, page_language="fr")
    url = _url(family, "familypages:message_choices")
    response = client.post(url, {"preferred_channel": "email", "message_language": "ar"})
    assert response.status_code == 400
    body = response.content.decode()
    # The field is named, in the family's language.
    assert "Comment voulez-vous que nous vous écrivions ?" in body
    assert 'href="#id_preferred_channel"' in body
    family.refresh_from_db()
    assert (family.preferred_channel, family.message_language) == ("", "")


def test_a_language_voisins_does_not_write_is_refused(client, family):
    url = _url(family, "familypages:message_choices")
    response = client.post(url, {"preferred_channel": "phone", "message_language": "ti"})
    assert response.status_code == 400
    assert 'href="#id_message_language"' in response.content.decode()
    assert FamilyHousehold.objects.get(pk=family.pk).message_language == ""


def test_a_changed_link_opens_no_choices_page(client, family):
    url = _url(family, "familypages:message_choices")
    response = client.post(url.replace(":", ":x", 1),
                           {"preferred_channel": "phone", "message_language": "fr"})
    assert response.status_code == 404
    assert FamilyHousehold.objects.get(pk=family.pk).preferred_channel == ""


def test_the_familys_home_page_links_to_its_choices(client, family):
    token = household_link_token(household_link_create(household=family))
    page = client.get(reverse("familypages:home", kwargs={"token": token}))
    assert reverse("familypages:message_choices", kwargs={"token": token}) in (
        page.content.decode())


# --- A volunteer household without an account --------------------------------------------------

def test_a_volunteer_household_is_offered_its_default_language_first(client, marie):
    """Issue 15 item 2's default: the first language it speaks that Voisins writes in."""
    url = _url(marie, "volunteerpages:message_choices")
    form = client.get(url).context["form"]
    assert form.initial["message_language"] == "nl"
    assert form.initial["preferred_channel"] == "email"


def test_a_volunteer_household_chooses_sms_in_english(client, marie):
    url = _url(marie, "volunteerpages:message_choices")
    response = client.post(url, {"preferred_channel": "sms", "message_language": "en"})
    assert response.status_code == 302
    marie.refresh_from_db()
    assert channel_for(marie) == ("sms", MOBILE)
    assert marie.messages_language() == "en" and marie.news_opt_out is False
    assert _last_change(marie).additional_data == {"by": "household",
                                                   "via": "volunteer-link"}
    home = client.get(reverse("volunteerpages:home", kwargs={"token": url.split("/")[2]}))
    assert url in home.content.decode()


def test_the_default_rule_takes_the_programmes_language_when_none_is_spoken(north):
    volunteer = volunteer_create(programme=north, **volunteer_data(
        languages=[{"code": "ti", "level": "native"}, {"code": "uk", "level": "basic"}]))
    assert volunteer.messages_language() == "uk"   # the first it speaks that Voisins writes
    _set(volunteer, languages=[{"code": "ti", "level": "native"}])
    north.languages = ["nl", "fr"]
    north.save()
    volunteer.refresh_from_db()
    assert volunteer.messages_language() == "nl"


# --- The service -------------------------------------------------------------------------------

def test_the_service_refuses_sms_to_a_landline_naming_the_field(marie):
    from django.core.exceptions import ValidationError

    _set(marie, phone=LANDLINE)
    with pytest.raises(ValidationError) as caught:
        household_message_choices_set(household=marie, preferred_channel="sms",
                                      message_language="fr", news_opt_out=False)
    assert set(caught.value.message_dict) == {"preferred_channel"}
    assert VolunteerHousehold.objects.get(pk=marie.pk).preferred_channel == ""


def test_a_coordinator_setting_it_is_recorded_as_staff(marie, alice):
    household_message_choices_set(household=marie, preferred_channel="phone",
                                  message_language="", news_opt_out=False, by=alice,
                                  via="staff")
    marie.refresh_from_db()
    assert channel_for(marie)[0] == "phone"
    assert marie.messages_language() == "nl"   # empty: the default rule again
