"""Delivery reports: Twilio's status callbacks (X-Twilio-Signature checked with the SDK's
RequestValidator) and Mailgun's tracking webhook through django-anymail. Delivered turns a
message to delivered; a failure or a bounce turns it to failed and the household's channel
to "to check"; a bad signature is refused; an unknown message is ignored; never a 500."""

import hashlib
import hmac
import json
import time

import pytest
from django.test import override_settings
from twilio.request_validator import RequestValidator

from voisins.messaging.models import Message

TOKEN = "twilio-token"
URL = "/hooks/twilio/status/"
SIGNED_URL = "http://127.0.0.1:8000" + URL
MAILGUN_KEY = "mailgun-signing-key"
MAILGUN_URL = "/hooks/email/mailgun/"


@pytest.fixture
def twilio(settings):
    settings.VOISINS_SMS = {**settings.VOISINS_SMS, "TWILIO_AUTH_TOKEN": TOKEN}


def _sms(family, **extra):
    fields = {"programme": family.programme, "family": family, "channel": "sms",
              "purpose": "proposal", "subject": "x", "template": "x", "language": "fr",
              "to_address": "+32470123456", "state": "sent", "provider": "twilio",
              "provider_id": "SM123", **extra}
    return Message.objects.create(**fields)


def _post_twilio(client, params, signature=None):
    if signature is None:
        signature = RequestValidator(TOKEN).compute_signature(SIGNED_URL, params)
    return client.post(URL, params, HTTP_X_TWILIO_SIGNATURE=signature)


def test_a_delivered_report_marks_the_sms_delivered(client, family, twilio):
    message = _sms(family)
    response = _post_twilio(client, {"MessageSid": "SM123", "MessageStatus": "delivered"})
    assert response.status_code == 204
    message.refresh_from_db()
    assert message.state == "delivered" and message.delivered_at is not None


def test_an_undelivered_report_fails_the_sms_and_marks_the_phone_to_check(client, family,
                                                                          twilio):
    message = _sms(family)
    response = _post_twilio(client, {"MessageSid": "SM123", "MessageStatus": "undelivered",
                                     "ErrorCode": "30003", "To": "+32470123456"})
    assert response.status_code == 204
    message.refresh_from_db()
    family.refresh_from_db()
    assert message.state == "failed" and "30003" in message.error
    assert "470123456" not in message.error
    assert family.phone_check


def test_a_bad_twilio_signature_is_refused_and_changes_nothing(client, family, twilio):
    message = _sms(family)
    response = _post_twilio(client, {"MessageSid": "SM123", "MessageStatus": "failed"},
                            signature="forged")
    assert response.status_code == 403
    unsigned = client.post(URL, {"MessageSid": "SM123", "MessageStatus": "failed"})
    assert unsigned.status_code == 403
    message.refresh_from_db()
    assert message.state == "sent"


def test_without_a_twilio_token_every_callback_is_refused(client, family):
    _sms(family)
    response = client.post(URL, {"MessageSid": "SM123", "MessageStatus": "failed"},
                           HTTP_X_TWILIO_SIGNATURE="anything")
    assert response.status_code == 403


def test_a_report_on_an_unknown_message_is_ignored(client, family, twilio, caplog):
    response = _post_twilio(client, {"MessageSid": "SM999", "MessageStatus": "failed",
                                     "To": "+32470999999"})
    assert response.status_code == 204
    assert "470999999" not in caplog.text
    garbage = _post_twilio(client, {"MessageStatus": "delivered"})
    assert garbage.status_code == 204


# --- Mailgun through django-anymail -----------------------------------------------------------

def _mailgun_body(event, message_id, key=MAILGUN_KEY, severity="permanent"):
    timestamp, token = str(int(time.time())), "a" * 50
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(),
                         hashlib.sha256).hexdigest()
    return json.dumps({
        "signature": {"timestamp": timestamp, "token": token, "signature": signature},
        "event-data": {"event": event, "severity": severity, "timestamp": time.time(),
                       "id": "evt", "recipient": "amina@example.org",
                       "message": {"headers": {"message-id": message_id}}},
    })


@pytest.fixture
def mailgun(settings):
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": MAILGUN_KEY}


def _email(family):
    return _sms(family, channel="email", to_address="amina@example.org", provider="email",
                provider_id="<abc@mg.example.org>")


def test_a_mailgun_bounce_fails_the_email_and_marks_the_address(client, family, mailgun):
    message = _email(family)
    response = client.post(MAILGUN_URL, _mailgun_body("failed", "abc@mg.example.org"),
                           content_type="application/json")
    assert response.status_code == 200, response.content
    message.refresh_from_db()
    family.refresh_from_db()
    assert message.state == "failed" and family.email_check and not family.phone_check


def test_a_mailgun_delivery_marks_the_email_delivered(client, family, mailgun):
    message = _email(family)
    response = client.post(MAILGUN_URL, _mailgun_body("delivered", "abc@mg.example.org"),
                           content_type="application/json")
    assert response.status_code == 200
    message.refresh_from_db()
    assert message.state == "delivered"


def test_a_bad_mailgun_signature_is_refused(client, family, mailgun):
    message = _email(family)
    response = client.post(MAILGUN_URL, _mailgun_body("failed", "abc@mg.example.org",
                                                      key="wrong"),
                           content_type="application/json")
    assert response.status_code == 400
    message.refresh_from_db()
    assert message.state == "sent"


def test_a_mailgun_event_for_an_unknown_message_is_ignored(client, family, mailgun):
    response = client.post(MAILGUN_URL, _mailgun_body("failed", "nobody@mg.example.org"),
                           content_type="application/json")
    assert response.status_code == 200


def test_an_email_sent_over_smtp_is_found_by_its_message_id(
        client, family, mailgun, django_capture_on_commit_callbacks):
    from voisins.households.models import FamilyHousehold
    from voisins.messaging.services import message_household

    FamilyHousehold.objects.filter(pk=family.pk).update(email="amina@example.org")
    family.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        message = message_household(household=family, purpose="checkin", subject="x",
                                    template="matches/email/checkin_due.txt", context={})
    message.refresh_from_db()
    assert message.provider_id == f"<message-{message.pk}@127.0.0.1>"
    response = client.post(MAILGUN_URL, _mailgun_body("failed", message.provider_id[1:-1]),
                           content_type="application/json")
    assert response.status_code == 200
    message.refresh_from_db()
    assert message.state == "failed"


def test_the_mailgun_webhook_is_off_until_configured(client):
    with override_settings(ANYMAIL={}):
        assert client.post(MAILGUN_URL, "{}", content_type="application/json"
                           ).status_code == 404
