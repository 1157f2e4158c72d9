"""Event invitations reach households without an account (issue 15): a volunteer household
without one and a family are invited as households, each gets a message through the
channel it has (the queue of voisins.messaging) with its personal link, and answers there;
the coordinator is told exactly who was reached how."""

import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests.conftest import volunteer_data
from voisins.community import services as community
from voisins.community.models import Invitation
from voisins.households.models import FamilyHousehold
from voisins.households.services import volunteer_create
from voisins.messaging import sms
from voisins.messaging.models import Message

MOBILE = "+32470123456"


@pytest.fixture(autouse=True)
def _empty_outboxes():
    sms.outbox.clear()
    mail.outbox.clear()


@pytest.fixture
def event(north, alice):
    start = timezone.now() + timedelta(days=10)
    return community.event_create(programme=north, by=alice, kind="shared-meal",
                                  title="Repas partagé", starts_at=start,
                                  ends_at=start + timedelta(hours=3),
                                  place="Maison de quartier", capacity=1)


@pytest.fixture
def marie(north):
    """A screened volunteer household without an account, reached by e-mail."""
    return volunteer_create(programme=north, **volunteer_data(
        email="marie.home@example.org", status="screened"))


@pytest.fixture
def amina(family):
    """A waiting family with only a mobile number, its pages in Arabic."""
    FamilyHousehold.objects.filter(pk=family.pk).update(email="", phone=MOBILE,
                                                        page_language="ar")
    family.refresh_from_db()
    return family


def _invite(client, alice, event, groups, capture):
    client.force_login(alice)
    with capture(execute=True):
        response = client.post(reverse("community:event", args=["north", event.pk]),
                               {"action": "invite", "groups": groups},
                               HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def test_a_volunteer_without_account_and_a_family_are_invited_through_their_channels(
        client, alice, event, marie, amina, django_capture_on_commit_callbacks):
    alice.language = "en"
    alice.save()
    said = _invite(client, alice, event, ["volunteers", "families"],
                   django_capture_on_commit_callbacks)
    assert Invitation.objects.filter(event=event, volunteer=marie).exists()
    assert Invitation.objects.filter(event=event, family=amina).exists()
    assert "2 people invited." in said
    # The test's transaction commits after the page is answered: the messages were still
    # queued when the coordinator was told (after a real commit they are sent first).
    assert "The volunteer household (Marie): e-mail queued, it goes out in a moment." in said
    assert "The family (Amina): SMS queued, it goes out in a moment." in said
    [email] = [m for m in mail.outbox if m.to == ["marie.home@example.org"]]
    assert "Repas partagé" in email.body and "/v/" in email.body
    [text] = sms.outbox
    assert text.to == MOBILE and "/community/f/" in text.body
    assert {m.purpose for m in Message.objects.filter(family=amina)} == {"event"}


def test_inviting_again_invites_nobody_twice(client, alice, event, marie, amina,
                                             django_capture_on_commit_callbacks):
    _invite(client, alice, event, ["volunteers", "families"],
            django_capture_on_commit_callbacks)
    _invite(client, alice, event, ["volunteers", "families"],
            django_capture_on_commit_callbacks)
    assert event.invitations.count() == 2
    assert Message.objects.filter(purpose="event").count() == 2


def test_the_family_answers_through_its_link_and_moves_up_when_a_place_frees(
        client, alice, event, marie, amina, django_capture_on_commit_callbacks):
    _invite(client, alice, event, ["volunteers", "families"],
            django_capture_on_commit_callbacks)
    family_url = re.search(r"https?://\S+(/community/f/\S+/events/)", sms.outbox[0].body)[1]
    volunteer_url = re.search(r"https?://\S+(/v/[^/\s]+/)", mail.outbox[0].body)[1]
    client.logout()
    # Marie takes the only place through her link, without an account.
    page = client.get(volunteer_url)
    invitation = Invitation.objects.get(volunteer=marie)
    assert "Repas partagé" in page.content.decode()
    client.post(reverse("volunteerpages:rsvp", args=[volunteer_url.split("/")[2],
                                                      invitation.pk]), {"going": "1"})
    assert Invitation.objects.get(volunteer=marie).status == "going"
    # The family, in Arabic, asks too: the event is full, it waits.
    page = client.get(family_url)
    assert page.status_code == 200 and page["Content-Language"] == "ar"
    theirs = Invitation.objects.get(family=amina)
    answer = family_url.replace("/events/", f"/events/{theirs.pk}/answer/")
    client.post(answer, {"going": "1"})
    assert Invitation.objects.get(family=amina).status == "waiting"
    # Marie cannot come after all: the family moves up and is told by SMS.
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("volunteerpages:rsvp", args=[volunteer_url.split("/")[2],
                                                          invitation.pk]), {"going": "0"})
    assert Invitation.objects.get(family=amina).status == "going"
    [text] = sms.outbox
    assert text.to == MOBILE and "/community/f/" in text.body


def test_a_family_cannot_answer_another_households_invitation(
        client, alice, event, marie, amina, django_capture_on_commit_callbacks):
    _invite(client, alice, event, ["volunteers", "families"],
            django_capture_on_commit_callbacks)
    family_url = re.search(r"https?://\S+(/community/f/\S+/events/)", sms.outbox[0].body)[1]
    client.logout()
    hers = Invitation.objects.get(volunteer=marie)
    response = client.post(family_url.replace("/events/", f"/events/{hers.pk}/answer/"),
                           {"going": "1"})
    assert response.status_code == 404
    assert Invitation.objects.get(pk=hers.pk).status == "invited"


def test_an_invitation_has_exactly_one_invitee(event, marie, amina):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        Invitation(event=event, volunteer=marie, family=amina).full_clean()
    with pytest.raises(ValidationError):
        Invitation(event=event).full_clean()


def test_a_household_invited_before_it_had_an_account_answers_once_logged_in(
        client, alice, event, marie, django_capture_on_commit_callbacks):
    from tests.conftest import make_user

    _invite(client, alice, event, ["volunteers"], django_capture_on_commit_callbacks)
    invitation = Invitation.objects.get(volunteer=marie)
    marie.user = make_user("marie@example.org", first_name="Marie")
    marie.save()
    client.force_login(marie.user)
    page = client.get(reverse("community:invitations"))
    assert "Repas partagé" in page.content.decode()
    client.post(reverse("community:rsvp", args=[invitation.pk]), {"going": "1"})
    assert Invitation.objects.get(pk=invitation.pk).status == "going"
