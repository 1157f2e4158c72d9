"""SMS: segment counting, the three backends (file, memory, Twilio's SDK against a local
fake of its API), retries of what can be cured and giving up at once on what cannot."""

from unittest import mock

import pytest
from django.test import override_settings
from django.utils import timezone

from tests.twilio_fake import FakeTwilio
from voisins.households.models import FamilyHousehold
from voisins.messaging import services, sms
from voisins.messaging.models import Message
from voisins.messaging.segments import count_segments

MOBILE = "+32470123456"


@pytest.fixture(autouse=True)
def _empty_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def sms_family(family):
    FamilyHousehold.objects.filter(pk=family.pk).update(phone=MOBILE, email="")
    family.refresh_from_db()
    return family


def _message(household, **extra):
    return services.message_household(
        household=household, purpose="proposal", subject="A proposal from Voisins",
        template="matches/email/proposal_received.txt",
        context={"other_first_name": "Victor", "note": "", **extra}, link="/f/abc/")


# --- Segments ---------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("", ("GSM-7", 0)),
    ("a" * 160, ("GSM-7", 1)),
    ("a" * 161, ("GSM-7", 2)),
    ("a" * 306, ("GSM-7", 2)),
    ("a" * 307, ("GSM-7", 3)),
    ("é" * 160, ("GSM-7", 1)),                # in the GSM alphabet
    ("€" * 80, ("GSM-7", 1)),                 # escaped: two septets each
    ("€" * 81, ("GSM-7", 2)),
    ("ê" + "a" * 69, ("UCS-2", 1)),            # ê is not GSM-7
    ("ê" + "a" * 70, ("UCS-2", 2)),
    ("مرحبا" * 14, ("UCS-2", 1)),              # Arabic: 70 units
    ("Привіт" * 12, ("UCS-2", 2)),             # Ukrainian: 72 units
    ("😀" * 35, ("UCS-2", 1)),                 # two UTF-16 units each
])
def test_it_counts_segments_in_gsm7_and_ucs2(text, expected):
    assert count_segments(text) == expected


def test_an_arabic_sms_stays_within_two_segments_with_its_link(sms_family, alice,
                                                            django_capture_on_commit_callbacks):
    sms_family.message_language = "ar"
    sms_family.save()
    with django_capture_on_commit_callbacks(execute=True):
        message = _message(sms_family, note="Une longue note " * 20)
    message.refresh_from_db()
    [sent] = sms.outbox
    assert message.state == "sent" and message.channel == "sms" and message.language == "ar"
    assert count_segments(sent.body) == ("UCS-2", message.segments)
    assert message.segments <= 2
    assert "http://127.0.0.1:8000/f/abc/" in sent.body
    assert sent.to == MOBILE


def test_the_sms_carries_the_coordinators_note_and_the_programmes_signature(
        sms_family, north, django_capture_on_commit_callbacks):
    north.signature = "Convivial"
    north.save()
    with django_capture_on_commit_callbacks(execute=True):
        _message(sms_family, note="Victor a deux enfants")
    [sent] = sms.outbox
    assert sent.body.startswith("Convivial")
    assert "Victor a deux enfants" in sent.body and "Voisins team" not in sent.body


# --- File backend ----------------------------------------------------------------------------

def test_the_file_backend_writes_one_file_per_message(sms_family, tmp_path,
                                                      django_capture_on_commit_callbacks):
    with (override_settings(VOISINS_SMS={"BACKEND": "file", "FILE_PATH": str(tmp_path),
                                         "RATE": 0}),
          django_capture_on_commit_callbacks(execute=True)):
        first = _message(sms_family)
        _message(sms_family)
    files = sorted(tmp_path.iterdir())
    assert len(files) == 2
    text = files[0].read_text()
    assert f"To: {MOBILE}" in text and "Segments: 1" in text or "Segments: 2" in text
    assert "/f/abc/" in text
    first.refresh_from_db()
    assert first.state == "sent" and first.provider == "file"


# --- Twilio, through its SDK, against a local fake -----------------------------------------

def test_twilio_sends_through_the_sdk_to_the_fake_api(sms_family,
                                                     django_capture_on_commit_callbacks):
    with (FakeTwilio() as fake, override_settings(VOISINS_SMS=fake.settings()),
          django_capture_on_commit_callbacks(execute=True)):
        message = _message(sms_family)
    [request] = fake.received
    assert request["To"] == MOBILE and request["From"] == "+32460000000"
    assert "/f/abc/" in request["Body"]
    assert request["StatusCallback"].endswith("/hooks/twilio/status/")
    message.refresh_from_db()
    assert message.state == "sent" and message.provider == "twilio"
    assert message.provider_id.startswith("SM") and message.attempts == 1


def test_a_twilio_400_fails_for_good_masks_the_number_and_marks_the_phone(
        sms_family, django_capture_on_commit_callbacks, caplog):
    with FakeTwilio() as fake, override_settings(VOISINS_SMS=fake.settings()):
        fake.answer = "invalid"
        with django_capture_on_commit_callbacks(execute=True):
            message = _message(sms_family)
        assert services.messages_retry_due() == 0
        assert len(fake.received) == 1  # not retried
    message.refresh_from_db()
    sms_family.refresh_from_db()
    assert message.state == "failed" and message.attempts == 1
    assert "21211" in message.error and "470" not in message.error
    assert sms_family.phone_check
    assert "470123456" not in caplog.text
    # Its next message does not try the number again: a coordinator calls.
    assert _message(sms_family).state == "to_call"


def test_a_twilio_500_is_retried_then_sent(sms_family, django_capture_on_commit_callbacks):
    with FakeTwilio() as fake, override_settings(VOISINS_SMS=fake.settings()):
        fake.answer = "error"
        with django_capture_on_commit_callbacks(execute=True):
            message = _message(sms_family)
        message.refresh_from_db()
        assert message.state == "queued" and message.attempts == 1
        assert message.next_attempt_at > timezone.now()
        assert services.messages_retry_due() == 0  # not yet time
        fake.answer = "ok"
        assert services.messages_retry_due(
            now=timezone.now() + timezone.timedelta(minutes=2)) == 1
    message.refresh_from_db()
    assert message.state == "sent" and message.attempts == 2


def test_twilio_down_is_retried_and_given_up_after_the_limit(
        sms_family, django_capture_on_commit_callbacks):
    with FakeTwilio() as fake:
        settings = fake.settings()
    # The fake is stopped: nobody listens on its port any more.
    with override_settings(VOISINS_SMS=settings):
        with django_capture_on_commit_callbacks(execute=True):
            message = _message(sms_family)
        message.refresh_from_db()
        assert message.state == "queued" and message.error_class == "SmsError"
        assert "unreachable" in message.error
        for _ in range(services.MAX_ATTEMPTS):
            services.messages_retry_due(now=timezone.now() + timezone.timedelta(days=1))
    message.refresh_from_db()
    assert message.state == "failed" and message.attempts == services.MAX_ATTEMPTS
    assert message.context == {}
    sms_family.refresh_from_db()
    assert not sms_family.phone_check  # the provider was down, the number may be fine


def test_sms_are_paced_per_provider(settings):
    settings.VOISINS_SMS = {**settings.VOISINS_SMS, "RATE": 2}
    clock = mock.Mock(side_effect=[100.1, 100.2, 100.3, 101.0])
    sleep = mock.Mock()
    for _ in range(3):
        sms.wait_for_turn("twilio", clock=clock, sleep=sleep)
    # The third waited for the next second (0.7 s).
    assert sleep.call_count == 1 and 0.69 < sleep.call_args.args[0] < 0.71


def test_a_bad_backend_setting_stops_start_up():
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "import voisins.settings"], capture_output=True, text=True,
        env={"VOISINS_SMS_BACKEND": "pigeon", "PATH": "/usr/bin",
             "SECRET_KEY": "x" * 50, "DATABASE_URL": "sqlite:////tmp/x.sqlite3"},
        timeout=60)
    assert result.returncode != 0
    assert "VOISINS_SMS_BACKEND='pigeon' must be file, locmem or twilio" in result.stderr
    assert Message.objects.model  # the module still imports here


def test_a_message_is_sent_once_even_when_two_tasks_deliver_it(sms_family):
    message = _message(sms_family)  # its task is not run: no commit in this test
    assert services.message_deliver(message_id=message.pk)
    assert not services.message_deliver(message_id=message.pk)
    assert len(sms.outbox) == 1


def test_a_message_whose_worker_died_is_sent_after_its_lease(sms_family):
    message = _message(sms_family)
    # A worker claimed it, then died before the provider answered.
    Message.objects.filter(pk=message.pk).update(
        attempts=1, next_attempt_at=timezone.now() + services.LOST_AFTER)
    assert services.messages_retry_due() == 0
    later = timezone.now() + services.LOST_AFTER + timezone.timedelta(seconds=1)
    assert services.messages_retry_due(now=later) == 1
    message.refresh_from_db()
    assert message.state == "sent" and message.attempts == 2


def test_a_message_whose_task_was_lost_is_sent_by_the_retry(sms_family):
    _message(sms_family)
    assert services.messages_retry_due() == 0  # its task may still come
    later = timezone.now() + services.LOST_AFTER + timezone.timedelta(seconds=1)
    assert services.messages_retry_due(now=later) == 1
    assert len(sms.outbox) == 1


@pytest.mark.parametrize("language", ["uk", "ar", "fr", "nl", "en"])
def test_every_sms_fits_two_segments_even_with_a_long_link(sms_family, north, language,
                                                           django_capture_on_commit_callbacks):
    north.signature = "Convivial – Voisins Solidaires"
    north.save()
    sms_family.message_language = language
    sms_family.save()
    link = "/f/cn-cbqhQrVFuE-EmO_nKVn-z:_tfolR3ncB4-2PTzlNZXJuDOlBvK04WCJAMYnaWxIC8/neighbour/"
    with django_capture_on_commit_callbacks(execute=True):
        services.message_household(
            household=sms_family, purpose="proposal", subject="A proposal from Voisins",
            template="matches/email/proposal_received.txt", link=link,
            context={"other_first_name": "Marie", "note": "Elle parle arabe."})
    [sent] = sms.outbox
    assert count_segments(sent.body)[1] <= 2, sent.body
    assert sent.body.startswith("Convivial - Voisins Solidaires")
    assert "http://127.0.0.1:8000" + link in sent.body
