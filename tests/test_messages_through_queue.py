"""Every message goes through a queue with retries (issue 15, item 3): no code outside the
two delivery functions sends mail directly, and an event invitation or a yearly-meeting
invitation written while the mail server is down is sent at the retry, not lost."""

import re
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

import voisins

# The only places that hand a mail to the mail server: the two queues' delivery functions.
ALLOWED = {"voisins/messaging/services.py", "voisins/matches/notifications.py"}
DIRECT = re.compile(r"\b(send_mail|send_mass_mail|EmailMessage|EmailMultiAlternatives)\(")


def test_no_code_sends_mail_outside_the_queues():
    root = Path(voisins.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
        relative = path.relative_to(root.parent).as_posix()
        if relative in ALLOWED or "/migrations/" in relative:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            # allauth's account mails (login, password reset) go through its adapter.
            if DIRECT.search(line) and "def send_mail" not in line and "super().send_mail" \
                    not in line:
                offenders.append(f"{relative}:{number}")
    assert offenders == []


@pytest.mark.django_db(transaction=True)
def test_an_event_invitation_during_a_mail_outage_is_sent_at_the_retry(north, alice, victor):
    from voisins.community.services import event_create, invitations_send
    from voisins.matches.models import Notification
    from voisins.matches.notifications import retry_due

    soon = timezone.now() + timedelta(days=3)
    event = event_create(programme=north, by=alice, kind="meetup", title="Apéro",
                         starts_at=soon, ends_at=soon + timedelta(hours=2), place="Hall",
                         capacity=10)
    with mock.patch("voisins.matches.notifications.EmailMessage.send", side_effect=OSError):
        invitations_send(event=event, users=[victor.user], answer_url="/community/")
    notification = Notification.objects.get(kind="event_invitation")
    assert (notification.status, notification.attempts) == ("pending", 1) and not mail.outbox
    Notification.objects.filter(pk=notification.pk).update(next_attempt_at=timezone.now())
    assert retry_due() == 1
    [sent] = mail.outbox
    assert sent.to == ["victor@example.org"] and "Apéro" in sent.subject


@pytest.mark.django_db(transaction=True)
def test_a_yearly_meeting_invitation_during_a_mail_outage_is_sent_at_the_retry(north, alice,
                                                                              victor):
    from voisins.evaluation.services import meeting_invite, meeting_plan
    from voisins.messaging.models import Message
    from voisins.messaging.services import messages_retry_due

    soon = timezone.now() + timedelta(days=10)
    meeting = meeting_plan(programme=north, year=soon.year, planned_at=soon, place="Hall",
                           by=alice)
    with mock.patch("voisins.messaging.services.EmailMessage.send", side_effect=OSError):
        meeting_invite(meeting=meeting, volunteers=[victor])
    message = Message.objects.get(purpose="meeting")
    assert (message.state, message.attempts) == ("queued", 1) and not mail.outbox
    assert messages_retry_due(now=timezone.now() + timedelta(minutes=5)) == 1
    [sent] = mail.outbox
    assert sent.to == ["victor.home@example.org"]
