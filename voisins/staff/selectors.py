"""Reads of the staff pages that cross apps."""

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from voisins.households.models import FamilyHousehold, Household, VolunteerHousehold
from voisins.households.status import VolunteerStatus
from voisins.matches.models import CheckIn, Match, Proposal, Side
from voisins.matches.selectors import volunteer_hours_of
from voisins.mediation.selectors import callbacks_open
from voisins.messaging.models import Message, Purpose
from voisins.messaging.selectors import household_messages, messages_to_call
from voisins.privacy.models import Consent
from voisins.programmes.constants import LanguageLevel
from voisins.programmes.models import Programme
from voisins.recruitment.models import Decision, Screening
from voisins.training.selectors import missing_required_modules


def household_story(household: Household) -> dict[str, Any]:
    """What a coordinator sees of a household's life in the programme besides its data:
    its consents (newest first), its proposals and its matches, with the other side, and
    the messages sent to it (channel, purpose, state, date)."""
    key = household.side
    other = "volunteer" if key == "family" else "family"
    proposals: QuerySet[Proposal] = (Proposal.objects.filter(**{key: household})
                                     .select_related(other).order_by("-created_at", "-id"))
    matches: QuerySet[Match] = (Match.objects.filter(**{key: household})
                                .select_related(other).order_by("-started_on", "-id"))
    consents = Consent.objects.filter(**{key: household}).select_related("notice",
                                                                          "recorded_by")
    story = {"consents": list(consents), "proposals": list(proposals[:20]),
             "matches": list(matches[:20]),
             "household_messages": list(household_messages(household))}
    for record in story["proposals"] + story["matches"]:
        record.other = getattr(record, other)
    if key == "volunteer":
        # Time given (issue 18): the hours on the activities the household noted.
        story["hours_given"] = volunteer_hours_of(household)
    return story


# --- The to-call list ------------------------------------------------------------------------

# What a coordinator says on the phone, by why the household is on the list.
CALL_ORDER = {"proposal": 0, "checkin": 1, "callback": 2}
WORKING_LEVELS = {LanguageLevel.NATIVE, LanguageLevel.FLUENT}


def interpreter_needed(household: Household, programme: Programme | None = None) -> bool:
    """Whether a call to ``household`` needs an interpreter: it speaks none of its
    programme's languages at least fluently (the languages the team works in)."""
    programme = programme or household.programme
    spoken = {e.get("code") for e in household.languages or []
              if isinstance(e, dict) and e.get("level") in WORKING_LEVELS}
    return not spoken & set(programme.languages or [])


def interpreter_language(household: Household) -> str:
    """The language an interpreter would speak with ``household``: its first mother
    tongue, else the first language it gives."""
    entries = [e for e in household.languages or [] if isinstance(e, dict)]
    native = [e.get("code", "") for e in entries if e.get("level") == LanguageLevel.NATIVE]
    return (native or [e.get("code", "") for e in entries] or [""])[0]


def _open_proposals(programme: Programme, messages: list[Message]) -> dict[tuple, Proposal]:
    """{(side, household id): the earliest-expiring sent proposal waiting for its answer}."""
    families = {m.family_id for m in messages if m.family_id}
    volunteers = {m.volunteer_id for m in messages if m.volunteer_id}
    found: dict[tuple, Proposal] = {}
    if not families and not volunteers:
        return found
    for proposal in (Proposal.objects.filter(programme=programme, status=Proposal.Status.SENT)
                     .filter(Q(family_id__in=families, family_answer="")
                             | Q(volunteer_id__in=volunteers, volunteer_answer=""))
                     .select_related("family", "volunteer").order_by("expires_at", "id")):
        if proposal.family_id in families and not proposal.family_answer:
            found.setdefault(("family", proposal.family_id), proposal)
        if proposal.volunteer_id in volunteers and not proposal.volunteer_answer:
            found.setdefault(("volunteer", proposal.volunteer_id), proposal)
    return found


def _open_checkins(messages: list[Message]) -> dict[tuple, CheckIn]:
    """{(side, household id): the oldest check-in asked of it and not answered}."""
    families = {m.family_id for m in messages if m.family_id}
    volunteers = {m.volunteer_id for m in messages if m.volunteer_id}
    found: dict[tuple, CheckIn] = {}
    if not families and not volunteers:
        return found
    for checkin in (CheckIn.objects.filter(answered_at__isnull=True, notified_at__isnull=False,
                                           match__status__in=Match.LIVE)
                    .filter(Q(side=Side.FAMILY, match__family_id__in=families)
                            | Q(side=Side.VOLUNTEER, match__volunteer_id__in=volunteers))
                    .select_related("match").order_by("due_on", "id")):
        key = (("family", checkin.match.family_id) if checkin.side == Side.FAMILY
               else ("volunteer", checkin.match.volunteer_id))
        found.setdefault(key, checkin)
    return found


def to_call(programme: Programme, user: Any) -> list[dict[str, Any]]:
    """The programme's to-call list: one row per call to make, most urgent first.

    Each message that a household without a digital channel could not receive (what it
    was about: a proposal to answer, a check-in, an invitation, news of a lockdown…), and
    each call-back a household asked for in a mediation case that ``user`` may see. A row
    carries the household, why, the proposal or check-in it is about (to record the
    answer heard), the language to speak (the household's language for messages, or the
    one the call-back asked for), whether an interpreter is needed, and the calls tried
    without an answer. Proposals come first, the nearest deadline first; then check-ins,
    the oldest first; then call-backs and everything else, oldest first.

    Its length is the navigation's "to_call" count (``workspace.selectors.nav_counts``),
    which the programme's page shows too.
    """
    messages = list(messages_to_call(programme.pk))
    proposals = _open_proposals(programme, messages)
    checkins = _open_checkins(messages)
    rows: list[dict[str, Any]] = []
    for message in messages:
        household = message.household
        side = "family" if message.family_id else "volunteer"
        key = (side, household.pk)
        row = {"kind": "message", "message": message, "household": household, "side": side,
               "purpose": message.purpose, "language": message.language,
               "interpreter": interpreter_needed(household, programme),
               "interpreter_language": interpreter_language(household),
               "proposal": None, "checkin": None, "when": message.created_at}
        if message.purpose == Purpose.PROPOSAL:
            row["proposal"] = proposals.get(key)
            if row["proposal"] is not None:
                row["when"] = row["proposal"].expires_at
        elif message.purpose == Purpose.CHECKIN:
            row["checkin"] = checkins.get(key)
        order = CALL_ORDER.get(message.purpose, 3)
        if message.purpose == Purpose.PROPOSAL and row["proposal"] is None:
            order = 3  # answered or closed meanwhile: nothing urgent to ask
        row["order"] = order
        rows.append(row)
    for callback in callbacks_open(programme, user).select_related("case__match__family"):
        case = callback.case
        household = case.family or case.volunteer
        if household is None and case.match_id:
            household = case.match.family
        rows.append({"kind": "callback", "callback": callback, "case": case,
                     "household": household,
                     "side": "family" if isinstance(household, FamilyHousehold) else
                     "volunteer", "purpose": "callback", "language": callback.language,
                     "interpreter": callback.interpreter_needed,
                     "interpreter_language": callback.language, "when": callback.created_at,
                     "order": CALL_ORDER["callback"], "message": None, "proposal": None,
                     "checkin": None})
    rows.sort(key=lambda r: (r["order"], r["when"] is None, r["when"] or 0,
                             r["household"].pk if r["household"] else 0))
    return rows


def households_to_write_to(programme: Programme, user: Any) -> list[Household]:
    """The households with a message on the to-call list, in the list's order, once each
    (what "print all letters" prints)."""
    seen: dict[tuple[str, int], Household] = {}
    for row in to_call(programme, user):
        if row["kind"] == "message":
            seen.setdefault((row["side"], row["household"].pk), row["household"])
    return list(seen.values())


# The steps a volunteer household takes towards matching, and what each needs.
_ENTRY = (VolunteerStatus.APPLIED, VolunteerStatus.SCREENED, VolunteerStatus.TRAINED)


def volunteer_move_refusal(volunteer: VolunteerHousehold, status: str) -> str:
    """Why a coordinator may not move a volunteer household to ``status`` from its page
    ("" when it may): it reaches "screened" through an accepted screening, and "trained"
    or "available" once screened and trained in every required module — unless a
    coordinator recorded an exception when creating it. Moves back (from a pause or a
    match) are the pipeline's own."""
    wanted = {VolunteerStatus.SCREENED, VolunteerStatus.TRAINED, VolunteerStatus.AVAILABLE}
    if status not in wanted or volunteer.status not in _ENTRY or volunteer.exception_at:
        return ""
    if not Screening.objects.filter(volunteer=volunteer, decision=Decision.ACCEPTED).exists():
        return _("Record the screening first (interview, charter, decision): an accepted "
                 "screening makes the household “%(status)s”.") % {
                     "status": VolunteerStatus.SCREENED.label}
    if status != VolunteerStatus.SCREENED:
        missing = missing_required_modules(volunteer)
        if missing:
            return _("This volunteer household has not attended the required training yet: "
                     "%(modules)s.") % {"modules": ", ".join(m.title for m in missing)}
    return ""
