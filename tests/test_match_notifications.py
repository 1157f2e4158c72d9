"""A notification per event, each in its recipient's language, sent by a task after commit,
and retried later when the mail server is down (the action itself still succeeds).

Households' messages are `voisins.messaging` Messages; staff e-mails stay Notifications."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from voisins.households.models import FamilyHousehold
from voisins.matches import notifications
from voisins.matches.models import Notification
from voisins.matches.services import (
    introduction_plan,
    introduction_record,
    proposal_answer,
    proposal_send,
)
from voisins.mediation.services import case_open
from voisins.messaging import services as messaging
from voisins.messaging.models import Message


@pytest.fixture
def ukrainian_family(family):
    FamilyHousehold.objects.filter(pk=family.pk).update(email="olena@example.org",
                                                        page_language="uk")
    family.refresh_from_db()
    return family


def _to(address):
    return [m for m in mail.outbox if m.to == [address]]


def test_a_proposal_is_announced_to_each_household_in_its_language(
        ukrainian_family, draft_proposal, alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        proposal_send(proposal=draft_proposal, by=alice)
    [volunteer_mail] = _to("victor.home@example.org")
    [family_mail] = _to("olena@example.org")
    # Victor chose Dutch for his account; the family's pages are in Ukrainian.
    assert "Amina" in volunteer_mail.body and "/v/" in volunteer_mail.body  # its personal link
    assert "/f/" in family_mail.body and "Victor" in family_mail.body
    kinds = dict(Message.objects.values_list("to_address", "language"))
    assert kinds == {"victor.home@example.org": "nl", "olena@example.org": "uk"}
    assert Message.objects.filter(state="sent", channel="email").count() == 2


def test_each_mail_is_written_in_its_recipients_language(
        ukrainian_family, draft_proposal, alice, django_capture_on_commit_callbacks):
    from django.template.loader import render_to_string
    from django.utils import translation

    seen = {}

    def spy(template, context):
        seen[context["name"]] = translation.get_language()
        return render_to_string(template, context)

    with (mock.patch("voisins.messaging.rendering.render_to_string", side_effect=spy),
          translation.override("fr"), django_capture_on_commit_callbacks(execute=True)):
        proposal_send(proposal=draft_proposal, by=alice)
    assert seen == {"Victor": "nl", "Amina": "uk"}


def test_each_event_sends_its_notification(ukrainian_family, draft_proposal, alice, victor,
                                           django_capture_on_commit_callbacks):
    alice.language = "en"
    alice.save()
    with django_capture_on_commit_callbacks(execute=True):
        proposal_send(proposal=draft_proposal, by=alice)
    with django_capture_on_commit_callbacks(execute=True):
        proposal_answer(proposal=draft_proposal, side="volunteer", accept=True, by=victor.user)
    [answered] = _to("alice@example.org")
    assert answered.subject == "A proposal was answered"
    assert "accepted" in answered.body
    with django_capture_on_commit_callbacks(execute=True):
        proposal = proposal_answer(proposal=draft_proposal, side="family", accept=True)
    match = proposal.match
    with django_capture_on_commit_callbacks(execute=True):
        introduction_plan(match=match, planned_at=timezone.now() + timedelta(days=2),
                          place="Library", by=alice)
    with django_capture_on_commit_callbacks(execute=True):
        case_open(programme=match.programme, kind="expectations", summary="—",
                  opened_by="volunteer", match=match)
    kinds = list(Notification.objects.order_by("id").values_list("kind", "to_email"))
    kinds += [(m.template.rsplit("/", 1)[-1].removesuffix(".txt"), m.to_address)
              for m in Message.objects.all()]
    assert ("proposal_received", "victor.home@example.org") in kinds
    assert ("proposal_received", "olena@example.org") in kinds
    assert ("proposal_answered", "alice@example.org") in kinds
    assert ("match_confirmed", "olena@example.org") in kinds
    assert ("introduction_planned", "victor.home@example.org") in kinds
    assert ("introduction_planned", "olena@example.org") in kinds
    assert ("case_opened", "alice@example.org") in kinds
    assert [m for m in _to("olena@example.org") if "Library" in m.body]
    assert len(mail.outbox) == (Notification.objects.filter(status="sent").count()
                                + Message.objects.filter(state="sent").count())


def test_a_due_checkin_is_emailed_once_with_its_link(live_match, alice, victor,
                                                     django_capture_on_commit_callbacks):
    from voisins.matches.services import checkins_notify_due

    introduction_plan(match=live_match, planned_at=timezone.now(), place="Parc", by=alice)
    live_match.started_on = timezone.localdate() - timedelta(days=30)
    live_match.save()
    introduction_record(match=live_match, held_on=timezone.localdate() - timedelta(days=15),
                        by=alice)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        # Both sides are due; the family has neither e-mail nor phone: it is to be called.
        assert checkins_notify_due() == 2
    assert Message.objects.get(family=live_match.family, purpose="checkin").state == "to_call"
    with django_capture_on_commit_callbacks(execute=True):
        assert checkins_notify_due() == 0
    [message] = mail.outbox
    assert message.to == ["victor.home@example.org"]
    # Its personal link, to the check-in's page (no login, no one-time token).
    checkin = live_match.checkins.get(side="volunteer", notified_at__isnull=False)
    assert "/v/" in message.body and f"/check-ins/{checkin.pk}/" in message.body


def test_mail_server_down_the_action_succeeds_and_the_mail_goes_later(
        draft_proposal, alice, django_capture_on_commit_callbacks):
    with (mock.patch("voisins.messaging.services.EmailMessage.send",
                     side_effect=ConnectionRefusedError("down")),
          django_capture_on_commit_callbacks(execute=True)):
        proposal = proposal_send(proposal=draft_proposal, by=alice)
    assert proposal.status == "sent"
    pending = Message.objects.get(to_address="victor.home@example.org")
    assert pending.state == "queued" and pending.attempts == 1
    assert pending.error_class == "ConnectionRefusedError"
    assert pending.next_attempt_at > timezone.now()
    assert messaging.messages_retry_due() == 0  # not yet time
    Message.objects.update(next_attempt_at=timezone.now())
    assert messaging.messages_retry_due() == 1
    pending.refresh_from_db()
    assert pending.state == "sent" and pending.attempts == 2
    assert [m.to for m in mail.outbox] == [["victor.home@example.org"]]


def test_it_gives_up_after_many_attempts(draft_proposal, alice):
    n = notifications.notify(kind="proposal_received", to_email="x@example.org",
                             language="fr", context={"name": "X"})
    with mock.patch("voisins.matches.notifications.EmailMessage.send", side_effect=OSError):
        for _ in range(notifications.MAX_ATTEMPTS):
            Notification.objects.filter(pk=n.pk).update(next_attempt_at=timezone.now())
            notifications.retry_due()
    n.refresh_from_db()
    assert n.status == "failed" and n.attempts == notifications.MAX_ATTEMPTS


def test_nothing_is_mailed_when_the_action_fails(sent_proposal, victor,
                                                 django_capture_on_commit_callbacks):
    from django.core.exceptions import ValidationError

    mail.outbox.clear()
    before = Notification.objects.count() + Message.objects.count()
    proposal_answer(proposal=sent_proposal, side="volunteer", accept=True, by=victor.user)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        proposal_answer(proposal=sent_proposal, side="volunteer", accept=True, by=victor.user)
    # The first answer only (the coordinator is told).
    assert Notification.objects.count() + Message.objects.count() == before + 1
