"""Reads of messaging: a household's messages, and what to tell a coordinator about the
messages an action queued (exactly what happened, per household and channel)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from voisins.households.models import Channel, FamilyHousehold, VolunteerHousehold
from voisins.programmes.models import Programme

from .channels import channel_for, household_email, site_url  # noqa: F401 - read here too
from .models import GroupMessage, Message, MessageTemplate, Purpose
from .placeholders import PlaceholderError, fill, placeholders_in
from .segments import MAX_SEGMENTS, count_segments, plain

SUMMARY_ABOVE = 4



def household_messages(household: FamilyHousehold | VolunteerHousehold,
                       limit: int = 50) -> QuerySet[Message]:
    """The household's latest messages, newest first."""
    side = household.side
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
    side = household.side
    return (Message.objects.filter(**{side: household}, state=Message.State.TO_CALL)
            .select_related("programme").order_by("created_at", "id"))


def reach_preview(households: Iterable[FamilyHousehold | VolunteerHousehold]) -> list[str]:
    """How each of ``households`` would be told if it were messaged now (before a risky
    action is confirmed), through :func:`channel_for`: one sentence each up to four
    ("The family (Amina): by SMS."; "… no digital channel, it will be on your to-call
    list."), else counts per channel."""
    rows = [(h, channel_for(h)[0]) for h in households]
    if not rows:
        return []
    if len(rows) > SUMMARY_ABOVE:
        counts = Counter(channel for _h, channel in rows)
        return [_("%(n)s households: %(email)s by e-mail, %(sms)s by SMS; %(phone)s without "
                  "a digital channel will be on your to-call list.") % {
            "n": len(rows), "email": counts[Channel.EMAIL], "sms": counts[Channel.SMS],
            "phone": counts[Channel.PHONE]}]
    lines = []
    for household, channel in rows:
        name = household.contact_first_name
        who = (_("The family (%(name)s)") if isinstance(household, FamilyHousehold)
               else _("The volunteer household (%(name)s)")) % {"name": name}
        if channel == Channel.EMAIL:
            lines.append(_("%(who)s: by e-mail.") % {"who": who})
        elif channel == Channel.SMS:
            lines.append(_("%(who)s: by SMS.") % {"who": who})
        else:
            lines.append(_("%(who)s: no digital channel, it will be on your to-call list.")
                         % {"who": who})
    return lines


# --- Group messages ------------------------------------------------------------------------------

GROUP_TEXT_MAX = 1000
PREVIEW_ROWS = 10
# The length of a household's link in an SMS, to count its segments before any link is
# made: the site's address, /f/ or /v/, a signed token (a 24-character key, a colon and a
# 43-character signature) and the closing slash.
LINK_TOKEN_LENGTH = 68


@dataclass
class PlanRow:
    household: FamilyHousehold | VolunteerHousehold
    channel: str
    address: str
    language: str

    @property
    def is_family(self) -> bool:
        return isinstance(self.household, FamilyHousehold)

    @property
    def channel_label(self) -> str:
        return str(dict(Channel.choices).get(self.channel, self.channel))


@dataclass
class GroupPlan:
    """Who gets what through which channel, before anything is queued."""

    fallback: str
    languages: list[str]
    rows: list[PlanRow] = field(default_factory=list)
    opted_out: list[FamilyHousehold | VolunteerHousehold] = field(default_factory=list)
    counts: dict[tuple[str, str], int] = field(default_factory=dict)
    samples: dict[str, dict[str, Any]] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def first_rows(self) -> list[PlanRow]:
        return self.rows[:PREVIEW_ROWS]

    @property
    def count_rows(self) -> list[dict[str, Any]]:
        """{channel, language, count} sorted by channel then language, for a table."""
        labels = dict(Channel.choices)
        return [{"channel": labels.get(ch, ch), "language": lang, "count": n}
                for (ch, lang), n in sorted(self.counts.items())]


def programme_message_languages(programme: Programme) -> tuple[list[str], str]:
    """The languages a group message is written in (the programme's languages that
    Voisins writes in) and the one a household without a text of its own gets."""
    known = [code for code, _name in settings.LANGUAGES]
    languages = [c for c in programme.languages if c in known] or [settings.LANGUAGE_CODE]
    return languages, languages[0]


def group_plan(*, programme: Programme, purpose: str, texts: dict[str, str],
               households: Iterable[FamilyHousehold | VolunteerHousehold]) -> GroupPlan:
    """Who of ``households`` gets which text through which channel, and what is wrong
    with the group or its texts (``errors``, by field: ``audience``, ``purpose``,
    ``text_<language>``).

    Each household gets the text of its language for messages when the coordinator wrote
    one, else the programme's; a news message leaves out households that opted out of
    news. An SMS may take two segments at most: each language's text is counted with each
    first name among its SMS recipients (the one that needs the most segments counts: a
    name in another alphabet turns the whole SMS into UCS-2) and a link of a real link's
    length.

    Complexity: O(n + total length of the texts); no query when ``households`` were read
    with their programme and account.
    """
    languages, fallback = programme_message_languages(programme)
    plan = GroupPlan(fallback=fallback, languages=languages)
    if purpose not in Purpose.values:
        plan.errors["purpose"] = [_("Choose what the message is about.")]
    usable: dict[str, str] = {}
    for code in languages:
        text = (texts.get(code) or "").strip()
        if not text:
            continue
        if len(text) > GROUP_TEXT_MAX:
            plan.errors[f"text_{code}"] = [
                _("At most %(max)s characters (this text has %(n)s).")
                % {"max": GROUP_TEXT_MAX, "n": len(text)}]
            continue
        try:
            placeholders_in(text)
        except PlaceholderError as exc:
            plan.errors[f"text_{code}"] = [
                _("Unknown placeholder %(names)s: use {first_name}, {link} or {programme}.")
                % {"names": ", ".join(exc.names)} if exc.names else
                _("A brace is not closed: write placeholders as {first_name}, {link} or "
                  "{programme}, and a brace itself as {{ or }}.")]
            continue
        usable[code] = text
    if not (texts.get(fallback) or "").strip():
        plan.errors.setdefault(f"text_{fallback}", [
            _("Write the message in this language at least: households whose language has "
              "no text get this one.")])
    sms_names: dict[str, set[str]] = {}
    for household in households:
        if purpose == Purpose.NEWS and household.news_opt_out:
            plan.opted_out.append(household)
            continue
        channel, address = channel_for(household)
        language = household.messages_language()
        if not (texts.get(language) or "").strip():
            language = fallback
        plan.rows.append(PlanRow(household, channel, address, language))
        plan.counts[(channel, language)] = plan.counts.get((channel, language), 0) + 1
        if channel == Channel.SMS:
            sms_names.setdefault(language, set()).add(household.contact_first_name)
    if not plan.rows:
        plan.errors["audience"] = [
            _("Nobody in this group can get this message: every household in it opted out "
              "of news.") if plan.opted_out else _("No household is in this group.")]
    signature = programme.message_signature
    link = f"{site_url()}/f/{'x' * LINK_TOKEN_LENGTH}/"
    for code, text in usable.items():
        first = next((r for r in plan.rows if r.language == code), None)
        # Shown: a short stand-in for the link; counted: a link of a real link's length.
        shown = f"{site_url()}/{'f' if first and first.is_family else 'v'}/…/"
        body = fill(text, first_name=first.household.contact_first_name if first else "Amina",
                    link=shown, programme=signature)
        sample: dict[str, Any] = {"language": code, "text": body}
        if code in sms_names:
            # The SMS that needs the most segments: a long name, or a short one in another
            # alphabet (Arabic, Cyrillic), which turns the whole SMS into UCS-2.
            sample["encoding"], sample["segments"] = max(
                (count_segments(plain(fill(text, first_name=name, link=link,
                                           programme=signature)))
                 for name in sms_names[code]), key=lambda found: found[1])
            if sample["segments"] > MAX_SEGMENTS:
                plan.errors.setdefault(f"text_{code}", []).append(
                    _("Too long for an SMS: %(n)s segments (%(encoding)s), at most "
                      "%(max)s. Shorten it: some households get it by SMS.")
                    % {"n": sample["segments"], "encoding": sample["encoding"],
                       "max": MAX_SEGMENTS})
        plan.samples[code] = sample
    return plan


def group_messages(programme: Programme) -> QuerySet[GroupMessage]:
    """The programme's group messages, newest first."""
    return GroupMessage.objects.filter(programme=programme).select_related("created_by")


def group_delivery(group: GroupMessage) -> dict[str, Any]:
    """What became of a group's messages (read now): counts per state (``states``, and
    each state's value as a key), and per channel and state (``channels``)."""
    rows = (Message.objects.filter(group_id=group.pk).values("channel", "state")
            .annotate(n=Count("id")).order_by())
    states = dict.fromkeys(Message.State.values, 0)
    by_channel: dict[str, dict[str, int]] = {}
    for row in rows:
        states[row["state"]] = states.get(row["state"], 0) + row["n"]
        by_channel.setdefault(row["channel"], dict.fromkeys(Message.State.values, 0))[
            row["state"]] += row["n"]
    labels = dict(Channel.choices)
    return {"states": [{"state": s, "label": Message.State(s).label, "count": states[s]}
                       for s in Message.State.values],
            "total": sum(states.values()), **states,
            "channels": [{"channel": labels.get(ch, ch),
                          "counts": [counts[s] for s in Message.State.values]}
                         for ch, counts in sorted(by_channel.items())]}


def message_templates(programme: Programme) -> QuerySet:
    """The programme's message templates, by name (its own and the ones it adopted from a
    network: voisins.sharing)."""
    return MessageTemplate.objects.filter(programme=programme).order_by("name")


def template_initial(programme: Programme, pk: object) -> dict[str, str]:
    """The group message form's first values from the programme's template `pk`: its
    texts (``text_<language>``) and what it is about; {} for no such template."""
    try:
        template = message_templates(programme).filter(pk=int(str(pk))).first()
    except (TypeError, ValueError):
        template = None
    if template is None:
        return {}
    about = template.purpose if template.purpose in ("news", "match", "event") else "news"
    return {"about": about, **{f"text_{code}": text for code, text in template.texts.items()}}
