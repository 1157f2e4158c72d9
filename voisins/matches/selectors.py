"""Reads of match life that cross relations: who can be matched, what needs attention."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from auditlog.models import LogEntry
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from voisins import access, rows
from voisins.gdpr.selectors import erased_filter, with_consent
from voisins.households.models import FamilyHousehold, Member, MemberKind, VolunteerHousehold
from voisins.households.selectors import names_of
from voisins.households.status import FamilyStatus, VolunteerStatus
from voisins.lists.counts import cached_counts, counts_in_one_query
from voisins.messaging.selectors import reach_preview
from voisins.privacy.models import ConsentPurpose
from voisins.privacy.selectors import has_consent
from voisins.programmes.labels import language_label, service_label
from voisins.programmes.models import Programme
from voisins.training.selectors import missing_required_modules, restrict_to_trained

from .models import (
    Activity,
    CheckIn,
    ContactReveal,
    Match,
    MatchingRun,
    Notification,
    ProgrammePause,
    Proposal,
    Side,
    UndoableAction,
)
from .notifications import MAX_ATTEMPTS, SUBJECTS, UNSENDABLE

# A check-in not answered this many days after it fell due counts as missed.
MISSED_AFTER_DAYS = 14
# A check-in can be answered until this many days after it fell due (and its link works
# that long).
CHECKIN_ANSWER_DAYS = 30
LOW_RATING = 2
# What the households said about their match, shown on its page: each read is audited.
MATCH_ANSWERS = ["checkins.rating", "checkins.frequency", "checkins.activities",
                 "checkins.worry", "activities.text", "introduction.note"]
# What the match page shows of each household to a reader who sees contact details
# (voisins.access.sees_contact_details): each read is audited.
CONTACT_FIELDS = ["contact_last_name", "phone", "email"]


def waiting_families(programme: Programme) -> QuerySet[FamilyHousehold]:
    """Families on the waiting list with no proposal already sent to a volunteer, that
    agreed to be matched (their consent, checked now: a withdrawal counts at once) and
    whose data was not erased."""
    sent = Proposal.objects.filter(family=OuterRef("pk"), status=Proposal.Status.SENT)
    return with_consent(
        FamilyHousehold.objects.filter(erased_filter("family"), programme=programme,
                                       status=FamilyStatus.WAITING, archived=False),
        ConsentPurpose.MATCHING,
    ).exclude(Exists(sent)).prefetch_related("members").order_by("waiting_since", "id")


def waiting_list_count(programme: Programme) -> int:
    """How many families the waiting list shows (the menu's count): every waiting family,
    those that cannot be proposed now included."""
    return FamilyHousehold.objects.filter(programme=programme, archived=False,
                                          status=FamilyStatus.WAITING).count()


def matchable_volunteers(programme: Programme) -> QuerySet[VolunteerHousehold]:
    """Volunteer households that may be proposed a family now.

    Available (or already matched with room for one more), not paused nor archived, with
    capacity left once live matches and proposals awaiting an answer are counted. Each
    row carries ``room``: how many more families it may take.

    Only households that completed the programme's required training modules, agreed
    to be matched and were not erased are kept (the engine never sees the others).
    """
    live = Q(matches__status__in=Match.LIVE)
    pending = Q(proposals__status=Proposal.Status.SENT)
    return restrict_to_trained(
        with_consent(VolunteerHousehold.objects.filter(
            erased_filter("volunteer"), programme=programme, archived=False,
            status__in=[VolunteerStatus.AVAILABLE, VolunteerStatus.MATCHED],
        ), ConsentPurpose.MATCHING)
        .annotate(live_matches=Count("matches", filter=live, distinct=True),
                  pending_proposals=Count("proposals", filter=pending, distinct=True))
        .filter(capacity__gt=0)
        .prefetch_related("members")
        .order_by("id"),
        programme,
    )


def within_box(queryset: QuerySet, *, lat: float, lon: float, km: float) -> QuerySet:
    """The rows of ``queryset`` (households) inside a box around ``(lat, lon)`` that holds
    every point within ``km`` kilometres: a cheap first cut, in SQL, before the engine's
    exact distances. Generous on purpose (a degree of latitude is taken as 110 km, it is
    111.2 on the engine's sphere), never too narrow."""
    dlat = km / 110.0 + 1e-6
    qs = queryset.filter(lat__gte=lat - dlat, lat__lte=lat + dlat)
    cos = math.cos(math.radians(min(89.9, abs(lat) + dlat)))
    dlon = dlat / cos
    if lon - dlon < -180.0 or lon + dlon > 180.0:
        return qs  # across the antimeridian: latitude alone
    return qs.filter(lon__gte=lon - dlon, lon__lte=lon + dlon)


def matchable_volunteers_near(family: FamilyHousehold) -> QuerySet[VolunteerHousehold]:
    """The matchable volunteer households that could be within reach of ``family``: the
    engine needs no other to find its pairs (a pair is within both radii, so within the
    family's)."""
    return within_box(matchable_volunteers(family.programme), lat=family.lat, lon=family.lon,
                      km=family.radius_km)


def room_left(volunteer: VolunteerHousehold) -> int:
    """Families a matchable volunteer may still be proposed (from the annotated row)."""
    return max(0, volunteer.capacity - volunteer.live_matches - volunteer.pending_proposals)


def family_not_proposable(family: FamilyHousehold) -> str:
    """Why a family cannot be proposed a volunteer household now, in the reader's
    language; "" when it can."""
    if family.status != FamilyStatus.WAITING:
        return _("This family is “%(status)s”: only a waiting family can be proposed.") % {
            "status": family.get_status_display()}
    if Proposal.objects.filter(family=family, status=Proposal.Status.SENT).exists():
        return _("A proposal is already waiting for answers.")
    return ""


def volunteer_not_proposable(volunteer: VolunteerHousehold) -> str:
    """Why a volunteer household cannot be proposed a family now — the true reason, in the
    order a coordinator would check: archived, its status, the required training, its
    room; "" when it can. (Consent is checked, and said, by the services.)"""
    if volunteer.archived:
        return _("This volunteer household is archived.")
    if volunteer.status not in (VolunteerStatus.AVAILABLE, VolunteerStatus.MATCHED):
        return _("This volunteer household is “%(status)s”: only an available household can "
                 "be proposed a family.") % {"status": volunteer.get_status_display()}
    missing = missing_required_modules(volunteer)
    if missing:
        return _("This volunteer household has not attended the required training yet: "
                 "%(modules)s.") % {"modules": ", ".join(m.title for m in missing)}
    taken = (Match.objects.filter(volunteer=volunteer, status__in=Match.LIVE).count()
             + Proposal.objects.filter(volunteer=volunteer,
                                       status=Proposal.Status.SENT).count())
    if taken >= volunteer.capacity:
        return ngettext(
            "This volunteer household has no room left: it takes %(capacity)s family at a "
            "time and has %(taken)s (live matches and proposals waiting for answers).",
            "This volunteer household has no room left: it takes %(capacity)s families at a "
            "time and has %(taken)s (live matches and proposals waiting for answers).",
            volunteer.capacity) % {"capacity": volunteer.capacity, "taken": taken}
    return ""


def excluded_pairs_of(family: FamilyHousehold) -> set[tuple[int, int]]:
    """The pairs of ``excluded_pairs`` that concern one family (two small queries, however
    large the programme)."""
    pairs = set(Proposal.objects.filter(family=family, status=Proposal.Status.DECLINED)
                .values_list("family_id", "volunteer_id"))
    pairs |= set(Match.objects.filter(family=family).values_list("family_id", "volunteer_id"))
    return pairs


def excluded_pairs(programme: Programme) -> set[tuple[int, int]]:
    """(family id, volunteer id) pairs never to propose again: declined, or matched before."""
    declined = Proposal.objects.filter(programme=programme, status=Proposal.Status.DECLINED)
    pairs = set(declined.values_list("family_id", "volunteer_id"))
    pairs |= set(Match.objects.filter(programme=programme)
                 .values_list("family_id", "volunteer_id"))
    return pairs


def volunteer_proposals_open(volunteer: VolunteerHousehold) -> QuerySet[Proposal]:
    """Proposals sent to a volunteer household that still wait for someone's answer."""
    return (Proposal.objects.filter(volunteer=volunteer, status=Proposal.Status.SENT)
            .select_related("family").prefetch_related("family__members")
            .order_by("sent_at", "id"))


def volunteer_matches_live(volunteer: VolunteerHousehold) -> QuerySet[Match]:
    """A volunteer household's live matches, oldest first, with their first meeting."""
    return (Match.objects.filter(volunteer=volunteer, status__in=Match.LIVE)
            .select_related("family", "introduction").order_by("started_on", "id"))


def live_match_count(volunteer: VolunteerHousehold) -> int:
    return Match.objects.filter(volunteer=volunteer, status__in=Match.LIVE).count()


def household_profile(household: FamilyHousehold | VolunteerHousehold) -> dict[str, Any]:
    """What the other side may know before contact: never a last name, address or phone.

    Reads ``household.members`` (prefetch it for a list).
    """
    children = sorted(m.age for m in household.members.all() if m.kind == MemberKind.CHILD)
    adults = sum(1 for m in household.members.all() if m.kind == MemberKind.ADULT)
    needs = household.needs if isinstance(household, FamilyHousehold) else {}
    offers = household.offers if isinstance(household, VolunteerHousehold) else []
    return {
        "first_name": household.contact_first_name,
        "adults": adults, "children_ages": children,
        "languages": [language_label(c) for c in sorted(household.language_codes)],
        "needs": [service_label(c) for c in needs],
        "offers": [service_label(c) for c in offers],
        "area": f"{household.postcode} {household.locality}".strip(),
    }


# --- Follow-up --------------------------------------------------------------------------

def matches_needing_attention(programme: Programme) -> QuerySet[Match]:
    """Live matches flagged by the check-in rules (see ``services.match_check_attention``)."""
    return (Match.objects.filter(programme=programme, status__in=Match.LIVE,
                                 needs_attention=True)
            .select_related("family", "volunteer").order_by("started_on", "id"))


def running_pause(programme: Programme | int) -> ProgrammePause | None:
    """The programme pause (a lockdown) running now, if any (one query)."""
    return ProgrammePause.objects.filter(programme=programme, ended_at__isnull=True).first()


def followup_day(programme: Programme | int, today: date | None = None) -> date:
    """The day the follow-up clock of a programme shows: ``today``, or the day its running
    pause began. While a programme is paused its clock stands still: nothing falls due,
    nothing becomes missed or overdue (the pending check-ins move on resume)."""
    today = today or timezone.localdate()
    pause = running_pause(programme)
    if pause is None:
        return today
    return min(today, timezone.localdate(pause.started_at))


def running_pause_exists(programme_field: str = "programme") -> Exists:
    """An ``Exists`` filter: the row's programme (reached by ``programme_field``) is paused."""
    return Exists(ProgrammePause.objects.filter(programme=OuterRef(programme_field),
                                                ended_at__isnull=True))


def checkins_overdue(programme: Programme, *, today: date | None = None) -> QuerySet[CheckIn]:
    """Check-ins of live matches that fell due and are not answered (before the programme
    was paused, while it is: see followup_day)."""
    today = followup_day(programme, today)
    return (CheckIn.objects.filter(match__programme=programme, match__status__in=Match.LIVE,
                                   answered_at__isnull=True, due_on__lt=today)
            .select_related("match__family", "match__volunteer").order_by("due_on", "id"))


def _name(first: str | None, last: str | None) -> str:
    # A household's str(): its contact's first and last names.
    return f"{first or ''} {last or ''}".strip()


def proposal_list_rows(page: QuerySet[Proposal], *, link: Callable[[object], str]
                       ) -> list[dict[str, Any]]:
    """A page of the proposals list as its rows show it, as plain values prepared once
    (voisins.rows): ``pk``, ``url`` (``link(pk)``), ``family_id``, ``volunteer_id``,
    ``family`` and ``volunteer`` (their names), ``status`` and ``status_label``,
    ``distance`` and ``score`` (formatted), ``sent`` (whether it was), ``sent_on`` and
    ``answer_before`` ("—" when none), ``family_answer`` and ``volunteer_answer`` (labels,
    "—" when none), and ``select_label`` (the check box's label)."""
    status = rows.labels(Proposal.Status.choices)
    answers = rows.labels(Proposal.Answer.choices)
    dates = rows.Dates(empty="—")
    one_place, two_places = rows.decimals(1), rows.decimals(2)
    select = _("Select %(family)s – %(volunteer)s")
    found = []
    for p in page.values("pk", "status", "score", "distance_km", "sent_at", "expires_at",
                         "family_answer", "volunteer_answer", "family_id", "volunteer_id",
                         *names_of("family", "volunteer")):
        family = _name(p["family__contact_first_name"], p["family__contact_last_name"])
        volunteer = _name(p["volunteer__contact_first_name"],
                          p["volunteer__contact_last_name"])
        sent = p["sent_at"] is not None
        found.append({
            "pk": rows.key(p["pk"]), "url": link(p["pk"]), "status": p["status"],
            "family_id": p["family_id"], "volunteer_id": p["volunteer_id"],
            "family": family, "volunteer": volunteer,
            "status_label": status.get(p["status"], p["status"]),
            "distance": one_place(p["distance_km"]), "score": two_places(p["score"]),
            "sent_on": dates(p["sent_at"]), "answer_before": dates(p["expires_at"]),
            "sent": sent,
            "family_answer": answers.get(p["family_answer"], p["family_answer"]) or "—",
            "volunteer_answer": (answers.get(p["volunteer_answer"], p["volunteer_answer"])
                                 or "—"),
            "select_label": select % {"family": family, "volunteer": volunteer},
        })
    return found


def match_list_rows(page: QuerySet[Match], *, link: Callable[[object], str]
                    ) -> list[dict[str, Any]]:
    """A page of the matches list as its rows show it, as plain values prepared once
    (voisins.rows): ``pk``, ``url``, ``family_id``, ``volunteer_id``, ``family``,
    ``volunteer``, ``since``, ``status_label`` (first letter capital), and
    ``attention`` (why it needs attention, "" when it does not)."""
    status = rows.labels(Match.Status.choices, first_capital=True)
    reasons = {code: str(label) for code, label in Match.ATTENTION_LABELS.items()}
    dates = rows.Dates()
    found = []
    for m in page.values("pk", "status", "started_on", "needs_attention", "attention_reasons",
                         "family_id", "volunteer_id", *names_of("family", "volunteer")):
        found.append({
            "pk": rows.key(m["pk"]), "url": link(m["pk"]),
            "family_id": m["family_id"], "volunteer_id": m["volunteer_id"],
            "family": _name(m["family__contact_first_name"], m["family__contact_last_name"]),
            "volunteer": _name(m["volunteer__contact_first_name"],
                               m["volunteer__contact_last_name"]),
            "since": dates(m["started_on"]),
            "status_label": status.get(m["status"], m["status"]),
            "attention": ", ".join(reasons.get(code, code)
                                   for code in m["attention_reasons"] or ())
            if m["needs_attention"] else "",
        })
    return found


def checkin_list_rows(page: QuerySet[CheckIn], *, link: Callable[[object], str]
                      ) -> list[dict[str, Any]]:
    """A page of the overdue check-ins as their rows show them, as plain values prepared
    once (voisins.rows): ``url`` (``link(match_id)``, the match's page), ``family_id``
    and ``volunteer_id`` (the match's), ``family``, ``volunteer``, ``side_label``,
    ``due`` and ``emailed`` ("—" when not e-mailed)."""
    sides = rows.labels(CheckIn._meta.get_field("side").choices)
    dates = rows.Dates(empty="—")
    found = []
    for c in page.values("match_id", "side", "due_on", "notified_at", "match__family_id",
                         "match__volunteer_id",
                         *names_of("match__family", "match__volunteer")):
        found.append({
            "url": link(c["match_id"]),
            "family_id": c["match__family_id"], "volunteer_id": c["match__volunteer_id"],
            "family": _name(c["match__family__contact_first_name"],
                            c["match__family__contact_last_name"]),
            "volunteer": _name(c["match__volunteer__contact_first_name"],
                               c["match__volunteer__contact_last_name"]),
            "side_label": sides.get(c["side"], c["side"]),
            "due": dates(c["due_on"]), "emailed": dates(c["notified_at"]),
        })
    return found


def checkins_open_for(*, match: Match, side: str, today: date | None = None
                      ) -> QuerySet[CheckIn]:
    """Check-ins one side may answer now (due, not answered, not too old). While the
    programme is paused nothing new falls due (``followup_day``)."""
    today = today or timezone.localdate()
    return CheckIn.objects.filter(
        match=match, side=side, answered_at__isnull=True,
        due_on__lte=followup_day(match.programme_id, today),
        due_on__gte=today - timedelta(days=CHECKIN_ANSWER_DAYS),
    )


def proposals_waiting(programme: Programme) -> QuerySet[Proposal]:
    return (Proposal.objects.filter(programme=programme, status=Proposal.Status.SENT)
            .select_related("family", "volunteer").order_by("sent_at", "id"))


def dashboard(programme: Programme, user: Any) -> dict[str, Any]:
    """What the coordinator dashboard shows: the first rows of its lists and their counts."""
    today = timezone.localdate()
    names = names_of("family", "volunteer")
    lists = {
        "drafts": Proposal.objects.filter(programme=programme, status=Proposal.Status.DRAFT)
        .select_related("family", "volunteer").order_by("-score", "id"),  # as in the list
        "waiting": proposals_waiting(programme),
        "attention": matches_needing_attention(programme),
        "overdue": checkins_overdue(programme, today=today),
        # Cases reach this app by the reverse relation: mediation sits above matches.
        "cases": access.cases_visible(user, programme.cases.select_related(
            "match__family", "match__volunteer", "family", "volunteer", "assigned_to"))
        .filter(status="open"),
    }
    # The page shows the first rows of four lists (the drafts are only counted), and a few
    # columns of each: only those are read.
    shown = {
        "waiting": lists["waiting"].only("expires_at", *names),
        "attention": lists["attention"].only("attention_reasons", *names),
        "overdue": lists["overdue"].only("match", "side", "due_on",
                                         *names_of("match__family", "match__volunteer")),
        "cases": lists["cases"].select_related(None).only("kind"),
    }
    # The same figures as the navigation's, kept in the cache the same way.
    counts = cached_counts(programme, user, "follow-up",
                           lambda: counts_in_one_query(programme, lists))
    return {"lists": {k: list(v[:20]) for k, v in shown.items()}, "counts": counts,
            "undelivered": undelivered_notifications(programme)}


def undelivered_notifications(programme: Programme, *, days: int = 30,
                              limit: int = 20) -> list[dict[str, Any]]:
    """The programme's e-mails given up in the last `days` days, newest first, each with
    its subject (without the names it held) and why it was given up.

    One query. A message that cannot be built (a line break in its subject…) is given up
    at once; one the mail server kept refusing, after ``MAX_ATTEMPTS``.
    """
    from django.utils.translation import gettext

    since = timezone.now() - timedelta(days=days)
    rows = []
    for notification in (Notification.objects.filter(
            programme=programme, status=Notification.Status.FAILED, created_at__gte=since)
            .exclude(last_error="erased").order_by("-created_at", "-id")[:limit]):
        subject = str(SUBJECTS.get(notification.kind, notification.kind))
        if notification.last_error.startswith(UNSENDABLE):
            reason = gettext("The message itself cannot be sent (a line break in its "
                             "subject, a faulty address…): sending it again would not help.")
        else:
            reason = gettext("The mail server refused it %(n)s times.") % {"n": MAX_ATTEMPTS}
        rows.append({"subject": subject.split("%(")[0].rstrip(" :"), "reason": reason,
                     "created_at": notification.created_at})
    return rows


def matches_for(programme: Programme, user: Any, *, status: str = "") -> QuerySet[Match]:
    """Matches a staff member may follow: all for a coordinator, assigned ones for a mediator."""
    queryset = access.matches_visible(
        user, Match.objects.filter(programme=programme).select_related("family", "volunteer"))
    if status == "live":
        queryset = queryset.filter(status__in=Match.LIVE)
    elif status in Match.Status.values:
        queryset = queryset.filter(status=status)
    return queryset


# --- Lists of the web API (each a fixed number of queries, whatever its length) ---------

def proposals_filter(programme: Programme, filters: dict[str, Any]) -> QuerySet[Proposal]:
    """A programme's proposals, newest first, filtered by status, family, volunteer or run."""
    queryset = Proposal.objects.filter(programme=programme).select_related(
        "family", "volunteer", "match")
    for name in ("status", "family_id", "volunteer_id", "run_id"):
        if filters.get(name) is not None:
            queryset = queryset.filter(**{name: filters[name]})
    return queryset.order_by("-created_at", "-id")


def matches_filter(queryset: QuerySet[Match], filters: dict[str, Any]) -> QuerySet[Match]:
    """Matches (already narrowed to what the user may follow) filtered by status ("live":
    not ended), attention, mediator, family or volunteer; newest first."""
    status = filters.get("status")
    if status == "live":
        queryset = queryset.filter(status__in=Match.LIVE)
    elif status:
        queryset = queryset.filter(status=status)
    for name in ("needs_attention", "mediator_id", "family_id", "volunteer_id"):
        if filters.get(name) is not None:
            queryset = queryset.filter(**{name: filters[name]})
    return queryset.select_related("family", "volunteer").order_by("-started_on", "-id")


def checkins_filter(matches: QuerySet[Match], filters: dict[str, Any], *,
                    today: date | None = None) -> QuerySet[CheckIn]:
    """Check-ins of `matches`, by match, side, state and due date; soonest due first.

    States: ``open`` (due, unanswered, still answerable), ``overdue`` (due, unanswered),
    ``answered``, ``upcoming`` (not due yet).
    """
    today = today or timezone.localdate()
    queryset = CheckIn.objects.filter(match__in=matches)
    if filters.get("match_id") is not None:
        queryset = queryset.filter(match_id=filters["match_id"])
    if filters.get("side"):
        queryset = queryset.filter(side=filters["side"])
    state = filters.get("state")
    if state == "answered":
        queryset = queryset.filter(answered_at__isnull=False)
    elif state in ("open", "overdue"):
        queryset = queryset.filter(answered_at__isnull=True, due_on__lte=today)
        if state == "open":
            queryset = queryset.filter(
                due_on__gte=today - timedelta(days=CHECKIN_ANSWER_DAYS),
                match__status__in=Match.LIVE)
        else:
            queryset = queryset.filter(due_on__lt=today)
    elif state == "upcoming":
        queryset = queryset.filter(due_on__gt=today)
    if filters.get("due_from"):
        queryset = queryset.filter(due_on__gte=filters["due_from"])
    if filters.get("due_to"):
        queryset = queryset.filter(due_on__lte=filters["due_to"])
    return queryset.order_by("due_on", "side", "id")


def proposals_for_volunteer(household: VolunteerHousehold) -> QuerySet[Proposal]:
    """Proposals waiting for a volunteer household's answer, with the family's members."""
    return (Proposal.objects.filter(volunteer=household, status=Proposal.Status.SENT)
            .select_related("family").prefetch_related("family__members")
            .order_by("sent_at", "id"))


def checkins_open_for_volunteer(household: VolunteerHousehold, *,
                                today: date | None = None) -> QuerySet[CheckIn]:
    """The volunteer side's check-ins a household may answer now, over its live matches."""
    today = today or timezone.localdate()
    return (CheckIn.objects.filter(
        match__volunteer=household, match__status__in=Match.LIVE, side="volunteer",
        answered_at__isnull=True, due_on__lte=today,
        due_on__gte=today - timedelta(days=CHECKIN_ANSWER_DAYS))
        .select_related("match__family").order_by("due_on", "id"))


# --- The match page (issue 16) -----------------------------------------------------------

def _side(household: FamilyHousehold | VolunteerHousehold, kind: str,
          contacts: bool) -> dict[str, Any]:
    """One household as the match page shows it: its name (the last name and the contact
    details only for a reader who sees them), the languages it speaks, its area."""
    return {
        "kind": kind, "household": household, "pk": household.pk,
        "name": str(household) if contacts else household.contact_first_name,
        "languages": [language_label(e.get("code", "")) for e in household.languages
                      if isinstance(e, dict)],
        "area": f"{household.postcode} {household.locality}".strip(),
        "phone": household.phone if contacts else "",
        "email": household.email if contacts else "",
        "channel": household.get_preferred_channel_display() if contacts else "",
    }


def _history(match: Match, checkins: list[CheckIn], cases: list[Any],
             entries: list[LogEntry], names: dict[str, str]) -> list[dict[str, Any]]:
    """The match's activity log, newest first: the proposal sent and each side's answer,
    every change of status or mediator (with who made it, from the audit log), each
    check-in answered, each case opened or resolved and each call-back asked for."""
    proposal = match.proposal
    status = dict(Match.Status.choices)
    sides = dict(Proposal.Answer.choices)
    events: list[tuple[Any, str, str]] = []

    def add(at: Any, text: str, who: str = "") -> None:
        if at is not None:
            events.append((at, text, who))

    add(proposal.sent_at, _("Proposal sent to both households."))
    for side, answer, at, by in (
            ("volunteer", proposal.volunteer_answer, proposal.volunteer_answered_at,
             proposal.volunteer_answered_by_id),
            ("family", proposal.family_answer, proposal.family_answered_at,
             proposal.family_answered_by_id)):
        if answer:
            text = (_("The volunteer household: %(answer)s.") if side == "volunteer"
                    else _("The family: %(answer)s.")) % {"answer": sides[answer]}
            add(at, text, _("recorded by staff") if by else "")
    for entry in entries:
        changes = entry.changes_dict or {}
        who = names.get(str(entry.actor_id), "") if entry.actor_id else ""
        if "status" in changes and entry.action == LogEntry.Action.UPDATE:
            before, after = changes["status"][:2]
            add(entry.timestamp, _("Status: %(before)s → %(after)s.") % {
                "before": status.get(before, before), "after": status.get(after, after)}, who)
        if "mediator" in changes:
            after = changes["mediator"][1]
            add(entry.timestamp, _("Mediator: %(name)s.") % {
                "name": names.get(str(after), "—") if after not in (None, "None") else "—"},
                who)
    for checkin in checkins:
        if checkin.answered_at:
            text = (_("Check-in answered by the family: %(rating)s/5.")
                    if checkin.side == "family" else
                    _("Check-in answered by the volunteer household: %(rating)s/5."))
            add(checkin.answered_at, text % {"rating": checkin.rating},
                _("recorded by staff") if checkin.answered_by_id else "")
    for case in cases:
        add(case.opened_at, _("Case opened: %(kind)s.") % {"kind": case.get_kind_display()})
        add(case.resolved_at, _("Case resolved: %(kind)s.") % {"kind": case.get_kind_display()})
        for callback in case.callbacks.all():
            add(callback.created_at, _("Call-back asked for (%(when)s).") % {
                "when": callback.when})
    events.sort(key=lambda e: e[0], reverse=True)
    return [{"at": at, "text": text, "who": who} for at, text, who in events]


def match_page(match: Match, user: Any) -> dict[str, Any]:
    """Everything the match page shows, read in the same few queries however long the
    match has lived (no query per check-in, case or call-back).

    Parameters
    ----------
    match
        The match, read with its proposal, introduction and both households
        (``select_related``), as ``views._match`` reads it.
    user
        The reader: contact details, last names and the links to the households' pages
        only for the roles ``voisins.access`` allows; only the cases they may see.

    Returns
    -------
    dict
        ``sides`` (the family and the volunteer household, see ``_side``),
        ``contacts`` (whether the reader sees contact details), ``introduction``,
        ``checkins`` (every one, with every answer), ``activities`` (what they did
        together, newest first), ``cases`` (with their ``callbacks`` prefetched),
        ``history`` (the activity log), ``mediators`` (whom the match can be given to),
        ``answers_shown`` (the page shows what the households said: audit it).
    """
    contacts = access.sees_contact_details(user, match.programme_id)
    checkins = list(match.checkins.all())
    if match.ended_on is not None:
        # Nothing is asked after the end: the check-ins it left unanswered are not shown
        # as still to come ("not yet"), only those due by then or answered.
        checkins = [c for c in checkins if c.answered_at or c.due_on <= match.ended_on]
    activities = list(match.activities.all()[:50])
    # Cases reach this app by the reverse relation: mediation sits above matches.
    cases = list(access.cases_visible(user, match.cases.all())
                 .select_related("assigned_to").prefetch_related("callbacks")
                 .order_by("-opened_at", "-id"))
    mediators = list(access.members_allowed(match.programme.memberships.all(),
                                            match.programme, "mediate")
                     .select_related("user")
                     .order_by("user__first_name", "user__last_name", "user__email"))
    names = {str(m.user_id): m.user.get_full_name() or m.user.email for m in mediators}
    entries = list(LogEntry.objects.get_for_object(match).filter(
        action=LogEntry.Action.UPDATE).only("action", "changes", "timestamp", "actor_id"))
    introduction = getattr(match, "introduction", None)
    return {
        "sides": [_side(match.family, "family", contacts),
                  _side(match.volunteer, "volunteer", contacts)],
        "contacts": contacts, "introduction": introduction,
        "checkins": checkins, "activities": activities, "cases": cases,
        "history": _history(match, checkins, cases, entries, names),
        "mediators": mediators,
        "answers_shown": bool(activities or any(c.answered_at for c in checkins)
                              or (introduction is not None and introduction.note)),
    }


# --- A matching run's pairs, for review ----------------------------------------------------

# How the run page may sort its pairs (the value of ``?sort=``), each a key on a row.
RUN_SORTS: dict[str, tuple[str, bool]] = {
    "score": ("score", False), "-score": ("score", True),
    "distance": ("distance_km", False), "-distance": ("distance_km", True),
    "family": ("family_name", False), "-family": ("family_name", True),
    "area": ("area", False), "-area": ("area", True),
}
_NAMES = ("id", "contact_first_name", "contact_last_name", "postcode", "locality",
          "programme_id")


def _light(pair: dict[str, Any], first: str, last: str, postcode: str, locality: str
           ) -> dict[str, Any]:
    pair["postcode"] = postcode
    pair["area"] = " ".join(filter(None, [postcode, locality]))
    pair["family_name"] = f"{first} {last}".strip().casefold()
    return pair


def run_pairs(run: MatchingRun) -> list[dict[str, Any]]:
    """Every pair a run proposed, as light rows to filter and sort (no model instances):
    ``family_id``, ``volunteer_id``, ``score``, ``distance_km``, the family's ``postcode``
    and ``area`` ("postcode locality"), ``family_name`` and, for a real run,
    ``proposal_id``. Best score first.

    One query: a real run's proposals joined to their families; a dry run, which saved no
    proposal, reads its stored result and the families it names. Families erased or moved
    out of the programme since are left out. :func:`run_pairs_named` then names one page.
    """
    if not run.dry_run:
        pairs = [_light({"proposal_id": pk, "family_id": family_id,
                         "volunteer_id": volunteer_id, "score": score,
                         "distance_km": distance_km}, first, last, postcode, locality)
                 for (pk, family_id, volunteer_id, score, distance_km, first, last, postcode,
                      locality) in run.proposals.values_list(
                     "pk", "family_id", "volunteer_id", "score", "distance_km",
                     "family__contact_first_name", "family__contact_last_name",
                     "family__postcode", "family__locality")]
    else:
        result = run.result if isinstance(run.result, list) else []
        families = {pk: rest for pk, *rest in FamilyHousehold.objects.filter(
            programme_id=run.programme_id, pk__in=[p["family_id"] for p in result])
            .values_list("pk", "contact_first_name", "contact_last_name", "postcode",
                         "locality")}
        pairs = [_light({"proposal_id": None, "family_id": p["family_id"],
                         "volunteer_id": p["volunteer_id"], "score": p["score"],
                         "distance_km": p["distance_km"]}, *families[p["family_id"]])
                 for p in result if p["family_id"] in families]
    pairs.sort(key=lambda pair: (-pair["score"], pair["family_id"]))
    return pairs


def run_pairs_named(run: MatchingRun, pairs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``pairs`` (one page of :func:`run_pairs`) with their households (names, postcode,
    locality), the engine's reasons and, for a real run, the proposal (status, note),
    in the same order. One query for a real run, two for a dry run, whatever the page's
    length; a pair whose household is gone since is left out."""
    if not run.dry_run:
        proposals = {p.pk: p for p in run.proposals.filter(
            pk__in=[pair["proposal_id"] for pair in pairs])
            .select_related("family", "volunteer")
            .only("status", "score", "distance_km", "reasons", "note", "expires_at",
                  "run_id", "programme_id",
                  *(f"{side}__{column}" for side in ("family", "volunteer")
                    for column in _NAMES))}
        return [{**pair, "family": p.family, "volunteer": p.volunteer, "reasons": p.reasons,
                 "proposal": p}
                for pair in pairs if (p := proposals.get(pair["proposal_id"]))]
    reasons = {(p["family_id"], p["volunteer_id"]): p.get("reasons", [])
               for p in (run.result if isinstance(run.result, list) else [])}
    families = {f.pk: f for f in FamilyHousehold.objects.filter(
        programme_id=run.programme_id, pk__in=[pair["family_id"] for pair in pairs])
        .only(*_NAMES)}
    volunteers = {v.pk: v for v in VolunteerHousehold.objects.filter(
        programme_id=run.programme_id, pk__in=[pair["volunteer_id"] for pair in pairs])
        .only(*_NAMES)}
    return [{**pair, "family": families[pair["family_id"]],
             "volunteer": volunteers[pair["volunteer_id"]],
             "reasons": reasons.get((pair["family_id"], pair["volunteer_id"]), []),
             "proposal": None}
            for pair in pairs
            if pair["family_id"] in families and pair["volunteer_id"] in volunteers]


def run_areas(pairs: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """The areas (postcode, "postcode locality") of the families of ``pairs``, in order."""
    return sorted({(pair["postcode"], pair["area"]) for pair in pairs})


def run_pairs_filter(pairs: list[dict[str, Any]], *, area: str = "",
                     max_km: float | None = None, min_score: float | None = None,
                     sort: str = "") -> list[dict[str, Any]]:
    """``pairs`` (from :func:`run_pairs`) of the families of postcode ``area``, at most
    ``max_km`` apart, scoring at least ``min_score``, sorted by ``sort`` (a key of
    :data:`RUN_SORTS`; best score first without one). Linear in the pairs, plus the sort.
    """
    chosen = [pair for pair in pairs
              if (not area or pair["postcode"] == area)
              and (max_km is None or pair["distance_km"] <= max_km)
              and (min_score is None or pair["score"] >= min_score)]
    if sort in RUN_SORTS:
        key, descending = RUN_SORTS[sort]
        # Ties keep the family's id order, whichever way the column sorts.
        chosen.sort(key=lambda pair: pair["family_id"])
        chosen.sort(key=lambda pair: pair[key], reverse=descending)
    return chosen


# --- Risky actions: what a confirmation says, and what may be undone --------------------------

def end_preview(match: Match, *, reason: str, family_waits_again: bool) -> dict[str, Any]:
    """What ending ``match`` would do and whom it tells, for its confirmation page."""
    labels = dict(Match.EndReason.choices)
    what = [
        _("The match between %(family)s and %(volunteer)s ends today, with the reason "
          "“%(reason)s”.") % {"family": match.family, "volunteer": match.volunteer,
                               "reason": labels.get(reason, reason)},
        _("The two households no longer see each other's contact details; no check-in is "
          "sent any more."),
        _("The family goes back to the waiting list.") if family_waits_again
        else _("The family's file ends."),
        _("The volunteer household's place is freed for another family."),
    ]
    told = [_("Voisins sends no message about the end: tell both households yourself.")]
    return {"what": what, "told": told}


def pause_preview(programme: Programme) -> dict[str, Any]:
    """What pausing every match of ``programme`` would do and who would be told how."""
    matches = list(Match.objects.filter(
        programme=programme, status__in=[Match.Status.INTRODUCTION, Match.Status.ACTIVE])
        .select_related("family", "volunteer", "volunteer__user"))
    what = [
        _("%(n)s running match(es) are paused. No check-in is sent, none counts as missed, "
          "until you resume.") % {"n": len(matches)},
    ]
    told = reach_preview([h for m in matches for h in (m.family, m.volunteer)]) or [
        _("Nobody: no match is running.")]
    return {"what": what, "told": told}


def discard_preview(proposal: Proposal) -> dict[str, Any]:
    """What discarding ``proposal`` would do, for its confirmation page."""
    what = [_("The proposal of %(family)s to %(volunteer)s is dropped; it cannot be sent "
              "or answered any more.") % {"family": proposal.family,
                                          "volunteer": proposal.volunteer}]
    if proposal.status == Proposal.Status.SENT:
        told = [_("Both households received this proposal, and Voisins sends them no "
                  "message about the discard: tell them yourself.")]
    else:
        told = [_("Nobody: the proposal was not sent yet.")]
    return {"what": what, "told": told}


def undo_end_action(match: Match) -> UndoableAction | None:
    """The latest end of ``match`` (for its undo button and history), if any."""
    return match.undoable_actions.filter(kind=UndoableAction.Kind.MATCH_END).first()


def match_history(match: Match) -> list[UndoableAction]:
    """Ends of ``match`` and their undos, newest first (the match's history card)."""
    return list(match.undoable_actions.select_related("done_by", "undone_by"))


def undoable_pause(programme: Programme) -> UndoableAction | None:
    """The programme's latest pause, while it may still be undone (not undone, within
    ``UndoableAction.UNDO_DAYS`` days), with the households its undo would tell."""
    action = (UndoableAction.objects.filter(
        programme=programme, kind=UndoableAction.Kind.PROGRAMME_PAUSE, undone_at__isnull=True,
        done_at__gte=timezone.now() - timedelta(days=UndoableAction.UNDO_DAYS),
        pause__isnull=False).select_related("done_by").first())
    return action


def pause_actions(programme: Programme) -> QuerySet[UndoableAction]:
    """The programme's pauses that were recorded to be undone (for the undo button)."""
    return UndoableAction.objects.filter(programme=programme,
                                         kind=UndoableAction.Kind.PROGRAMME_PAUSE)


# --- Records as the pages and the API open them (access narrows them to the user's) ---------

def recent_runs(*, programme: Programme, limit: int = 10) -> QuerySet[MatchingRun]:
    """The programme's last `limit` matching runs, newest first (the model's order)."""
    return MatchingRun.objects.filter(programme=programme)[:limit]


def matching_runs() -> QuerySet[MatchingRun]:
    """Every matching run, for access to narrow to the one asked for."""
    return MatchingRun.objects.all()


def matches_of_programme(*, programme: Programme) -> QuerySet[Match]:
    """The matches of `programme`, for access to narrow to those the user follows."""
    return Match.objects.filter(programme=programme)


def matches_in_full() -> QuerySet[Match]:
    """Matches with both households, the programme, the introduction and the check-ins (one
    match as the API shows it)."""
    return Match.objects.select_related(
        "family", "volunteer", "programme", "introduction").prefetch_related("checkins")


def proposals_listed(*, programme: Programme) -> QuerySet[Proposal]:
    """The programme's proposals with the columns the proposals list shows."""
    return (Proposal.objects.filter(programme=programme).select_related("family", "volunteer")
            .only("status", "score", "distance_km", "sent_at", "expires_at", "family_answer",
                  "volunteer_answer", *names_of("family", "volunteer")))


def proposals_with_households() -> QuerySet[Proposal]:
    """Proposals with their family and volunteer household (one proposal's page)."""
    return Proposal.objects.select_related("family", "volunteer")


def proposals_in_full() -> QuerySet[Proposal]:
    """Proposals with both households, the programme and the match (one proposal as the API
    shows it)."""
    return Proposal.objects.select_related("family", "volunteer", "programme", "match")


def proposals_with_family_members() -> QuerySet[Proposal]:
    """Proposals with their family and its members (a volunteer household's answer)."""
    return Proposal.objects.select_related("family").prefetch_related("family__members")


def checkins_with_family() -> QuerySet[CheckIn]:
    """Check-ins with their match's family (a volunteer household's answer)."""
    return CheckIn.objects.select_related("match__family")


def household_proposal(*, pk: int, side: str, household: FamilyHousehold | VolunteerHousehold
                       ) -> Proposal | None:
    """Proposal `pk` if `household` is its `side` (Side.FAMILY or Side.VOLUNTEER), else None."""
    return Proposal.objects.filter(pk=pk, **{side: household}).first()


def family_proposal_sent(*, family: FamilyHousehold) -> Proposal | None:
    """The proposal sent to `family` and not yet answered by all, with the volunteer
    household and its members (the family's page)."""
    return (Proposal.objects.filter(family=family, status=Proposal.Status.SENT)
            .select_related("volunteer").prefetch_related("volunteer__members").first())


def family_match_live(*, family: FamilyHousehold) -> Match | None:
    """The live match of `family`, with the volunteer household, its account and the
    programme, or None."""
    return (Match.objects.filter(family=family, status__in=Match.LIVE)
            .select_related("volunteer", "volunteer__user", "programme").first())


def volunteer_match(*, pk: int, volunteer: VolunteerHousehold) -> Match | None:
    """Match `pk` of the volunteer household `volunteer`, with both households and the
    programme, or None."""
    return (Match.objects.filter(pk=pk, volunteer=volunteer)
            .select_related("family", "volunteer", "programme").first())


def volunteer_match_of_user(*, pk: int, user: Any) -> Match | None:
    """Match `pk` of the volunteer household whose account is `user`, with both households
    and the programme, or None."""
    return (Match.objects.filter(pk=pk, volunteer__user=user)
            .select_related("family", "volunteer", "programme").first())


def volunteer_checkin_of_user(*, pk: int, user: Any) -> CheckIn | None:
    """Check-in `pk` of the volunteer side of a match of the household whose account is
    `user`, with the match's family, or None."""
    return (CheckIn.objects.filter(pk=pk, side=Side.VOLUNTEER, match__volunteer__user=user)
            .select_related("match__family").first())


def household_checkin(*, pk: int, side: str, household: FamilyHousehold | VolunteerHousehold
                      ) -> CheckIn | None:
    """Check-in `pk` of `household`'s `side` of a match, with the other household, or None."""
    owner, other = ("family", "volunteer") if side == Side.FAMILY else ("volunteer", "family")
    return (CheckIn.objects.filter(pk=pk, side=side, **{f"match__{owner}": household})
            .select_related(f"match__{other}").first())
# --- Contact details -------------------------------------------------------------------

def contact_shown(match: Match, viewer: str) -> FamilyHousehold | VolunteerHousehold:
    """The household whose contact details `viewer` ("family" or "volunteer") would see."""
    return match.volunteer if viewer == ContactReveal.Viewer.FAMILY else match.family


def contact_shareable(match: Match, viewer: str) -> bool:
    """Whether `viewer` may see the other household's contact details now: the match
    lives, and that household agreed to share them (a consent withdrawn a minute ago
    counts)."""
    return match.contacts_visible and has_consent(contact_shown(match, viewer),
                                                  ConsentPurpose.SHARE_CONTACT)


# --- The pool as plain values (why families wait, whom to recruit) ------------------------
#
# The analysis reads every household of a programme: as tuples, one query per table, with
# no model instance and no JSON decoded (the JSON columns come as their text), so that the
# rows are cheap to read and to digest (voisins.matches.waiting keeps what it builds from
# them in the cache under that digest).

VOLUNTEER_ROW = ("id", "status", "lat", "lon", "languages", "offers", "availability",
                 "radius_km", "capacity")
FAMILY_ROW = ("id", "postcode", "locality", "lat", "lon", "languages", "needs",
              "availability", "radius_km", "waiting_since")
_JSON = {"languages", "offers", "availability", "needs"}


def _as_text(fields: tuple[str, ...]) -> dict[str, Any]:
    from django.db.models import TextField
    from django.db.models.functions import Cast

    return {f"{name}_text": Cast(name, output_field=TextField()) for name in fields
            if name in _JSON}


def _rows(queryset: QuerySet, fields: tuple[str, ...]) -> list[tuple]:
    """``fields`` of each row of ``queryset``, by id, the JSON ones as text."""
    texts = _as_text(fields)
    names = [f"{name}_text" if name in _JSON else name for name in fields]
    return list(queryset.prefetch_related(None).annotate(**texts)
                .order_by("id").values_list(*names))


def volunteer_pool_widest_radius(programme: Programme) -> float:
    """The largest radius of the households of :func:`volunteer_pool_rows` (0 when none)."""
    from django.db.models import Max

    return _volunteer_pool(programme).aggregate(widest=Max("radius_km"))["widest"] or 0.0


def _volunteer_pool(programme: Programme) -> QuerySet[VolunteerHousehold]:
    return (VolunteerHousehold.objects.filter(erased_filter("volunteer"), programme=programme,
                                              archived=False)
            .exclude(status=VolunteerStatus.LEFT))


def volunteer_pool_rows(programme: Programme, *, near: tuple[float, float, float] | None = None
                        ) -> dict[str, list]:
    """Every volunteer household of the programme that has not left (nor was archived or
    erased), as plain values: ``households``, tuples of :data:`VOLUNTEER_ROW` (JSON as
    text) then whether it completed the required training, whether it agrees to be
    matched, its live matches and its proposals awaiting an answer, by id; and
    ``children``, (household id, birth year) of each child. Two queries, whatever the
    size.

    A household of the pool may be proposed now (``matchable_volunteers``) exactly when
    it is available or matched, trained, consenting and its capacity is above zero.

    With ``near`` (lat, lon, km), only the households inside :func:`within_box` of it.
    """
    from django.db.models import Subquery, Value
    from django.db.models.functions import Coalesce

    pool = _volunteer_pool(programme)
    if near is not None:
        pool = within_box(pool, lat=near[0], lon=near[1], km=near[2])
    # The gates of matchable_volunteers, asked of each row (the same querysets, so the same
    # rules).
    itself = VolunteerHousehold.objects.filter(pk=OuterRef("pk"))

    def count(queryset: QuerySet) -> Coalesce:
        return Coalesce(Subquery(queryset.filter(volunteer=OuterRef("pk")).order_by()
                                 .values("volunteer").annotate(n=Count("id")).values("n")),
                        Value(0))

    households = pool.annotate(
        trained=Exists(restrict_to_trained(itself, programme)),
        consenting=Exists(with_consent(itself, ConsentPurpose.MATCHING)),
        live=count(Match.objects.filter(status__in=Match.LIVE)),
        pending=count(Proposal.objects.filter(status=Proposal.Status.SENT)))
    return {
        "households": _rows(households, (*VOLUNTEER_ROW, "trained", "consenting", "live",
                                         "pending")),
        "children": list(Member.objects.filter(volunteer__in=pool.values("pk"),
                                               kind=MemberKind.CHILD)
                         .order_by("volunteer_id", "id")
                         .values_list("volunteer_id", "birth_year")),
    }


def waiting_family_rows(programme: Programme) -> dict[str, list]:
    """The families of ``waiting_families`` as plain values: ``families`` (tuples of
    :data:`FAMILY_ROW`, JSON as text, by id) and ``children`` ((family id, birth year)
    of each child). Two queries."""
    families = waiting_families(programme)
    return {
        "families": _rows(families, FAMILY_ROW),
        "children": list(Member.objects.filter(family__in=families.prefetch_related(None)
                                               .order_by().values("pk"),
                                               kind=MemberKind.CHILD)
                         .order_by("family_id", "id").values_list("family_id", "birth_year")),
    }
# --- What voisins.access chooses from (it imports no app's models) ------------------------

def checkins() -> QuerySet[CheckIn]:
    """Every check-in: access.checkin_or_404 and own_checkin_or_404 narrow it."""
    return CheckIn.objects.all()


def proposals() -> QuerySet[Proposal]:
    """Every proposal: access.own_proposal_or_404 narrows it."""
    return Proposal.objects.all()
# --- Time given (issue 18) --------------------------------------------------------------------
# The hours a volunteer household notes on its activities; the family's notes carry none.

def volunteer_hours_of(household: VolunteerHousehold) -> Decimal:
    """Every hour `household` noted on the activities of its matches."""
    total = Activity.objects.filter(match__volunteer=household, side=Side.VOLUNTEER
                                    ).aggregate(total=Sum("hours"))["total"]
    return _hours(total)


def _hours(total: Decimal | None) -> Decimal:
    # Two decimals on every database: PostgreSQL sums to the column's scale ("2.50"),
    # SQLite to what the values hold ("2.5"); the API says the same on both.
    return (total or Decimal(0)).quantize(Decimal("0.01"))


def volunteer_hours_by_household(programme: Programme) -> list[tuple[int, Decimal]]:
    """(volunteer household id, hours) of each household of `programme` that noted hours,
    most hours first."""
    rows = (Activity.objects.filter(match__programme=programme, side=Side.VOLUNTEER,
                                    hours__isnull=False)
            .values("match__volunteer_id").annotate(total=Sum("hours"))
            .order_by("-total", "match__volunteer_id"))
    return [(r["match__volunteer_id"], _hours(r["total"])) for r in rows]
