"""E-mail to households and staff, each in the recipient's language, never from a request.

A service calls :func:`notify` inside its transaction; the message is stored as a
:class:`Notification` and a task delivers it once the transaction commits. When the mail
server is down the delivery is retried later (``voisins followup`` or the next delivery),
and the action that caused it has already succeeded.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _

from voisins import access, background
from voisins.accounts.models import User
from voisins.programmes.constants import Role
from voisins.programmes.mail import recipient_language
from voisins.programmes.models import Programme

from .models import CaseKind, Notification, Side

logger = logging.getLogger(__name__)

SUBJECTS = {
    "proposal_received": _("A proposal from Voisins"),
    "proposal_answered": _("A proposal was answered"),
    "match_confirmed": _("You both said yes"),
    "introduction_planned": _("Your first meeting is planned"),
    "checkin_due": _("How is it going? A short check-in"),
    "case_opened": _("A mediation case was opened"),
    "safeguarding": _("URGENT: safeguarding concern"),
    "programme_paused": _("The programme is paused"),
    "programme_resumed": _("The programme starts again"),
    "programme_pause_undone": _("Correction: the programme is not paused"),
    "staff_invitation": _("You are invited to a Voisins programme"),
    # Other apps' mails go the same way (stored, sent by a task, retried).
    "signup_confirm": _("Confirm your sign-up to %(programme)s"),
    "event_invitation": _("Invitation: %(event)s"),
    "event_moved_up": _("A place is free for you: %(event)s"),
    "personal_link": _("Your personal link to %(programme)s"),
    "insurance_ending": _("An insurance policy of %(programme)s ends soon"),
    "household_arrived": _("A household moved to %(programme)s"),
}
# Where a kind's body lives, when not in matches/email/<kind>.txt.
TEMPLATES = {
    "signup_confirm": "recruitment/email/confirm.txt",
    "event_invitation": "community/email/invitation.txt",
    "event_moved_up": "community/email/moved_up.txt",
    "personal_link": "portal/email/personal_link.txt",
    "insurance_ending": "volunteering/email/insurance_ending.txt",
    "household_arrived": "transfers/email/arrived.txt",
}
MAX_ATTEMPTS = 8
# The start of `last_error` of a message that no retry could send (see `deliver`).
UNSENDABLE = "unsendable: "


def volunteer_language(volunteer: Any) -> str:
    """The language to write to a volunteer household in: its account's, else the default."""
    return recipient_language(volunteer.user if volunteer.user_id else None)


def notify(*, kind: str, to_email: str, language: str, context: dict[str, Any],
           programme: Programme | None = None) -> Notification | None:
    """Queue one e-mail; it is sent by a task after the current transaction commits.

    ``context`` holds plain JSON values for the template. Nothing is queued for a
    recipient without an address.
    """
    if kind not in SUBJECTS:
        raise ValueError(f"unknown notification kind {kind!r}")
    if not to_email:
        return None
    notification = Notification.objects.create(
        programme=programme, kind=kind, to_email=to_email,
        language=recipient_language(fallback=language), context=context,
    )
    background.after_commit("voisins.matches.tasks.deliver_notification", notification.pk)
    return notification


def notify_coordinators(*, programme: Programme, kind: str, context: dict[str, Any]
                        ) -> list[Notification]:
    """Queue one e-mail for each coordinator of ``programme`` (who may manage its
    matches), in each one's language."""
    sent = []
    for membership in access.members_allowed(
            programme.memberships.filter(user__is_active=True), programme, "manage_matches"
    ).select_related("user"):
        user = membership.user
        n = notify(kind=kind, to_email=user.email, language=recipient_language(user),
                   context=context, programme=programme)
        if n:
            sent.append(n)
    return sent


def render(notification: Notification) -> tuple[str, str]:
    """Subject and body of a notification, in its recipient's language."""
    context = dict(notification.context)
    if notification.kind == "staff_invitation":
        # Made now rather than stored: the link lets its holder choose the password.
        context["link"] = password_link(context.get("user_id"))
    with translation.override(notification.language):
        context = _localise(context)
        subject = str(SUBJECTS[notification.kind])
        if "%(" in subject:
            subject = subject % context
        template = TEMPLATES.get(notification.kind, f"matches/email/{notification.kind}.txt")
        body = render_to_string(template, context)
    return subject, body


def _localise(context: dict[str, Any]) -> dict[str, Any]:
    """Codes and ISO dates stored with the message, written out in the active language."""
    result = dict(context)
    for key, value in context.items():
        if key.endswith("_iso") and value:
            moment = datetime.fromisoformat(value)
            if isinstance(moment, datetime) and "T" in value:
                moment = timezone.localtime(moment) if timezone.is_aware(moment) else moment
                result[key[:-4]] = formats.date_format(moment, "DATETIME_FORMAT")
            else:
                result[key[:-4]] = formats.date_format(moment.date(), "DATE_FORMAT")
    if "side" in context:
        result["side_label"] = str(dict(Side.choices).get(context["side"], context["side"]))
    if "role" in context:
        result["role_label"] = str(dict(Role.choices).get(context["role"], context["role"]))
    if "kind" in context:
        result["kind_label"] = str(dict(CaseKind.choices).get(context["kind"], context["kind"]))
    link = context.get("link", "")
    if link.startswith("/"):
        result["link"] = site_url() + link
    return result


def password_link(user_id: Any) -> str:
    """A link to choose a new password (allauth's reset link); it stops working once used
    or after PASSWORD_RESET_TIMEOUT."""
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str
    from django.urls import reverse

    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return site_url() + reverse("account_login")
    key = f"{user_pk_to_url_str(user)}-{default_token_generator.make_token(user)}"
    return site_url() + reverse("account_reset_password_from_key",
                                kwargs={"uidb36": "UID", "key": "KEY"}).replace("UID-KEY", key)


def site_url() -> str:
    return getattr(settings, "VOISINS", {}).get("SITE_URL", "") or "http://127.0.0.1:8000"


def message_id(notification: Notification) -> str:
    """The same Message-ID every time this notification is sent.

    Should a worker die after the mail server took the message but before it was marked
    sent, the retry carries the same identifier, which mail servers and readers use to
    drop the duplicate.
    """
    from urllib.parse import urlsplit

    domain = urlsplit(site_url()).hostname or "localhost"
    return f"<notification-{notification.pk}@{domain}>"


def deliver(notification_id: int) -> bool:
    """Try to send one notification; on failure schedule a retry with a growing delay."""
    with transaction.atomic():
        notification = (Notification.objects.select_for_update()
                        .filter(pk=notification_id, status=Notification.Status.PENDING).first())
        if notification is None:
            return False
        notification.attempts += 1
        try:
            subject, body = render(notification)
            message = EmailMessage(subject, body, None, [notification.to_email],
                                   headers={"Message-ID": message_id(notification)})
            message.message()  # a line break in a header refuses here (ValueError)
        except Exception as exc:  # the message itself is faulty
            # Sending it again would fail the same way: given up at once, and the
            # coordinators see why (matches.selectors.undelivered_notifications).
            notification.status = Notification.Status.FAILED
            notification.last_error = f"{UNSENDABLE}{type(exc).__name__}"[:200]
            notification.context = {}
            notification.save(update_fields=["attempts", "last_error", "status", "context"])
            logger.warning("notification %s cannot be sent: %s", notification.pk,
                           type(exc).__name__)
            return False
        try:
            message.send()
        except Exception as exc:  # any mail failure means "try later"
            # The exception's class only: its text may hold the address.
            notification.last_error = type(exc).__name__[:200]
            if notification.attempts >= MAX_ATTEMPTS:
                notification.status = Notification.Status.FAILED
                notification.context = {}  # given up: the names and links are not needed
            notification.next_attempt_at = timezone.now() + timedelta(
                minutes=5 * 2 ** (notification.attempts - 1))
            notification.save(update_fields=["attempts", "last_error", "status",
                                             "next_attempt_at", "context"])
            logger.warning("notification %s not sent (attempt %s): %s", notification.pk,
                           notification.attempts, notification.last_error)
            return False
        notification.status = Notification.Status.SENT
        notification.sent_at = timezone.now()
        notification.last_error = ""
        # Sent: what filled the message (first names, a family's personal link) is no
        # longer needed, so it is not kept (data minimisation; the link is a key).
        notification.context = {}
        notification.save(update_fields=["attempts", "status", "sent_at", "last_error",
                                         "context"])
        return True


def retry_due() -> int:
    """Deliver every pending notification whose retry time has come; the number sent."""
    due = Notification.objects.filter(status=Notification.Status.PENDING,
                                      next_attempt_at__lte=timezone.now()).values_list("pk",
                                                                                       flat=True)
    return sum(deliver(pk) for pk in list(due))
