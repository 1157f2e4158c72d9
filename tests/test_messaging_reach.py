"""Reaching a household through a channel it really has, in its language, and telling the
coordinator exactly what was done for each household and channel."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from tests.conftest import volunteer_data
from voisins.households.models import FamilyHousehold, VolunteerHousehold
from voisins.households.services import household_update, volunteer_create
from voisins.messaging import services, sms
from voisins.messaging.models import Message
from voisins.messaging.selectors import channel_for, reach_summary

MOBILE = "+32470123456"
LANDLINE = "+3225123456"


@pytest.fixture(autouse=True)
def _empty_outbox():
    sms.outbox.clear()


# The coordinator reads English; the confirmations are checked word for word.
pytestmark = pytest.mark.usefixtures("alice_reads_english")


def _set(household, **fields):
    type(household).objects.filter(pk=household.pk).update(**fields)
    household.refresh_from_db()
    return household


# --- Which channel ---------------------------------------------------------------------------

@pytest.mark.parametrize(("fields", "expected"), [
    ({"email": "a@example.org", "phone": MOBILE}, ("email", "a@example.org")),
    ({"email": "", "phone": MOBILE}, ("sms", MOBILE)),
    ({"email": "a@example.org", "phone": MOBILE, "preferred_channel": "sms"}, ("sms", MOBILE)),
    ({"email": "", "phone": LANDLINE}, ("phone", LANDLINE)),        # no SMS to a landline
    ({"email": "", "phone": ""}, ("phone", "")),
    ({"email": "a@example.org", "preferred_channel": "phone"}, ("phone", "")),
    ({"email": "", "phone": "", "preferred_channel": "sms"}, ("phone", "")),
    ({"email": "a@example.org", "phone": MOBILE, "email_check": True}, ("sms", MOBILE)),
    ({"email": "", "phone": MOBILE, "phone_check": True}, ("phone", MOBILE)),
])
def test_it_chooses_the_channel_the_household_has(family, fields, expected):
    assert channel_for(_set(family, **fields)) == expected


def test_a_dutch_speaking_volunteer_household_without_account_is_written_to_in_dutch(north):
    volunteer = volunteer_create(programme=north, **volunteer_data(
        languages=[{"code": "nl", "level": "native"}, {"code": "fr", "level": "fluent"}]))
    assert volunteer.messages_language() == "nl"
    volunteer.message_language = "en"
    assert volunteer.messages_language() == "en"


def test_a_household_speaking_no_language_voisins_writes_takes_the_programmes(north):
    volunteer = volunteer_create(programme=north, **volunteer_data(
        languages=[{"code": "ti", "level": "native"}]))
    north.languages = ["nl", "fr"]
    assert volunteer.messages_language() == "nl"


def test_a_news_message_is_not_sent_to_a_household_that_opted_out(family):
    _set(family, email="a@example.org", news_opt_out=True)
    message = services.message_household(household=family, purpose="news", subject="News",
                                         template="matches/email/programme_resumed.txt",
                                         context={})
    assert message.state == "failed" and message.error == "opted out of news"


def test_a_corrected_number_is_tried_again(family, alice):
    _set(family, phone="", phone_unread="0470/12.34.5", phone_check=True)
    household_update(household=family, changes={"phone": "0470 12 34 56"}, by=alice)
    family.refresh_from_db()
    assert (family.phone, family.phone_unread, family.phone_check) == (MOBILE, "", False)


# --- What the coordinator is told -----------------------------------------------------------

def _send(client, alice, proposal):
    client.force_login(alice)
    response = client.post(reverse("matches:proposal_send", args=["north", proposal.pk]))
    assert response.status_code == 302
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


@pytest.mark.django_db(transaction=True)
def test_both_with_email_each_is_told_by_email(client, alice, family, draft_proposal):
    from django.core import mail

    _set(family, email="amina@example.org", phone=MOBILE)
    text = _send(client, alice, draft_proposal)
    assert text == ("Proposal sent. The volunteer household (Victor): e-mail sent. "
                    "The family (Amina): e-mail sent.")
    assert {m.to[0] for m in mail.outbox} == {"victor.home@example.org", "amina@example.org"}
    assert not sms.outbox


@pytest.mark.django_db(transaction=True)
def test_a_family_with_a_phone_only_is_told_by_sms(client, alice, family, draft_proposal):
    _set(family, email="", phone=MOBILE)
    text = _send(client, alice, draft_proposal)
    assert text == ("Proposal sent. The volunteer household (Victor): e-mail sent. "
                    "The family (Amina): SMS sent.")
    [message] = sms.outbox
    assert message.to == MOBILE and "/f/" in message.body and "Victor" in message.body


@pytest.mark.django_db(transaction=True)
def test_a_family_with_no_channel_is_on_the_to_call_list(client, alice, family,
                                                         draft_proposal):
    _set(family, email="", phone="")
    text = _send(client, alice, draft_proposal)
    assert text == ("Proposal sent. The volunteer household (Victor): e-mail sent. "
                    "The family (Amina): no digital channel, it is on your to-call list.")
    assert Message.objects.get(family=family).state == "to_call"
    assert not sms.outbox


@pytest.mark.django_db(transaction=True)
def test_the_confirmation_says_when_a_message_could_not_go(client, alice, family,
                                                          draft_proposal):
    from unittest import mock

    _set(family, email="", phone="")
    with mock.patch("voisins.messaging.services.EmailMessage.send", side_effect=OSError):
        text = _send(client, alice, draft_proposal)
    assert "The volunteer household (Victor): e-mail not sent yet" in text


def test_the_confirmation_is_written_in_the_coordinators_language(family, volunteer):
    from django.utils import translation

    _set(family, email="", phone="")
    message = services.message_household(household=family, purpose="proposal", subject="x",
                                         template="matches/email/proposal_received.txt",
                                         context={})
    with translation.override("fr"):
        text = reach_summary([message])
    assert text == "La famille (Amina) : aucun canal numérique, à appeler (sur votre liste " \
                   "d'appels)."


def test_many_messages_are_counted(north, family):
    households = [volunteer_create(programme=north, **volunteer_data(
        contact_first_name=f"V{i}", email=f"v{i}@example.org")) for i in range(5)]
    queued = [services.message_household(household=h, purpose="programme", subject="x",
                                         template="matches/email/programme_resumed.txt",
                                         context={}) for h in [*households, _set(family)]]
    assert reach_summary(queued) == (
        "Messages to 6 households: 0 sent, 5 waiting to go, 0 failed; 1 without a digital "
        "channel are on your to-call list.")


@pytest.mark.django_db(transaction=True)
def test_a_lockdown_says_what_was_done(client, alice, live_match, family):
    _set(family, email="", phone=MOBILE)
    client.force_login(alice)
    response = client.post(reverse("matches:pause_all", args=["north"]),
                           {"message": "Confinement: on se parle par téléphone.",
                            "confirm": "1"})
    text = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert text == ("Every match is paused. The family (Amina): SMS sent. "
                    "The volunteer household (Victor): e-mail sent.")
    [message] = sms.outbox
    assert "Confinement" in message.body


# --- The household's page lists its messages ------------------------------------------------------

def test_the_household_page_lists_its_messages(client, alice, family, sent_proposal):
    client.force_login(alice)
    page = client.get(reverse("staff:family", args=["north", family.pk])).content.decode()
    assert "Messages" in page and "To call" in page and "Proposal" in page


def test_the_household_page_shows_its_channels(client, alice, family):
    _set(family, preferred_channel="sms", phone=MOBILE, message_language="ar",
         phone_check=True)
    client.force_login(alice)
    page = client.get(reverse("staff:family", args=["north", family.pk])).content.decode()
    assert "+32470123456" in page and "to check" in page and "SMS" in page


def test_a_mediator_sees_no_channel_or_message_of_a_household(client, bob, family):
    client.force_login(bob)
    assert client.get(reverse("staff:family", args=["north", family.pk])).status_code == 404


# --- Privacy ------------------------------------------------------------------------------------

def test_erasure_removes_the_number_and_stops_what_is_queued(alice, family):
    from voisins.gdpr.services import household_erase

    _set(family, phone=MOBILE)
    message = services.message_household(household=family, purpose="checkin", subject="x",
                                         template="matches/email/checkin_due.txt",
                                         context={"other_first_name": "Victor"})
    assert message.state == "queued"
    household_erase(household=family, by=alice)
    message.refresh_from_db()
    family.refresh_from_db()
    assert (message.to_address, message.context, message.state) == ("", {}, "failed")
    assert family.phone == "" and family.phone_unread == ""


def test_the_export_lists_the_messages_and_the_channels(alice, family):
    from voisins.gdpr.selectors import household_export

    _set(family, phone=MOBILE, preferred_channel="sms")
    services.message_household(household=family, purpose="checkin", subject="x",
                               template="matches/email/checkin_due.txt", context={})
    data = household_export(family)
    assert data["household"]["phone"] == MOBILE
    assert data["household"]["preferred_channel"] == "sms"
    assert data["messages"][0]["to"] == MOBILE and data["messages"][0]["channel"] == "sms"


def test_erasure_takes_the_persons_name_out_of_others_messages_not_their_own_greeting(
        alice, family, north):
    from voisins.gdpr.services import household_erase

    name = family.contact_first_name
    namesake = volunteer_create(programme=north, **volunteer_data(
        contact_first_name=name, email="namesake@example.org"))
    to_namesake = services.message_household(
        household=namesake, purpose="checkin", subject="x",
        template="matches/email/checkin_due.txt", context={"other_first_name": name})
    household_erase(household=family, by=alice)
    to_namesake.refresh_from_db()
    # Its own greeting stays; the erased family's name, which it carried, goes.
    assert to_namesake.context["name"] == name
    assert to_namesake.context["other_first_name"] == "—"


def test_a_volunteer_without_account_is_messaged_through_its_own_address(north):
    volunteer = volunteer_create(programme=north, **volunteer_data(email="m@example.org"))
    assert isinstance(volunteer, VolunteerHousehold)
    assert channel_for(volunteer) == ("email", "m@example.org")
    assert FamilyHousehold  # the family side is covered above


def test_a_staff_member_is_messaged_by_email_in_their_language(
        alice, north, django_capture_on_commit_callbacks):
    from django.core import mail

    from tests.conftest import make_user

    alice.language = "nl"
    alice.save()
    with django_capture_on_commit_callbacks(execute=True):
        message = services.message_user(
            user=alice, purpose="other", subject="The programme is paused",
            template="matches/email/programme_paused.txt",
            context={"name": "Alice", "message": "Lockdown"}, programme_id=north.pk)
    message.refresh_from_db()
    assert (message.channel, message.language, message.state) == ("email", "nl", "sent")
    [sent] = mail.outbox
    assert sent.to == ["alice@example.org"] and "Lockdown" in sent.body
    nobody = make_user("nobody@example.org", first_name="Nobody")
    nobody.email = ""
    assert services.message_user(user=nobody, purpose="other", subject="x",
                                 template="x", context={}) is None
