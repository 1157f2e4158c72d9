"""Writes of messaging: queue a message to a household (choosing its channel), deliver it,
retry it, and take in what providers report about delivery.

``message_household`` is the one entry point for households. It returns the
:class:`Message` it recorded, so that the caller can say what really happened; a view can
also gather every message that a service queued with :func:`collect`.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from voisins import background
from voisins.accounts.models import User
from voisins.households.models import Channel, FamilyHousehold, Household, VolunteerHousehold
from voisins.phones import mask_phone
from voisins.programmes.models import Programme

from . import sms as sms_backends
from .channels import channel_for, site_url
from .hooks import HOLDS
from .models import GroupMessage, Message, MessageTemplate, Purpose
from .rendering import GROUP_TEMPLATE, render
from .segments import count_segments
from .selectors import group_plan

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# A message being sent is leased to its worker this long; after it, it is tried again.
LOST_AFTER = timedelta(minutes=10)
GROUP_SUBJECT = gettext_noop("A message from %(signature)s")
# Message rows written per INSERT, and messages handed to one delivery task.
BULK_BATCH = 1000
TASK_CHUNK = 100

_collected: contextvars.ContextVar[list[Message] | None] = contextvars.ContextVar(
    "voisins_messages_collected", default=None)


@contextlib.contextmanager
def collect() -> Iterator[list[Message]]:
    """Gather the messages queued inside the ``with`` block (for a confirmation)."""
    gathered: list[Message] = []
    token = _collected.set(gathered)
    try:
        yield gathered
    finally:
        _collected.reset(token)


def _msgid(text: Any) -> str:
    """The English text of a (lazy) translatable string: stored, translated when written."""
    with translation.override("en"):
        return str(text)


def message_household(*, household: Household, purpose: str, subject: Any, template: str,
                      context: dict[str, Any], link: str = "", by: User | None = None,
                      group_id: uuid.UUID | None = None) -> Message:
    """Queue one message to ``household`` through the channel it can be reached by.

    Parameters
    ----------
    household
        A family or a volunteer household.
    purpose
        One of :class:`Purpose` (a news message is not sent to a household that opted out).
    subject
        The e-mail subject, a translatable string (``gettext_lazy``); it may use the
        context's ``%(name)s`` placeholders.
    template
        The e-mail body's template; the SMS body is the same path with ``/email/``
        replaced by ``/sms/``.
    context
        Plain JSON values for the templates; keys ending in ``_iso`` are dates written out
        in the household's language.
    link
        The household's link (a path or a URL), in every channel.

    Returns
    -------
    Message
        Queued (sent by a task once the transaction commits) or "to call" when the
        household has no digital channel. Nothing is queued when it opted out of news.
    """
    if purpose not in Purpose.values:
        raise ValueError(f"unknown purpose {purpose!r}")
    channel, address = channel_for(household)
    is_family = isinstance(household, FamilyHousehold)
    message = Message(
        programme_id=household.programme_id,
        family=household if is_family else None,
        volunteer=None if is_family else household,
        channel=channel, purpose=purpose, subject=_msgid(subject), template=template,
        group_id=group_id, language=household.messages_language(), to_address=address,
        context={"name": household.contact_first_name, "link": link, **context},
        state=Message.State.TO_CALL if channel == Channel.PHONE else Message.State.QUEUED,
        created_by=by,
    )
    if purpose == Purpose.NEWS and household.news_opt_out:
        message.state = Message.State.FAILED
        message.error = "opted out of news"
    message.full_clean()
    message.save()
    if message.state == Message.State.QUEUED:
        background.after_commit("voisins.messaging.tasks.deliver_message", message.pk)
    gathered = _collected.get()
    if gathered is not None:
        gathered.append(message)
    return message


def message_user(*, user: User, purpose: str, subject: Any, template: str,
                 context: dict[str, Any], programme_id: int | None = None,
                 language: str = "") -> Message | None:
    """Queue one e-mail to a staff member or an account (None without an address)."""
    if not user.email:
        return None
    known = {code for code, _name in settings.LANGUAGES}
    language = next((c for c in (language, user.language) if c in known),
                    settings.LANGUAGE_CODE)
    message = Message(programme_id=programme_id, user=user, channel=Channel.EMAIL,
                      purpose=purpose, subject=_msgid(subject), template=template,
                      language=language, to_address=user.email, context=context)
    message.full_clean()
    message.save()
    background.after_commit("voisins.messaging.tasks.deliver_message", message.pk)
    return message


# --- Group messages ------------------------------------------------------------------------------

def group_message_send(*, programme: Programme, purpose: str, texts: dict[str, str],
                       households: list[Household], description: str,
                       filters: dict[str, Any] | None = None,
                       by: User | None = None) -> GroupMessage:
    """Queue one message to each household of a group, written once per language.

    The group is checked first (:func:`voisins.messaging.selectors.group_plan`): an empty
    group, a text missing in the programme's language, an unknown placeholder or a text
    too long for two SMS raise a ``ValidationError`` naming the field (``audience``,
    ``text_<language>``) and nothing is written. A news message leaves out households that
    opted out of news; any other purpose (about a household's own match or event) does not.

    The messages are written with one ``executemany`` per ``BULK_BATCH`` rows
    (:func:`_insert_messages`; one representative row of each channel and language is
    ``full_clean``-ed: the others differ only by household and address, both read from
    valid records), and handed to the worker in chunks of ``TASK_CHUNK``
    through :func:`voisins.messaging.tasks.deliver_messages`, each message with the same
    claim, lease and retries as a single one (:func:`message_deliver`). Households with no
    digital channel get a "to call" message, as with :func:`message_household`.

    Complexity: O(n) in the group's size, a few queries per ``BULK_BATCH`` households.

    Returns
    -------
    GroupMessage
        Its id is the ``group_id`` of every message it queued.
    """
    from django.core.exceptions import ValidationError

    plan = group_plan(programme=programme, purpose=purpose, texts=texts,
                      households=households)
    if plan.errors:
        raise ValidationError(plan.errors)
    with transaction.atomic():
        group = GroupMessage(programme=programme, purpose=purpose, description=description,
                             filters=filters or {}, fallback_language=plan.fallback,
                             texts={code: text for code, text in texts.items()
                                    if code in plan.languages and text.strip()},
                             recipients=len(plan.rows), opted_out=len(plan.opted_out),
                             created_by=by)
        group.full_clean()
        group.save()
        rows = []
        representative: dict[tuple[str, str], Message] = {}
        for row in plan.rows:
            household = row.household
            is_family = isinstance(household, FamilyHousehold)
            values = {
                "family_id": household.pk if is_family else None,
                "volunteer_id": None if is_family else household.pk,
                "channel": row.channel, "language": row.language, "to_address": row.address,
                "context": {"name": household.contact_first_name},
                "state": (Message.State.TO_CALL if row.channel == Channel.PHONE
                          else Message.State.QUEUED)}
            rows.append(values)
            representative.setdefault((row.channel, row.language), values)
        common = {"programme_id": programme.pk, "purpose": purpose, "subject": GROUP_SUBJECT,
                  "template": GROUP_TEMPLATE, "group_id": group.pk,
                  "created_by_id": by.pk if by else None, "created_at": timezone.now()}
        common["next_attempt_at"] = common["created_at"]
        # Each kind of row (channel × language) is validated as a model; the others differ
        # from it only by household, address and first name, read from valid records.
        for values in representative.values():
            Message(**common, **values).full_clean()
        _insert_messages(common, rows)
        queued = list(Message.objects.filter(group_id=group.pk, state=Message.State.QUEUED)
                      .order_by("pk").values_list("pk", flat=True))
        if queued:
            for i in range(0, len(queued), TASK_CHUNK):
                background.after_commit("voisins.messaging.tasks.deliver_messages",
                                        queued[i:i + TASK_CHUNK])
    return group


def _insert_messages(common: dict[str, Any], rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (per-row values) with ``common`` (the same for all) as Message rows,
    with one ``executemany`` per ``BULK_BATCH`` rows.

    Why not ``bulk_create``: at 10,000 messages it spends most of a second of CPU building
    model instances and preparing each of 25 fields of each row through the ORM, which
    alone would take the 2 s a coordinator may wait (bench/group_messages.py). Here the
    values common to all rows are prepared once by their model fields (so each database
    gets its own types: UUID, datetimes, JSON), and the varying ones are plain values, the
    JSON context prepared by its field.
    """
    from django.db import connection

    meta = Message._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    names = {f.attname for f in fields}
    defaults = {f.attname: f.get_default() for f in fields}
    common = {k: v for k, v in common.items() if k in names}
    varying = [f for f in fields if f.attname in rows[0]] if rows else []
    fixed = [f for f in fields if f.attname not in rows[0]] if rows else []
    prepared = [f.get_db_prep_save(common.get(f.attname, defaults[f.attname]), connection)
                for f in fixed]
    context_field = meta.get_field("context")
    quote = connection.ops.quote_name
    # Only the model's own table and column names, quoted, are in the text; every value
    # is a parameter.
    sql = (f"INSERT INTO {quote(meta.db_table)} "  # noqa: S608
           f"({', '.join(quote(f.column) for f in varying + fixed)}) "
           f"VALUES ({', '.join(['%s'] * (len(varying) + len(fixed)))})")
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BULK_BATCH):
            cursor.executemany(sql, [
                [context_field.get_db_prep_save(row[f.attname], connection)
                 if f is context_field else row[f.attname] for f in varying] + prepared
                for row in rows[start:start + BULK_BATCH]])


# --- Delivery ------------------------------------------------------------------------------------

def _email_message_id(message: Message) -> str:
    """The same Message-ID at every attempt, so that a retry after a crash is recognised
    as the same mail."""
    from urllib.parse import urlsplit

    return f"<message-{message.pk}@{urlsplit(site_url()).hostname or 'localhost'}>"


def _send_email(message: Message, subject: str, body: str) -> tuple[str, str]:
    email = EmailMessage(subject, body, None, [message.to_address],
                         headers={"Message-ID": _email_message_id(message)})
    email.send()
    # The provider's id when it is sent through django-anymail's API backends, else our
    # own Message-ID, which providers relaying SMTP (Mailgun) report in their webhooks.
    status = getattr(email, "anymail_status", None)
    provider_id = getattr(status, "message_id", None) or _email_message_id(message)
    return "email", str(provider_id)


def _send_sms(message: Message, body: str) -> tuple[str, str]:
    backend = sms_backends.get_backend()
    callback = ""
    if backend.name == "twilio":
        callback = site_url() + reverse("messaging:twilio_status")
    sms_backends.wait_for_turn(backend.name)
    provider_id = backend.send(sms_backends.Sms(to=message.to_address, body=body,
                                                reference=str(message.pk),
                                                status_callback=callback))
    return backend.name, provider_id


def _permanent_email_error(exc: Exception) -> bool:
    from anymail.exceptions import AnymailInvalidAddress, AnymailRecipientsRefused

    return isinstance(exc, (AnymailRecipientsRefused, AnymailInvalidAddress))


def message_deliver(*, message_id: int, now: datetime | None = None) -> bool:
    """Try to send one queued message; True when it went.

    The message is first claimed with one UPDATE (a lease of ``LOST_AFTER``), so that two
    workers never send it both, and no lock is held while the provider answers; a worker
    that dies with it leaves it to the retry once the lease ends. A failure that retrying
    can cure (server or provider down, 5xx, too many requests) is tried again later with a
    growing delay, at most ``MAX_ATTEMPTS`` times; one that it cannot (invalid number,
    refused request) fails at once with its reason, and the household's channel is marked
    "to check" when the number or address is at fault.
    """
    now = now or timezone.now()
    # A bare update (no full_clean()): the claim is one UPDATE, so that two workers never send a
    # message both; it changes only a counter and a time.
    claimed = Message.objects.filter(
        pk=message_id, state=Message.State.QUEUED, next_attempt_at__lte=now,
    ).update(attempts=F("attempts") + 1, next_attempt_at=now + LOST_AFTER)
    if not claimed:
        return False
    message = Message.objects.select_related("programme").get(pk=message_id)
    subject, body = render(message)
    try:
        if message.channel == Channel.SMS:
            message.segments = count_segments(body)[1]
            message.provider, message.provider_id = _send_sms(message, body)
        else:
            message.provider, message.provider_id = _send_email(message, subject, body)
    except sms_backends.SmsError as exc:
        _failed(message, type(exc).__name__, exc.reason, permanent=exc.permanent,
                bad_address=exc.bad_number)
        return False
    except Exception as exc:  # any mail failure: try later, or give up
        # The class only: an exception's text may hold the address.
        permanent = _permanent_email_error(exc)
        _failed(message, type(exc).__name__, "", permanent=permanent, bad_address=permanent)
        return False
    message.state = Message.State.SENT
    message.sent_at = timezone.now()
    message.error_class = message.error = ""
    # Sent: what filled it (names, a personal link, which is a key) is not kept.
    message.context = {}
    # update_fields without full_clean(): a state of its choices, times, and the provider's ids;
    # the context is emptied.
    message.save(update_fields=["state", "sent_at", "error_class", "error", "context",
                                "segments", "provider", "provider_id"])
    return True


def _failed(message: Message, error_class: str, reason: str, *, permanent: bool,
            bad_address: bool) -> None:
    message.error_class = error_class[:60]
    message.error = mask_phone(reason)[:200]
    if permanent or message.attempts >= MAX_ATTEMPTS:
        message.state = Message.State.FAILED
        message.context = {}
        if bad_address:
            _mark_to_check(message)
    else:
        message.next_attempt_at = timezone.now() + timedelta(
            minutes=min(60, 2 ** (message.attempts - 1)))
    # update_fields without full_clean(): the error cut to size, a state of its choices, a time.
    message.save(update_fields=["error_class", "error", "state", "context", "next_attempt_at"])
    logger.warning("message %s not sent (attempt %s, %s): %s", message.pk, message.attempts,
                   "given up" if message.state == Message.State.FAILED else "will retry",
                   message.error_class)


def _mark_to_check(message: Message) -> None:
    """The household's channel that failed is skipped until a coordinator checks it."""
    field = "phone_check" if message.channel == Channel.SMS else "email_check"
    for model, pk in ((FamilyHousehold, message.family_id),
                      (VolunteerHousehold, message.volunteer_id)):
        if pk:
            # A bare update (no full_clean()): only a boolean changes.
            model.objects.filter(pk=pk).update(**{field: True})


def messages_retry_due(*, now: datetime | None = None) -> int:
    """Deliver every queued message whose retry time has come, and every one never tried
    whose task was lost (its worker died, its database was busy), except those a hold
    keeps waiting (:func:`voisins.messaging.hooks.register_hold`); the number sent."""
    now = now or timezone.now()
    due = (Message.objects.filter(state=Message.State.QUEUED, next_attempt_at__lte=now)
           .filter(Q(attempts__gt=0) | Q(created_at__lte=now - LOST_AFTER)))
    for hold in HOLDS:
        due = due.exclude(hold())
    return sum(message_deliver(message_id=pk, now=now)
               for pk in list(due.values_list("pk", flat=True)))


# --- Delivery reports ---------------------------------------------------------------------------

def message_report(*, provider: str, provider_id: str, delivered: bool,
                   reason: str = "") -> Message | None:
    """A provider's report on a message it took: delivered, or failed for good (a bounce,
    a complaint, an unreachable number). None for a message we do not know."""
    if not provider_id:
        return None
    with transaction.atomic():
        message = (Message.objects.select_for_update()
                   .filter(provider=provider, provider_id=provider_id[:100]).first())
        if message is None:
            return None
        if delivered:
            if message.state == Message.State.SENT:
                message.state = Message.State.DELIVERED
                message.delivered_at = timezone.now()
                # update_fields without full_clean(): a state of its choices and a time.
                message.save(update_fields=["state", "delivered_at"])
        elif message.state != Message.State.FAILED:
            message.state = Message.State.FAILED
            message.error_class = "ProviderReport"
            message.error = mask_phone(reason)[:200]
            # update_fields without full_clean(): a state of its choices, the error cut to size.
            message.save(update_fields=["state", "error_class", "error"])
            _mark_to_check(message)
    return message


# --- The to-call list ----------------------------------------------------------------------------

def message_call_record(*, message: Message, reached: bool, by: User) -> Message:
    """What came of a coordinator's call about a "to call" message.

    ``reached``: the household was told (by phone or in person); the message becomes
    "delivered by phone" with who and when, and leaves the to-call list; what filled it
    (names, its personal link) is no longer kept, as for a sent message. Otherwise the
    call found nobody: it is counted, with its time, and the message stays on the list.

    Raises
    ------
    ValidationError
        The message is not (or no longer) on the to-call list.
    """
    with transaction.atomic():
        locked = Message.objects.select_for_update().filter(pk=message.pk).first()
        if locked is None or locked.state != Message.State.TO_CALL:
            raise ValidationError(gettext("This call was already recorded."))
        now = timezone.now()
        if reached:
            locked.state = Message.State.CALLED
            locked.called_at = now
            locked.called_by = by
            locked.context = {}
        else:
            locked.call_attempts += 1
            locked.last_call_at = now
        locked.full_clean()
        locked.save(update_fields=["state", "called_at", "called_by", "context",
                                   "call_attempts", "last_call_at"])
    return locked


def messages_to_call_settle(*, household: Household, purpose: str,
                            by: User | None = None) -> int:
    """The household answered what its "to call" messages of ``purpose`` asked (a
    proposal, a check-in): they leave the to-call list; the number settled.

    Answered through a coordinator (``by``, who heard it on the phone), they become
    "delivered by phone" by them; answered by the household itself on its pages (through
    the link of its letter), "delivered": it did get the message.
    """
    side = household.side
    pending = Message.objects.filter(**{side: household}, purpose=purpose,
                                     state=Message.State.TO_CALL)
    now = timezone.now()
    # A bare update (no full_clean()): states of their choices, times, who; the contexts emptied.
    if by is not None:
        return pending.update(state=Message.State.CALLED, called_at=now, called_by=by,
                              context={})
    return pending.update(state=Message.State.DELIVERED, delivered_at=now, context={})


def message_template_save(*, programme: Programme, name: str, texts: dict[str, str],
                          purpose: str = Purpose.NEWS,
                          template: MessageTemplate | None = None) -> MessageTemplate:
    """Create (or change, given `template`) one of the programme's message templates.

    Raises ValidationError naming the field: ``name`` (empty, or another template of the
    programme has it), ``texts`` (no text), ``text_<language>`` (unknown placeholder).
    """
    name = (name or "").strip()
    row = template or MessageTemplate(programme=programme)
    if not name:
        raise ValidationError({"name": gettext("Give the template a name.")})
    if (MessageTemplate.objects.filter(programme=programme, name=name)
            .exclude(pk=row.pk).exists()):
        raise ValidationError({"name": gettext(
            "The programme already has a message template of this name.")})
    row.name, row.purpose = name, purpose
    row.texts = {code: text for code, text in (texts or {}).items()
                 if isinstance(text, str) and text.strip()}
    row.updated_at = timezone.now()
    row.full_clean()
    row.save()
    return row
