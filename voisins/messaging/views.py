"""Delivery reports from providers. Each request's signature is checked by the provider's
own library; a report for a message we do not know is answered 204 and logged without
any of its content; nothing here answers 500."""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import selectors, services

logger = logging.getLogger(__name__)

# Twilio's MessageStatus values: the last two are final failures.
TWILIO_DELIVERED = {"delivered", "read"}
TWILIO_FAILED = {"failed", "undelivered"}


def _twilio_signature_ok(request: HttpRequest) -> bool:
    from twilio.request_validator import RequestValidator

    token = settings.VOISINS_SMS.get("TWILIO_AUTH_TOKEN", "")
    if not token:
        return False
    # The URL Twilio signed is the one it was given: SITE_URL + the path.
    url = selectors.site_url() + request.get_full_path()
    signature = request.headers.get("X-Twilio-Signature", "")
    return RequestValidator(token).validate(url, request.POST.dict(), signature)


@csrf_exempt
@require_POST
def twilio_status(request: HttpRequest) -> HttpResponse:
    """Twilio's status callback for one SMS (form-encoded, signed with the auth token)."""
    if not _twilio_signature_ok(request):
        logger.warning("twilio status callback refused: bad signature")
        return HttpResponse(status=403)
    status = request.POST.get("MessageStatus", "")
    sid = request.POST.get("MessageSid", "")[:100]
    if status not in TWILIO_DELIVERED | TWILIO_FAILED:
        return HttpResponse(status=204)  # queued, sending, sent: nothing to record
    message = services.message_report(
        provider="twilio", provider_id=sid, delivered=status in TWILIO_DELIVERED,
        reason=f"Twilio {status} {request.POST.get('ErrorCode', '')}".strip())
    if message is None:
        logger.info("twilio status callback for an unknown message ignored")
    return HttpResponse(status=204)


@csrf_exempt
def mailgun_tracking(request: HttpRequest) -> HttpResponse:
    """Mailgun's tracking webhook, read by django-anymail (which checks the signature and
    answers 400 to a bad one); its events arrive in ``receivers.email_tracked``. Off (404)
    until the signing key is configured."""
    if not settings.ANYMAIL.get("MAILGUN_WEBHOOK_SIGNING_KEY"):
        raise Http404
    from anymail.webhooks.mailgun import MailgunTrackingWebhookView

    return MailgunTrackingWebhookView.as_view()(request)
