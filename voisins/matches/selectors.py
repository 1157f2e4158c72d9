"""Reads of match life that cross relations: who can be matched, what needs attention."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from voisins import access
from voisins.gdpr.services import erased_filter, with_consent
from voisins.households.models import FamilyHousehold, MemberKind, VolunteerHousehold
from voisins.households.selectors import names_of
from voisins.households.status import FamilyStatus, VolunteerStatus
from voisins.messaging.selectors import reach_preview
from voisins.privacy.models import ConsentPurpose
from voisins.programmes.models import Programme
from voisins.training.selectors import restrict_to_trained

from . import bridge
from .models import CheckIn, Match, ProgrammePause, Proposal, UndoableAction

# A check-in not answered this many days after it fell due counts as missed.
MISSED_AFTER_DAYS = 14
# A check-in can be answered until this many days after it fell due (and its link works
# that long).
CHECKIN_ANSWER_DAYS = 30
LOW_RATING = 2
# What the households said about their match, shown on its page: each read is audited.
MATCH_ANSWERS = ["checkins.rating", "checkins.frequency", "checkins.activities",
                 "checkins.worry", "activities.text"]


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
    from voisins.training.selectors import missing_required_modules

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
        return _("This volunteer household has no room left: it takes %(capacity)s "
                 "family(ies) at a time and has %(taken)s (live matches and proposals "
                 "waiting for answers).") % {"capacity": volunteer.capacity, "taken": taken}
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
        "languages": [bridge.language_label(c) for c in sorted(household.language_codes)],
        "needs": [bridge.service_label(c) for c in needs],
        "offers": [bridge.service_label(c) for c in offers],
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
    from voisins.mediation.selectors import cases_visible

    today = timezone.localdate()
    names = names_of("family", "volunteer")
    lists = {
        "drafts": Proposal.objects.filter(programme=programme, status=Proposal.Status.DRAFT)
        .select_related("family", "volunteer").order_by("-score", "id"),  # as in the list
        "waiting": proposals_waiting(programme),
        "attention": matches_needing_attention(programme),
        "overdue": checkins_overdue(programme, today=today),
        "cases": cases_visible(programme, user).filter(status="open"),
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
    from voisins.workspace.selectors import cached_counts, counts_in_one_query

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

    from .models import Notification
    from .notifications import MAX_ATTEMPTS, SUBJECTS, UNSENDABLE

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
