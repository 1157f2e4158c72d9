"""Reads of messaging: a household's messages, and what to tell a coordinator about the
messages an action queued (exactly what happened, per household and channel)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from voisins.households.models import Channel, FamilyHousehold, VolunteerHousehold

from .models import Message

SUMMARY_ABOVE = 4


def household_messages(household: FamilyHousehold | VolunteerHousehold,
                       limit: int = 50) -> QuerySet[Message]:
    """The household's latest messages, newest first."""
    side = "family" if isinstance(household, FamilyHousehold) else "volunteer"
    return Message.objects.filter(**{side: household}).only(
        "channel", "purpose", "state", "created_at", "sent_at", "delivered_at", "error",
        "attempts", "language", "family_id", "volunteer_id")[:limit]


def _who(message: Message) -> str:
    if message.family_id:
        return _("The family (%(name)s)") % {"name": message.family.contact_first_name}
    if message.volunteer_id:
        return _("The volunteer household (%(name)s)") % {
            "name": message.volunteer.contact_first_name}
    return _("A staff member")


def _sentence(message: Message) -> str:
    who = {"who": _who(message)}
    state, email = message.state, message.channel == Channel.EMAIL
    if state in (Message.State.SENT, Message.State.DELIVERED):
        return (_("%(who)s: e-mail sent.") if email else _("%(who)s: SMS sent.")) % who
    if state == Message.State.QUEUED and message.attempts:
        return (_("%(who)s: e-mail not sent yet (the mail server did not answer), it will be "
                  "tried again.") if email else
                _("%(who)s: SMS not sent yet (the provider did not answer), it will be tried "
                  "again.")) % who
    if state == Message.State.QUEUED:
        return (_("%(who)s: e-mail queued, it goes out in a moment.") if email else
                _("%(who)s: SMS queued, it goes out in a moment.")) % who
    if state == Message.State.TO_CALL:
        return _("%(who)s: no digital channel, it is on your to-call list.") % who
    if state == Message.State.CALLED:
        return _("%(who)s: told by phone.") % who
    return (_("%(who)s: the e-mail could not be sent, please call them.") if email else
            _("%(who)s: the SMS could not be sent, please call them.")) % who


def reach_summary(messages: Iterable[Message]) -> str:
    """What became of ``messages`` (read again now), for the coordinator who caused them.

    Up to four: one sentence each ("The volunteer household (Marc): e-mail sent. The
    family (Amina): no digital channel, it is on your to-call list."); more: counts.
    """
    ids = [m.pk for m in messages]
    if not ids:
        return ""
    fresh = {m.pk: m for m in Message.objects.filter(pk__in=ids).select_related(
        "family", "volunteer")}
    rows = [fresh[pk] for pk in ids if pk in fresh]
    if len(rows) <= SUMMARY_ABOVE:
        return " ".join(_sentence(m) for m in rows)
    counts = Counter("sent" if m.state == Message.State.DELIVERED else m.state for m in rows)
    return _("Messages to %(n)s households: %(sent)s sent, %(queued)s waiting to go, "
             "%(failed)s failed; %(to_call)s without a digital channel are on your to-call "
             "list.") % {"n": len(rows), "sent": counts["sent"], "queued": counts["queued"],
                         "failed": counts["failed"], "to_call": counts["to_call"]}


def messages_to_call(programme_id: int) -> QuerySet[Message]:
    """The programme's messages waiting for a coordinator's call (households without a
    digital channel), oldest first, with their household. What the to-call list shows
    and what its count counts."""
    return (Message.objects.filter(programme_id=programme_id, state=Message.State.TO_CALL)
            .exclude(family__isnull=True, volunteer__isnull=True)
            .select_related("family", "volunteer", "programme")
            .order_by("created_at", "id"))


def household_messages_to_call(household: FamilyHousehold | VolunteerHousehold
                               ) -> QuerySet[Message]:
    """The household's messages still to be told by phone or by letter, oldest first."""
    side = "family" if isinstance(household, FamilyHousehold) else "volunteer"
    return (Message.objects.filter(**{side: household}, state=Message.State.TO_CALL)
            .select_related("programme").order_by("created_at", "id"))
