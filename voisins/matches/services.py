"""Writes of match life: matching runs, proposals and answers, introductions, check-ins,
activities, pause and end. Each is keyword-only, validates, and queues its messages to the
households (``voisins.messaging``: e-mail, SMS or a call) to go after commit."""

from __future__ import annotations

import statistics
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from voisins import access, background
from voisins.accounts.models import User
from voisins.familypages.services import household_page_url
from voisins.gdpr.selectors import is_erased
from voisins.households.models import FamilyHousehold, VolunteerHousehold
from voisins.households.services import household_set_status, household_status_restore
from voisins.households.status import FamilyStatus, VolunteerStatus
from voisins.messaging.models import Message, Purpose
from voisins.messaging.services import message_household, messages_to_call_settle
from voisins.privacy.models import ConsentPurpose
from voisins.privacy.selectors import has_consent
from voisins.programmes.models import Programme

from . import bridge, selectors, waiting
from .models import (
    Activity,
    CheckIn,
    ContactReveal,
    Introduction,
    Match,
    MatchingRun,
    ProgrammePause,
    Proposal,
    Side,
    UndoableAction,
)
from .notifications import SUBJECTS, notify_coordinators, retry_due

PROPOSAL_ANSWER_DAYS = 14


# Why each kind of message is sent (the purpose recorded with it).
PURPOSES = {
    "proposal_received": Purpose.PROPOSAL, "match_confirmed": Purpose.MATCH,
    "introduction_planned": Purpose.INTRODUCTION, "checkin_due": Purpose.CHECKIN,
    "programme_paused": Purpose.PROGRAMME, "programme_resumed": Purpose.PROGRAMME,
    "programme_pause_undone": Purpose.PROGRAMME,
}


def _notify_household(*, side: str, household: FamilyHousehold | VolunteerHousehold,
                      kind: str, context: dict[str, Any], link: str = "",
                      family_page: str = "familypages:home", by: User | None = None) -> Message:
    """Message one household through the channel it has (e-mail, SMS, else a coordinator
    calls), with its personal link (a family's opens `family_page`, a volunteer
    household's its proposals): no account needed to answer."""
    if side == Side.FAMILY:
        link = link or household_page_url(household=household, page=family_page)
    else:
        link = link or household_page_url(household=household,
                                          page="matches:volunteer_link_proposals")
    return message_household(household=household, purpose=PURPOSES[kind],
                             subject=SUBJECTS[kind], template=f"matches/email/{kind}.txt",
                             context=context, link=link, by=by)


# --- Batch matching ----------------------------------------------------------------------

def matching_run_start(*, programme: Programme, by: User | None = None,
                       dry_run: bool = False) -> MatchingRun:
    """Queue batch matching of the programme's waiting list as a background task."""
    run = MatchingRun.objects.create(programme=programme, created_by=by, dry_run=dry_run)
    background.after_commit("voisins.matches.tasks.run_matching", run.pk)
    return run


def matching_run_execute(*, run_id: int) -> MatchingRun:
    """Run the engine over everyone waiting and store its result as draft proposals.

    Draft proposals left from an earlier run of the programme are discarded first; sent
    ones stay (their families and volunteers' capacity are left out of this run). A dry
    run keeps the result on the run only.
    """
    run = MatchingRun.objects.select_related("programme").get(pk=run_id)
    if run.status == MatchingRun.Status.DONE:
        # Retried after its worker died between the commit and "task done": done once.
        return run
    run.status = MatchingRun.Status.RUNNING
    # update_fields without full_clean(): only the status changes, to a value of its choices.
    run.save(update_fields=["status"])
    try:
        result = _execute(run)
    except Exception as exc:
        # A bare update (no full_clean()): a status of its choices, a time, the error's class.
        MatchingRun.objects.filter(pk=run.pk).update(
            status=MatchingRun.Status.FAILED, finished_at=timezone.now(),
            error=type(exc).__name__[:300])
        raise
    return result


@transaction.atomic
def _execute(run: MatchingRun) -> MatchingRun:
    # The run's row stays locked until its proposals are committed: a second execution of
    # the same run (two workers) waits, then finds it done.
    locked = MatchingRun.objects.select_for_update().get(pk=run.pk)
    if locked.status == MatchingRun.Status.DONE:
        return locked
    programme = run.programme
    families = list(selectors.waiting_families(programme))
    volunteers = list(selectors.matchable_volunteers(programme))
    excluded = selectors.excluded_pairs(programme)
    engine_result = bridge.propose_for(programme, families, volunteers, excluded)
    run.families_waiting = len(families)
    run.volunteers_available = sum(1 for v in volunteers if selectors.room_left(v) > 0)
    run.families_proposed = len(engine_result)
    run.not_proposed = waiting.not_proposed(programme, families, engine_result, excluded)
    distances = [p.distance_km for p in engine_result]
    run.median_distance_km = round(statistics.median(distances), 2) if distances else None
    if run.dry_run:
        run.result = [bridge.proposal_as_dict(p) for p in engine_result]
    else:
        # A bare update (no full_clean()): only a status of its choices and a time change.
        Proposal.objects.filter(programme=programme, status=Proposal.Status.DRAFT).update(
            status=Proposal.Status.DISCARDED, closed_at=timezone.now())
        # No full_clean() per row: every value comes from the engine's result on valid records.
        Proposal.objects.bulk_create([
            Proposal(programme=programme, family_id=p.family_id, volunteer_id=p.volunteer_id,
                     run=run, score=p.score, distance_km=p.distance_km,
                     reasons=bridge.reasons_as_json(p.reasons), created_by=run.created_by)
            for p in engine_result
        ])
    run.status = MatchingRun.Status.DONE
    run.finished_at = timezone.now()
    # No full_clean(): every field changed is computed here from valid records (counts, the
    # engine's result), and the result's JSON can be large.
    run.save()
    return run


# --- Proposals -----------------------------------------------------------------------------

@transaction.atomic
def proposal_pick(*, family: FamilyHousehold, volunteer: VolunteerHousehold,
                  by: User | None = None) -> Proposal:
    """A coordinator picks one of the engine's suggestions for a family by hand.

    The family's earlier draft is discarded. Refused, with the true reason on the field
    concerned, when the family is not waiting (or already has a proposal out), when the
    volunteer household is archived, not available, not trained or full, when either has
    not agreed to be matched, or when the pair is not feasible for the engine (too far,
    nothing in common, or declined before).
    """
    programme = family.programme
    if volunteer.programme_id != programme.pk:
        raise ValidationError({"volunteer": _("This volunteer household is not in the programme.")})
    reason = selectors.family_not_proposable(family)
    if reason:
        raise ValidationError({"family": reason})
    _require_matching_consent(family, volunteer)
    row = selectors.matchable_volunteers(programme).filter(pk=volunteer.pk).first()
    if row is None or selectors.room_left(row) <= 0:
        # The true reason: archived, not available, not trained, or full.
        raise ValidationError({"volunteer": selectors.volunteer_not_proposable(volunteer)
                               or _("This volunteer household has no room left.")})
    suggestion = bridge.suggest_for(programme, family, [row], selectors.excluded_pairs_of(family),
                                    k=1)
    if not suggestion:
        raise ValidationError({"volunteer": _(
            "The engine finds no match here: too far, no common language, need or time, "
            "or declined before.")})
    p = suggestion[0]
    # A bare update (no full_clean()): only a status of its choices and a time change.
    Proposal.objects.filter(family=family, status=Proposal.Status.DRAFT).update(
        status=Proposal.Status.DISCARDED, closed_at=timezone.now())
    proposal = Proposal(programme=programme, family=family, volunteer=volunteer, score=p.score,
                        distance_km=p.distance_km, reasons=bridge.reasons_as_json(p.reasons),
                        created_by=by)
    proposal.full_clean()
    proposal.save()
    return proposal


def _require_matching_consent(family: FamilyHousehold, volunteer: VolunteerHousehold) -> None:
    """Both households agreed to be matched, now (a withdrawal since counts), and neither
    was erased (its record stays, anonymous, for the figures)."""
    errors = {}
    if not has_consent(family, ConsentPurpose.MATCHING) or is_erased(family):
        errors["family"] = _("The family has not agreed to be matched.")
    if not has_consent(volunteer, ConsentPurpose.MATCHING) or is_erased(volunteer):
        errors["volunteer"] = _("The volunteer household has not agreed to be matched.")
    if errors:
        raise ValidationError(errors)


def _lock(proposal: Proposal) -> Proposal:
    return Proposal.objects.select_for_update(of=("self",)).select_related(
        "family", "volunteer", "programme").get(pk=proposal.pk)


@transaction.atomic
def proposal_update(*, proposal: Proposal, note: str, expires_at: datetime | None,
                    by: User | None = None) -> Proposal:
    """Edit what the households will read and until when they may answer."""
    locked = _lock(proposal)
    if not locked.is_open:
        raise ValidationError(_("This proposal is closed; it cannot be changed."))
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("Give a date in the future.")})
    locked.note = note
    locked.expires_at = expires_at
    locked.full_clean()
    locked.save(update_fields=["note", "expires_at"])
    return locked


@transaction.atomic
def proposal_discard(*, proposal: Proposal, by: User | None = None) -> Proposal:
    """Drop a proposal before or while it waits for answers."""
    locked = _lock(proposal)
    if not locked.is_open:
        raise ValidationError(_("This proposal is already closed."))
    locked.status = Proposal.Status.DISCARDED
    locked.closed_at = timezone.now()
    # update_fields without full_clean(): a status of its choices and the time, set here.
    locked.save(update_fields=["status", "closed_at"])
    return locked


@transaction.atomic
def proposal_send(*, proposal: Proposal, by: User | None = None) -> Proposal:
    """Send a reviewed proposal to both households; each is told in its own language."""
    locked = _lock(proposal)
    if locked.status != Proposal.Status.DRAFT:
        raise ValidationError(_("Only a proposal under review can be sent."))
    if locked.family.status != FamilyStatus.WAITING:
        raise ValidationError({"family": _("This family is no longer waiting.")})
    if (locked.family_id, locked.volunteer_id) in selectors.excluded_pairs_of(locked.family):
        raise ValidationError(_("This pair was declined or matched before."))
    _require_matching_consent(locked.family, locked.volunteer)
    now = timezone.now()
    locked.status = Proposal.Status.SENT
    locked.sent_at = now
    if locked.expires_at is None or locked.expires_at <= now:
        locked.expires_at = now + timedelta(days=PROPOSAL_ANSWER_DAYS)
    # update_fields without full_clean(): a status of its choices and times, set here.
    locked.save(update_fields=["status", "sent_at", "expires_at"])
    expires = locked.expires_at.isoformat()
    # The coordinator's own words go with the proposal, in every channel.
    _notify_household(side=Side.VOLUNTEER, household=locked.volunteer, kind="proposal_received",
                      context={"other_first_name": locked.family.contact_first_name,
                               "expires_iso": expires, "note": locked.note}, by=by)
    _notify_household(side=Side.FAMILY, household=locked.family, kind="proposal_received",
                      context={"other_first_name": locked.volunteer.contact_first_name,
                               "expires_iso": expires, "note": locked.note},
                      family_page="matches:family_proposal", by=by)
    return locked


def _expire_if_due(proposal: Proposal) -> None:
    if proposal.status == Proposal.Status.SENT and proposal.is_expired:
        # A bare update (no full_clean()): only a status of its choices and a time change.
        Proposal.objects.filter(pk=proposal.pk).update(status=Proposal.Status.EXPIRED,
                                                       closed_at=timezone.now())


def proposal_answer(*, proposal: Proposal, side: str, accept: bool, reason: str = "",
                    comment: str = "", by: User | None = None) -> Proposal:
    """Record one household's yes or no.

    ``by`` is the volunteer's account, or the coordinator who answers on a household's
    behalf (None when the household answered on its own pages, through its link). The
    second yes creates the match; the volunteer row is locked first so that its capacity
    is never exceeded, even when several answers come at the same moment.

    Raises
    ------
    ValidationError
        The proposal is not waiting for answers, expired, this side answered already, a
        decline without a reason, or the volunteer household has no room left.
    """
    if side not in Side.values:
        raise ValidationError({"side": _("Unknown side.")})
    if not accept and reason not in Proposal.DeclineReason.values:
        raise ValidationError({"reason": _("Choose a reason for saying no.")})
    if len(comment) > 300:
        raise ValidationError({"comment": _("Write at most 300 characters.")})
    try:
        with transaction.atomic():
            return _answer(proposal, side, accept, reason, comment, by)
    except _Expired:
        _expire_if_due(proposal)
        raise ValidationError(_("This proposal expired; it can no longer be answered.")) from None


class _Expired(Exception):
    pass


def _answer(proposal: Proposal, side: str, accept: bool, reason: str, comment: str,
            by: User | None) -> Proposal:
    # Lock order everywhere: volunteer, then proposal, so two acceptances for the same
    # volunteer queue up instead of deadlocking.
    VolunteerHousehold.objects.select_for_update().filter(pk=proposal.volunteer_id).first()
    locked = _lock(proposal)
    if locked.status != Proposal.Status.SENT:
        raise ValidationError(_("This proposal is not waiting for an answer any more."))
    if locked.is_expired:
        raise _Expired
    prefix = "family" if side == Side.FAMILY else "volunteer"
    if getattr(locked, f"{prefix}_answer"):
        raise ValidationError(_("This proposal was already answered."))
    now = timezone.now()
    answer = Proposal.Answer.ACCEPTED if accept else Proposal.Answer.DECLINED
    setattr(locked, f"{prefix}_answer", answer)
    setattr(locked, f"{prefix}_reason", "" if accept else reason)
    setattr(locked, f"{prefix}_comment", comment)
    setattr(locked, f"{prefix}_answered_at", now)
    if side == Side.FAMILY:
        locked.family_answered_by = by
    elif by is not None and by.pk != locked.volunteer.user_id:
        # Someone other than the household's own account: a coordinator who heard it.
        locked.volunteer_answered_by = by
    both = locked.family_answer == locked.volunteer_answer == Proposal.Answer.ACCEPTED
    if not accept:
        locked.status = Proposal.Status.DECLINED
        locked.closed_at = now
    elif both:
        volunteer = locked.volunteer
        if selectors.live_match_count(volunteer) >= volunteer.capacity:
            raise ValidationError(_(
                "This volunteer household has no room left: it already has as many "
                "families as it offered."))
        locked.status = Proposal.Status.ACCEPTED
        locked.closed_at = now
    locked.full_clean()
    locked.save()
    # A household on the to-call list need not be called about this proposal any more.
    household = locked.family if side == Side.FAMILY else locked.volunteer
    own = by is not None and side == Side.VOLUNTEER and by.pk == locked.volunteer.user_id
    messages_to_call_settle(household=household, purpose=Purpose.PROPOSAL,
                            by=None if own else by)
    link = reverse("matches:proposal", args=[locked.programme.slug, locked.pk])
    notify_coordinators(programme=locked.programme, kind="proposal_answered", context={
        "family_first_name": locked.family.contact_first_name,
        "volunteer_first_name": locked.volunteer.contact_first_name,
        "side": side, "accepted": accept, "link": link})
    if both:
        _match_create(locked, by)
    return locked


def _match_create(proposal: Proposal, by: User | None) -> Match:
    try:
        with transaction.atomic():
            match = Match.objects.create(programme=proposal.programme, proposal=proposal,
                                         family=proposal.family, volunteer=proposal.volunteer)
    except IntegrityError:
        raise ValidationError(_("This family already has a match.")) from None
    household_set_status(household=proposal.family, status=FamilyStatus.MATCHED, by=by,
                         note=_("both households said yes"))
    if proposal.volunteer.status == VolunteerStatus.AVAILABLE:
        household_set_status(household=proposal.volunteer, status=VolunteerStatus.MATCHED,
                             by=by, note=_("both households said yes"))
    # Other proposals still open for this family are moot now.
    Proposal.objects.filter(family=proposal.family, status__in=Proposal.OPEN).exclude(
        pk=proposal.pk).update(status=Proposal.Status.DISCARDED, closed_at=timezone.now())
    _notify_household(side=Side.VOLUNTEER, household=proposal.volunteer,
                      kind="match_confirmed",
                      context={"other_first_name": proposal.family.contact_first_name})
    _notify_household(side=Side.FAMILY, household=proposal.family, kind="match_confirmed",
                      context={"other_first_name": proposal.volunteer.contact_first_name},
                      family_page="matches:family_proposal")
    return match


def proposals_expire(*, now: datetime | None = None) -> int:
    """Close every sent proposal whose answer date passed; the number closed."""
    now = now or timezone.now()
    # A bare update (no full_clean()): only a status of its choices and a time change.
    return Proposal.objects.filter(status=Proposal.Status.SENT, expires_at__lte=now).update(
        status=Proposal.Status.EXPIRED, closed_at=now)


# --- Contact details -------------------------------------------------------------------

def contact_reveal(*, match: Match, viewer: str, viewer_user: User | None = None
                   ) -> dict[str, str] | None:
    """The other household's contact details for one side of a live match, audited.

    None once the match ended, or while the other household has not agreed to share its
    contact details (and nothing is logged then). ``viewer`` is "family" or "volunteer".
    """
    if not selectors.contact_shareable(match, viewer):
        return None
    other = selectors.contact_shown(match, viewer)
    shown = Side.VOLUNTEER if viewer == ContactReveal.Viewer.FAMILY else Side.FAMILY
    ContactReveal.objects.create(match=match, viewer=viewer, viewer_user=viewer_user,
                                 shown=shown)
    email = other.email
    if not email and shown == Side.VOLUNTEER and other.user_id:
        email = other.user.email
    return {"first_name": other.contact_first_name, "last_name": other.contact_last_name,
            "phone": other.phone, "email": email,
            "place": f"{other.postcode} {other.locality}".strip()}


# --- Introduction ----------------------------------------------------------------------

@transaction.atomic
def introduction_plan(*, match: Match, planned_at: datetime, place: str,
                      coordinator_attends: bool = False, interpreter_attends: bool = False,
                      interpreter_language: str = "", by: User | None = None) -> Introduction:
    """Plan (or re-plan) the first meeting; both households are told."""
    match = Match.objects.select_for_update(of=("self",)).select_related("family", "volunteer").get(
        pk=match.pk)
    if match.status != Match.Status.INTRODUCTION:
        raise ValidationError(_("The introduction of this match already took place."))
    if not place.strip():
        raise ValidationError({"place": _("Say where the households meet.")})
    if interpreter_attends and not interpreter_language:
        raise ValidationError({"interpreter_language": _("Choose the interpreter's language.")})
    intro = Introduction.objects.filter(match=match).first() or Introduction(match=match)
    intro.planned_at = planned_at
    intro.place = place.strip()
    intro.coordinator_attends = coordinator_attends
    intro.interpreter_attends = interpreter_attends
    intro.interpreter_language = interpreter_language if interpreter_attends else ""
    intro.planned_by = by
    intro.full_clean()
    intro.save()
    common = {"when_iso": planned_at.isoformat(), "place": intro.place,
              "coordinator_attends": coordinator_attends,
              "interpreter_attends": interpreter_attends}
    _notify_household(side=Side.VOLUNTEER, household=match.volunteer,
                      kind="introduction_planned",
                      context={**common, "other_first_name": match.family.contact_first_name})
    _notify_household(side=Side.FAMILY, household=match.family, kind="introduction_planned",
                      context={**common, "other_first_name": match.volunteer.contact_first_name},
                      family_page="matches:family_proposal")
    return intro


@transaction.atomic
def introduction_record(*, match: Match, held_on: date, note: str = "",
                        by: User | None = None) -> Match:
    """The first meeting took place: the match is active and its check-ins are scheduled."""
    match = Match.objects.select_for_update().select_related("programme").get(pk=match.pk)
    if match.status != Match.Status.INTRODUCTION:
        raise ValidationError(_("The introduction of this match already took place."))
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("The meeting cannot have been held in the future.")})
    if held_on < match.started_on:
        raise ValidationError({"held_on": _("The meeting cannot be before both said yes.")})
    intro = Introduction.objects.filter(match=match).first()
    if intro is None:
        raise ValidationError(_("Plan the introduction first."))
    intro.held_on = held_on
    intro.note = note
    intro.full_clean()
    intro.save(update_fields=["held_on", "note"])
    match.introduced_on = held_on
    match.status = Match.Status.ACTIVE
    # update_fields without full_clean(): the date is checked above, the status is a choice.
    match.save(update_fields=["introduced_on", "status"])
    CheckIn.objects.bulk_create([
        CheckIn(match=match, side=side, day_offset=days, due_on=held_on + timedelta(days=days))
        for days in match.programme.checkin_schedule_days for side in Side.values
    ])
    return match


# --- Check-ins --------------------------------------------------------------------------

@transaction.atomic
def checkin_answer(*, checkin: CheckIn, rating: int, frequency: str = "",
                   activities: str = "", worry: str = "", by: User | None = None,
                   today: date | None = None) -> CheckIn:
    """Record a check-in answer, once; a low rating or a worry flags the match."""
    today = today or timezone.localdate()
    locked = CheckIn.objects.select_for_update(of=("self",)).select_related("match").get(
        pk=checkin.pk)
    if locked.answered_at is not None:
        raise ValidationError(_("This check-in was already answered."))
    if locked.due_on > today:
        raise ValidationError(_("This check-in is not due yet."))
    if locked.due_on < today - timedelta(days=selectors.CHECKIN_ANSWER_DAYS):
        raise ValidationError(_("This check-in is more than 30 days old."))
    if locked.match.status == Match.Status.ENDED:
        raise ValidationError(_("This match has ended."))
    locked.rating = rating
    locked.frequency = frequency
    locked.activities = activities.strip()
    locked.worry = worry.strip()
    locked.answered_at = timezone.now()
    locked.answered_by = by
    locked.full_clean()
    locked.save()
    match = locked.match
    household = match.family if locked.side == Side.FAMILY else match.volunteer
    own = by is not None and by.pk == getattr(household, "user_id", None)
    messages_to_call_settle(household=household, purpose=Purpose.CHECKIN,
                            by=None if own else by)
    match_check_attention(match=locked.match, today=today)
    return locked


def match_check_attention(*, match: Match, today: date | None = None) -> Match:
    """Apply the escalation rules and store the result on the match.

    A rating of 1 or 2, a worry written down, or two check-ins missed (unanswered more
    than ``MISSED_AFTER_DAYS`` after falling due), counting only what came after a
    coordinator last cleared the match. While the programme is paused, its clock stands
    still at the first day of the pause (``selectors.followup_day``): nothing that fell
    due during a lockdown counts as missed.
    """
    today = selectors.followup_day(match.programme_id, today)
    cleared = match.attention_cleared_at
    reasons: list[str] = []
    answered = match.checkins.filter(answered_at__isnull=False)
    if cleared:
        answered = answered.filter(answered_at__gt=cleared)
    if answered.filter(rating__lte=selectors.LOW_RATING).exists():
        reasons.append("low-rating")
    if answered.exclude(worry="").exists():
        reasons.append("worry")
    missed = match.checkins.filter(
        answered_at__isnull=True,
        due_on__lt=today - timedelta(days=selectors.MISSED_AFTER_DAYS))
    if cleared:
        missed = missed.filter(due_on__gt=timezone.localdate(cleared))
    if missed.count() >= 2:
        reasons.append("missed")
    needs = bool(reasons)
    if needs != match.needs_attention or reasons != match.attention_reasons:
        # A bare update (no full_clean()): only the warnings computed here change.
        Match.objects.filter(pk=match.pk).update(needs_attention=needs,
                                                 attention_reasons=reasons)
        match.needs_attention, match.attention_reasons = needs, reasons
    return match


@transaction.atomic
def match_clear_attention(*, match: Match, by: User | None = None) -> Match:
    """A coordinator dealt with the warnings: older ones no longer count."""
    match.attention_cleared_at = timezone.now()
    # update_fields without full_clean(): only a timestamp changes.
    match.save(update_fields=["attention_cleared_at"])
    return match_check_attention(match=match)


def checkins_notify_due(*, today: date | None = None) -> int:
    """E-mail each side whose check-in fell due (once per check-in); the number notified."""
    today = today or timezone.localdate()
    due = CheckIn.objects.filter(
        notified_at__isnull=True, answered_at__isnull=True, due_on__lte=today,
        due_on__gte=today - timedelta(days=selectors.CHECKIN_ANSWER_DAYS),
        match__status__in=Match.LIVE,
    ).exclude(
        # Nothing is asked while the programme is paused: these wait for the resume, which
        # moves them by the length of the pause.
        selectors.running_pause_exists("match__programme"),
    ).select_related("match__family", "match__volunteer", "match__volunteer__user")
    count = 0
    for checkin in due:
        with transaction.atomic():
            # Claimed under a row lock: a round running at the same time (a second worker,
            # or this one retried after a crash) skips what was already mailed.
            if not CheckIn.objects.select_for_update().filter(
                    pk=checkin.pk, notified_at__isnull=True).exists():
                continue
            match = checkin.match
            household = match.family if checkin.side == Side.FAMILY else match.volunteer
            other = match.volunteer if checkin.side == Side.FAMILY else match.family
            # Each household answers on its own pages, through its personal link.
            page = ("matches:family_checkin_answer" if checkin.side == Side.FAMILY
                    else "matches:volunteer_link_checkin")
            link = household_page_url(household=household, page=page, pk=checkin.pk)
            _notify_household(side=checkin.side, household=household, kind="checkin_due",
                              link=link, context={"other_first_name": other.contact_first_name})
            # A bare update (no full_clean()): only a timestamp changes.
            CheckIn.objects.filter(pk=checkin.pk).update(notified_at=timezone.now())
            count += 1
    return count


# --- Activity log -----------------------------------------------------------------------

def activity_log(*, match: Match, side: str, category: str, done_on: date,
                 duration: str = "", text: str = "", hours: Decimal | None = None,
                 by: User | None = None) -> Activity:
    """Note something the households did together (optional for them), with the hours
    given when the household says (0 to 24: the funders' "time given by volunteers")."""
    if category not in set(match.programme.service_categories.values_list("code", flat=True)):
        raise ValidationError({"category": _("Choose what you did from the list.")})
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": _("The date cannot be in the future.")})
    if match.status == Match.Status.ENDED:
        raise ValidationError(_("This match has ended."))
    activity = Activity(match=match, side=side, category=category, done_on=done_on,
                        duration=duration, text=text.strip(), hours=hours, created_by=by)
    activity.full_clean()
    activity.save()
    return activity


# --- Mediator -----------------------------------------------------------------------------

@transaction.atomic
def match_assign_mediator(*, match: Match, mediator: User | None,
                          by: User | None = None) -> Match:
    """Give a match to a mediator (or a coordinator) of its programme, or to nobody.

    Raises
    ------
    ValidationError
        On ``mediator`` when that person is neither a mediator nor a coordinator of the
        match's programme.
    """
    locked = Match.objects.select_for_update().get(pk=match.pk)
    if mediator is not None and not access.can(mediator, "mediate", locked.programme_id):
        raise ValidationError({"mediator": _("Choose a mediator of this programme.")})
    locked.mediator = mediator
    # update_fields without full_clean(): the mediator is checked above (a role in the programme).
    locked.save(update_fields=["mediator"])
    return locked


# --- Pause and end ---------------------------------------------------------------------

def _pause(match: Match, reason: str, pause: ProgrammePause | None = None) -> None:
    match.status_before_pause = match.status
    match.status = Match.Status.PAUSED
    match.paused_since = timezone.localdate()
    match.pause_reason = reason[:300]
    match.programme_pause = pause
    # update_fields without full_clean(): statuses of its choices, today, a reason cut to size.
    match.save(update_fields=["status", "status_before_pause", "paused_since", "pause_reason",
                              "programme_pause"])


def _resume(match: Match) -> None:
    match.status = match.status_before_pause or Match.Status.ACTIVE
    match.status_before_pause = ""
    match.paused_since = None
    match.pause_reason = ""
    match.programme_pause = None
    # update_fields without full_clean(): statuses of its choices, the others emptied.
    match.save(update_fields=["status", "status_before_pause", "paused_since", "pause_reason",
                              "programme_pause"])


@transaction.atomic
def match_pause(*, match: Match, reason: str, by: User | None = None) -> Match:
    """Pause one match (holidays, illness); it keeps its place and its capacity."""
    match = Match.objects.select_for_update().get(pk=match.pk)
    if match.status not in (Match.Status.INTRODUCTION, Match.Status.ACTIVE):
        raise ValidationError(_("Only a running match can be paused."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the match is paused.")})
    _pause(match, reason.strip())
    return match


@transaction.atomic
def match_resume(*, match: Match, by: User | None = None) -> Match:
    match = Match.objects.select_for_update().get(pk=match.pk)
    if match.status != Match.Status.PAUSED:
        raise ValidationError(_("This match is not paused."))
    _resume(match)
    return match


@transaction.atomic
def match_end(*, match: Match, reason: str, note: str = "", family_waits_again: bool = False,
              by: User | None = None) -> Match:
    """End a match with a reason. Contact details stop being shown; capacity is freed.

    The family goes back to the waiting list when asked, else its file ends; a volunteer
    household with no other live match becomes available again.
    """
    VolunteerHousehold.objects.select_for_update().filter(pk=match.volunteer_id).first()
    match = Match.objects.select_for_update(of=("self",)).select_related("family", "volunteer").get(
        pk=match.pk)
    if match.status == Match.Status.ENDED:
        raise ValidationError(_("This match has already ended."))
    if reason not in Match.EndReason.values:
        raise ValidationError({"reason": _("Choose why the match ends.")})
    family, volunteer = match.family, match.volunteer
    before = {"status": match.status, "programme_pause": match.programme_pause_id,
              "needs_attention": match.needs_attention,
              "attention_reasons": match.attention_reasons,
              "family_status": family.status,
              "waiting_since": family.waiting_since.isoformat() if family.waiting_since
              else None,
              "volunteer_status": volunteer.status}
    match.status = Match.Status.ENDED
    match.ended_on = max(timezone.localdate(), match.started_on)
    match.end_reason = reason
    match.end_note = note[:500]
    match.ended_by = by
    match.needs_attention = False
    match.full_clean()
    match.save()
    note_text = _("match ended")
    household_set_status(household=match.family,
                         status=FamilyStatus.WAITING if family_waits_again else FamilyStatus.ENDED,
                         by=by, note=note_text)
    volunteer = match.volunteer
    volunteer.refresh_from_db()
    if volunteer.status == VolunteerStatus.MATCHED and selectors.live_match_count(volunteer) == 0:
        household_set_status(household=volunteer, status=VolunteerStatus.AVAILABLE, by=by,
                             note=note_text)
    # Where the end left each household: the undo restores them only if nothing moved
    # them since. No household is messaged by an end, so none is told of its undo.
    before.update(family_after=match.family.status, volunteer_after=volunteer.status)
    UndoableAction.objects.create(programme_id=match.programme_id,
                                  kind=UndoableAction.Kind.MATCH_END, match=match,
                                  before=before, told=[], done_by=by)
    return match


@transaction.atomic
def programme_pause_all(*, programme: Programme, message: str,
                        by: User | None = None) -> ProgrammePause:
    """Pause every running match of a programme at once (a lockdown) and tell every household.

    While the pause runs no check-in is sent and none becomes missed (the programme's
    follow-up clock stands still: ``selectors.followup_day``). Refused while a programme
    pause is running.
    """
    if not message.strip():
        raise ValidationError({"message": _("Write a message to the households.")})
    if ProgrammePause.objects.filter(programme=programme, ended_at__isnull=True).exists():
        raise ValidationError(_("The programme is already paused."))
    pause = ProgrammePause.objects.create(programme=programme, message=message.strip(),
                                          started_at=timezone.now(), started_by=by)
    matches = (Match.objects.select_for_update(of=("self",))
               .filter(programme=programme,
                       status__in=[Match.Status.INTRODUCTION, Match.Status.ACTIVE])
               .select_related("family", "volunteer", "volunteer__user"))
    told, paused = [], []
    for match in matches:
        _pause(match, _("programme paused"), pause)
        paused.append(match.pk)
        for side, household in ((Side.FAMILY, match.family), (Side.VOLUNTEER, match.volunteer)):
            _notify_household(side=side, household=household, kind="programme_paused",
                              context={"message": pause.message})
            told.append({"side": str(side), "id": household.pk})
    UndoableAction.objects.create(
        programme=programme, kind=UndoableAction.Kind.PROGRAMME_PAUSE, pause=pause,
        before={"matches": paused, "message": pause.message,
                "started_at": pause.started_at.isoformat()},
        told=told, done_by=by, done_at=pause.started_at)
    return pause


@transaction.atomic
def programme_resume_all(*, programme: Programme, by: User | None = None) -> ProgrammePause:
    """Resume the matches that the running programme pause had paused, and move every
    pending check-in of the programme by the length of the pause (``checkins_shift``)."""
    pause = ProgrammePause.objects.select_for_update().filter(
        programme=programme, ended_at__isnull=True).first()
    if pause is None:
        raise ValidationError(_("The programme is not paused."))
    pause.ended_at = timezone.now()
    shifted = _shift_pending(pause)
    # The undo of the pause moves them back by as much.
    for action in UndoableAction.objects.select_for_update().filter(pause=pause):
        action.before = {**action.before, "shifted": {str(k): v for k, v in shifted.items()}}
        # update_fields without full_clean(): only the undo record's JSON changes, built here.
        action.save(update_fields=["before"])
    for match in pause.matches.select_for_update(of=("self",)).select_related(
            "family", "volunteer", "volunteer__user"):
        if match.status != Match.Status.PAUSED:
            continue
        _resume(match)
        for side, household in ((Side.FAMILY, match.family), (Side.VOLUNTEER, match.volunteer)):
            _notify_household(side=side, household=household, kind="programme_resumed",
                              context={})
    pause.ended_by = by
    # update_fields without full_clean(): only when it ended and who ended it change.
    pause.save(update_fields=["ended_at", "ended_by"])
    return pause


def checkins_shift(*, pause: ProgrammePause) -> int:
    """Move the pending check-ins of a programme by the days its pause lasted; how many.

    Pending: not answered, of a match not ended, and not already missed when the pause
    began (due no more than ``MISSED_AFTER_DAYS`` before it). A check-in's clock starts at
    its match's introduction: a match introduced during the pause moves only by the days
    between its introduction and the resume. Called by ``programme_resume_all`` inside its
    transaction, with ``pause.ended_at`` set.
    """
    return len(_shift_pending(pause))


def _shift_pending(pause: ProgrammePause) -> dict[int, int]:
    """``checkins_shift``'s work: the check-ins moved, each with its number of days."""
    started = timezone.localdate(pause.started_at)
    ended = timezone.localdate(pause.ended_at)
    if ended <= started:
        return {}
    pending = (CheckIn.objects.select_for_update(of=("self",))
               .filter(match__programme_id=pause.programme_id, answered_at__isnull=True,
                       due_on__gte=started - timedelta(days=selectors.MISSED_AFTER_DAYS))
               .exclude(match__status=Match.Status.ENDED)
               .select_related("match").only("id", "due_on", "match__introduced_on"))
    moved, days_of = [], {}
    for checkin in pending:
        clock_from = max(started, checkin.match.introduced_on or started)
        days = (ended - clock_from).days
        if days > 0:
            checkin.due_on += timedelta(days=days)
            moved.append(checkin)
            days_of[checkin.pk] = days
    # A bare bulk update (no full_clean()): only due dates move, by whole days.
    CheckIn.objects.bulk_update(moved, ["due_on"])
    return days_of


# --- Daily follow-up ---------------------------------------------------------------------

def followup_run(*, today: date | None = None) -> dict[str, int]:
    """The daily round: expire proposals, send due check-ins, apply escalation, retry mail."""
    today = today or timezone.localdate()
    expired = proposals_expire()
    notified = checkins_notify_due(today=today)
    flagged = 0
    for match in Match.objects.filter(status__in=Match.LIVE):
        flagged += match_check_attention(match=match, today=today).needs_attention
    sent = retry_due()
    return {"proposals_expired": expired, "checkins_notified": notified,
            "matches_needing_attention": flagged, "mail_retried": sent}


def proposals_send_selected(*, programme: Programme, ids: list[int], by: User | None = None,
                            run: MatchingRun | None = None) -> dict[str, list]:
    """Send the selected proposals of `programme` under review, each through
    `proposal_send` in its own transaction: one that cannot go (the family no longer
    waits, a consent is missing) is reported and the others are still sent.

    Returns ``{"sent": [proposal, ...], "refused": [(proposal, message), ...]}``; ids of
    other programmes (and, given a `run`, of other runs) are ignored. A dry run saved no
    proposal: it cannot be sent. What each household was told, and how, is in the
    messages the sends queued (``messaging.services.collect``).

    Raises
    ------
    ValidationError
        When `run` is a dry run.
    """
    if run is not None and run.dry_run:
        raise ValidationError(_("A trial run saved no proposal: it cannot be sent. "
                                "Run the matching for real to send its proposals."))
    sent: list[Proposal] = []
    refused: list[tuple[Proposal, str]] = []
    chosen = Proposal.objects.filter(programme=programme, pk__in=ids)
    if run is not None:
        chosen = chosen.filter(run=run)
    chosen = chosen.select_related("family", "volunteer").order_by("id")
    for proposal in chosen:
        try:
            done = proposal_send(proposal=proposal, by=by)
        except ValidationError as exc:
            refused.append((proposal, " ".join(exc.messages)))
            continue
        sent.append(done)
    return {"sent": sent, "refused": refused}


# --- Undo (within UndoableAction.UNDO_DAYS days) ---------------------------------------------

def _undo_checks(action: UndoableAction) -> None:
    if action.undone_at is not None:
        raise ValidationError(_("This was already undone on %(day)s.") % {
            "day": timezone.localdate(action.undone_at).strftime("%d/%m/%Y")})
    if timezone.now() > action.undo_until:
        raise ValidationError(_("It can only be undone within %(n)s days; that time is "
                                "over.") % {"n": UndoableAction.UNDO_DAYS})


def action_undo(*, action: UndoableAction, by: User | None = None) -> UndoableAction:
    """Undo a match's end or a programme pause, as if it had not happened.

    Ending a match: the match returns to its status before the end (end date, reason and
    note cleared), the family to its status (and its place on the waiting list), the
    volunteer household to "matched" if the end had made it available. Pausing the
    programme: the matches it paused and that are still paused run again, the check-ins
    its resume had moved go back by as many days, the pause is deleted (no page, figure
    or follow-up clock counts it) and every household it told is told of the correction.
    The action's row keeps who undid it and when.

    Raises
    ------
    ValidationError
        Already undone, more than ``UndoableAction.UNDO_DAYS`` days after the action, or
        something happened since that the undo would overrule: the family has a new match
        or proposal or moved on, the volunteer household's place was given to another
        match or it left, a household was erased, a later programme pause exists. Nothing
        is changed then.
    """
    with transaction.atomic():
        if action.kind == UndoableAction.Kind.MATCH_END:
            return _undo_end(action, by)
        return _undo_pause(action, by)


def _undo_end(action: UndoableAction, by: User | None) -> UndoableAction:
    # Lock order as everywhere: volunteer, then match; then the action.
    VolunteerHousehold.objects.select_for_update().filter(
        pk=Match.objects.filter(pk=action.match_id).values("volunteer_id")[:1]).first()
    match = Match.objects.select_for_update(of=("self",)).select_related(
        "family", "volunteer", "programme_pause").get(pk=action.match_id)
    action = UndoableAction.objects.select_for_update().get(pk=action.pk)
    _undo_checks(action)
    before = action.before
    if match.status != Match.Status.ENDED:
        raise ValidationError(_("This match is not ended any more."))
    family, volunteer = match.family, match.volunteer
    if is_erased(family) or is_erased(volunteer):
        raise ValidationError(_("A household of this match was erased since."))
    if Match.objects.filter(family=family).exclude(status=Match.Status.ENDED).exists():
        raise ValidationError({"family": _("The family has a new match since.")})
    if Proposal.objects.filter(family=family, status__in=Proposal.OPEN).exists():
        raise ValidationError({"family": _(
            "The family has a proposal under way since; discard it first.")})
    if volunteer.status == VolunteerStatus.LEFT:
        raise ValidationError({"volunteer": _(
            "The volunteer household has left the programme since.")})
    taken = selectors.live_match_count(volunteer) + Proposal.objects.filter(
        volunteer=volunteer, status=Proposal.Status.SENT).count()
    if taken >= volunteer.capacity:
        raise ValidationError({"volunteer": _(
            "The volunteer household's place has been given to another match since.")})
    note = _("match end undone")
    try:
        household_status_restore(
            household=family, expected=before["family_after"], status=before["family_status"],
            waiting_since=(datetime.fromisoformat(before["waiting_since"])
                           if before.get("waiting_since") else None), by=by, note=note)
    except ValidationError as exc:
        raise ValidationError({"family": exc.message_dict["status"]}) from None
    if (volunteer.status == before["volunteer_after"]
            and volunteer.status != before["volunteer_status"]):
        household_status_restore(household=volunteer, expected=before["volunteer_after"],
                                 status=before["volunteer_status"], by=by, note=note)
    match.status = before["status"]
    pause = match.programme_pause
    if match.status == Match.Status.PAUSED and before.get("programme_pause") and (
            pause is None or pause.ended_at is not None):
        # Paused by a programme pause that was resumed (or undone) while the match was
        # ended: it comes back running, as the resume would have left it (saved below,
        # with the end cleared).
        match.status = match.status_before_pause or Match.Status.ACTIVE
        match.status_before_pause, match.paused_since, match.pause_reason = "", None, ""
        match.programme_pause = None
    match.ended_on = None
    match.end_reason = ""
    match.end_note = ""
    match.ended_by = None
    match.needs_attention = before.get("needs_attention", False)
    match.attention_reasons = before.get("attention_reasons", [])
    match.full_clean()
    match.save()
    # An end messages no household (action.told is empty): none is told of its undo.
    action.undone_at, action.undone_by = timezone.now(), by
    action.save(update_fields=["undone_at", "undone_by"])
    return action


def _undo_pause(action: UndoableAction, by: User | None) -> UndoableAction:
    action = UndoableAction.objects.select_for_update().get(pk=action.pk)
    _undo_checks(action)
    pause = (ProgrammePause.objects.select_for_update().filter(pk=action.pause_id).first()
             if action.pause_id else None)
    if pause is None:
        raise ValidationError(_("This programme pause no longer exists."))
    if ProgrammePause.objects.filter(programme_id=pause.programme_id,
                                     started_at__gt=pause.started_at).exists():
        raise ValidationError(_("The programme was paused again since; undo that pause "
                                "first."))
    if pause.ended_at is None:
        for match in pause.matches.select_for_update(of=("self",)).filter(
                status=Match.Status.PAUSED):
            _resume(match)
    else:
        shifted = {int(pk): days for pk, days in action.before.get("shifted", {}).items()}
        moved = list(CheckIn.objects.select_for_update().filter(
            pk__in=shifted, answered_at__isnull=True).only("id", "due_on"))
        for checkin in moved:
            checkin.due_on -= timedelta(days=shifted[checkin.pk])
        # A bare bulk update (no full_clean()): only due dates move back, by whole days.
        CheckIn.objects.bulk_update(moved, ["due_on"])
    _told_of_correction(action, kind="programme_pause_undone")
    pause.delete()  # the matches' link to it is cleared (SET_NULL)
    action.undone_at, action.undone_by = timezone.now(), by
    # update_fields without full_clean(): only when it was undone and by whom change.
    action.save(update_fields=["undone_at", "undone_by"])
    return action


def _told_of_correction(action: UndoableAction, *, kind: str) -> None:
    """Tell each household the action told (and only those) that it was undone."""
    if not action.told:
        return
    families = FamilyHousehold.objects.in_bulk(
        [t["id"] for t in action.told if t["side"] == Side.FAMILY])
    volunteers = VolunteerHousehold.objects.select_related("user").in_bulk(
        [t["id"] for t in action.told if t["side"] == Side.VOLUNTEER])
    for told in action.told:
        side = told["side"]
        household = (families if side == Side.FAMILY else volunteers).get(told["id"])
        if household is None or is_erased(household):
            continue
        _notify_household(side=side, household=household, kind=kind, context={})

