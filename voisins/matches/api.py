"""Match life through the web API: matching runs, proposals, matches, check-ins, and a
volunteer household's own proposals and check-ins (``/me/…``).

Each operation checks access through ``voisins.access``, calls one service or selector of
this app, and answers with a typed schema. Lists page and filter in a fixed number of
queries. Reading what a household answered in a check-in is written to the audit log.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from voisins import access
from voisins.accounts.selectors import active_user
from voisins.apibase import (
    CONFLICT,
    ERRORS,
    MAX_ID,
    LanguageOrNone,
    Moment,
    Page,
    PageQuery,
    Text,
    apply,
    body_fields,
    paginate,
    programme_for,
    refused,
)
from voisins.audit.services import audit_read
from voisins.households.models import FamilyHousehold
from voisins.households.selectors import households_with_programme, volunteer_households

from . import bridge, selectors, services, waiting
from .models import CheckIn, Introduction, Match, MatchingRun, Proposal, Side

router = Router(tags=["match life"])

ProposalStatus = Literal[tuple(Proposal.Status.values)]  # type: ignore[valid-type]
MatchStatus = Literal[tuple(Match.Status.values)]  # type: ignore[valid-type]
MatchStatusFilter = Literal[("live", *Match.Status.values)]  # type: ignore[valid-type]
EndReason = Literal[tuple(Match.EndReason.values)]  # type: ignore[valid-type]
DeclineReasonOrNone = Literal[("", *Proposal.DeclineReason.values)]  # type: ignore[valid-type]
Frequency = Literal[tuple(CheckIn.Frequency.values)]  # type: ignore[valid-type]
SideCode = Literal[tuple(Side.values)]  # type: ignore[valid-type]
CheckInState = Literal["open", "overdue", "answered", "upcoming"]

# The check-in fields that hold what a household said: reading them is audited.
CHECKIN_ANSWERS = ["rating", "frequency", "activities", "worry"]


# --- Schemas -------------------------------------------------------------------------------

class Reason(Schema):
    code: str
    params: dict[str, Any]
    text: str


class ProposalItem(Schema):
    id: int
    status: ProposalStatus
    family_id: int
    family_first_name: str
    volunteer_id: int
    volunteer_first_name: str
    run_id: int | None
    score: float
    distance_km: float
    created_at: datetime
    sent_at: datetime | None
    expires_at: datetime | None
    closed_at: datetime | None
    volunteer_answer: str
    family_answer: str
    match_id: int | None

    @staticmethod
    def resolve_family_first_name(obj: Proposal) -> str:
        return obj.family.contact_first_name

    @staticmethod
    def resolve_volunteer_first_name(obj: Proposal) -> str:
        return obj.volunteer.contact_first_name

    @staticmethod
    def resolve_match_id(obj: Proposal) -> int | None:
        match = getattr(obj, "match", None)  # the reverse one-to-one, when there is one
        return match.pk if match is not None else None


class ProposalDetail(ProposalItem):
    programme: str
    reasons: list[Reason]
    note: str
    volunteer_reason: str
    volunteer_comment: str
    volunteer_answered_at: datetime | None
    family_reason: str
    family_comment: str
    family_answered_at: datetime | None
    family_answered_by_id: int | None

    @staticmethod
    def resolve_programme(obj: Proposal) -> str:
        return obj.programme.slug

    @staticmethod
    def resolve_reasons(obj: Proposal) -> list[dict[str, Any]]:
        return [{"code": str(r.get("code", "")), "params": r.get("params") or {},
                 "text": bridge.reason_text(r)} for r in obj.reasons if isinstance(r, dict)]


class ProposalFilters(Schema):
    status: ProposalStatus | None = None
    family_id: int | None = Field(None, ge=1, le=MAX_ID)
    volunteer_id: int | None = Field(None, ge=1, le=MAX_ID)
    run_id: int | None = Field(None, ge=1, le=MAX_ID)


class ProposalIn(Schema):
    family_id: int = Field(ge=1, le=MAX_ID)
    volunteer_id: int = Field(ge=1, le=MAX_ID)


class ProposalPatch(Schema):
    note: Text(500) | None = None  # type: ignore[valid-type]
    expires_at: Moment | None = Field(None, description="Answer before this moment.")


class AnswerIn(Schema):
    accept: bool
    reason: DeclineReasonOrNone = Field(
        "", description="Required when declining.")
    comment: Text(300) = ""  # type: ignore[valid-type]


class RunIn(Schema):
    dry_run: bool = False


class ChangeOut(Schema):
    kind: str = Field(description="What would change: family_radius, volunteer_radius, "
                                  "family_slot, family_language, volunteer_offer, "
                                  "volunteer_ready or volunteer_capacity (docs/matching.md)")
    value: str | int | float = Field(description="The new radius in km, the slot, language "
                                                 "or service code, what the households "
                                                 "lack, or the places to add")
    volunteer_ids: list[int] = Field(description="The volunteer households it would reach, "
                                                 "nearest first (at most 20)")
    reaches: int = Field(description="How many households it would reach in all")
    text: str


class WaitingOut(Schema):
    family_id: int
    reason: str = Field(description="The rule that leaves nobody (docs/matching.md)")
    text: str
    counts: dict[str, int] = Field(description="Households left after each rule, in order")
    changes: list[ChangeOut]


class RunOut(Schema):
    id: int
    status: str
    dry_run: bool
    created_at: datetime
    finished_at: datetime | None
    families_waiting: int
    volunteers_available: int
    families_proposed: int
    median_distance_km: float | None
    error: str
    not_proposed: list[WaitingOut] = Field(
        description="Every waiting family the run did not propose, and why")

    @staticmethod
    def resolve_not_proposed(run: MatchingRun) -> list[dict[str, Any]]:
        return waiting.with_texts(run.not_proposed, run.programme)


class IntroductionOut(Schema):
    planned_at: datetime
    place: str
    coordinator_attends: bool
    interpreter_attends: bool
    interpreter_language: str
    held_on: date | None
    note: str


class CheckInItem(Schema):
    id: int
    match_id: int
    side: SideCode
    day_offset: int
    due_on: date
    notified_at: datetime | None
    answered_at: datetime | None


class CheckInDetail(CheckInItem):
    answered_by_id: int | None
    rating: int | None
    frequency: str
    activities: str
    worry: str


class MatchItem(Schema):
    id: int
    status: MatchStatus
    proposal_id: int
    family_id: int
    family_first_name: str
    volunteer_id: int
    volunteer_first_name: str
    mediator_id: int | None
    started_on: date
    introduced_on: date | None
    paused_since: date | None
    ended_on: date | None
    end_reason: str
    needs_attention: bool
    attention_reasons: list[str]

    @staticmethod
    def resolve_family_first_name(obj: Match) -> str:
        return obj.family.contact_first_name

    @staticmethod
    def resolve_volunteer_first_name(obj: Match) -> str:
        return obj.volunteer.contact_first_name


class MatchDetail(MatchItem):
    programme: str
    pause_reason: str
    end_note: str
    introduction: IntroductionOut | None
    checkins: list[CheckInItem]

    @staticmethod
    def resolve_programme(obj: Match) -> str:
        return obj.programme.slug

    @staticmethod
    def resolve_introduction(obj: Match) -> Introduction | None:
        try:
            return obj.introduction
        except Introduction.DoesNotExist:
            return None

    @staticmethod
    def resolve_checkins(obj: Match) -> list[CheckIn]:
        return list(obj.checkins.all())


class MatchFilters(Schema):
    status: MatchStatusFilter | None = Field(None, description="`live`: not ended.")
    needs_attention: bool | None = None
    mediator_id: int | None = Field(None, ge=1, le=MAX_ID)
    family_id: int | None = Field(None, ge=1, le=MAX_ID)
    volunteer_id: int | None = Field(None, ge=1, le=MAX_ID)


class IntroductionPlanIn(Schema):
    planned_at: Moment
    place: Text(200) = Field(min_length=1)  # type: ignore[valid-type]
    coordinator_attends: bool = False
    interpreter_attends: bool = False
    interpreter_language: LanguageOrNone = ""


class IntroductionHeldIn(Schema):
    held_on: date
    note: Text(500) = ""  # type: ignore[valid-type]


class PauseIn(Schema):
    reason: Text(300) = Field(min_length=1)  # type: ignore[valid-type]


class EndIn(Schema):
    reason: EndReason
    note: Text(500) = ""  # type: ignore[valid-type]
    family_waits_again: bool = False


class MediatorIn(Schema):
    mediator_id: int | None = Field(ge=1, le=MAX_ID, description="null: nobody.")


class ProgrammePauseIn(Schema):
    message: Text(2000) = Field(min_length=1)  # type: ignore[valid-type]


class ProgrammePauseOut(Schema):
    id: int
    message: str
    started_at: datetime
    ended_at: datetime | None
    matches_paused: int

    @staticmethod
    def resolve_matches_paused(obj: Any) -> int:
        return obj.matches.count()


class CheckInFilters(Schema):
    match_id: int | None = Field(None, ge=1, le=MAX_ID)
    side: SideCode | None = None
    state: CheckInState | None = Field(
        None, description="open: due and still answerable; overdue: due, unanswered; "
                          "answered; upcoming: not due yet.")
    due_from: date | None = None
    due_to: date | None = None


class CheckInAnswerIn(Schema):
    rating: int = Field(ge=1, le=5, description="1 (badly) to 5 (very well).")
    frequency: Frequency
    activities: Text(500) = ""  # type: ignore[valid-type]
    worry: Text(1000) = ""  # type: ignore[valid-type]


class ActivityIn(Schema):
    category: Text(40) = Field(description="A service category's code of the programme.")  # type: ignore[valid-type]
    done_on: date
    duration: Literal["", "short", "hours", "half-day", "day"] = ""
    text: Text(200) = ""  # type: ignore[valid-type]
    hours: Decimal | None = Field(None, ge=0, le=24, max_digits=4, decimal_places=2,
                                  description="Hours given, 0 to 24 (the funders' figure).")


class ActivityOut(Schema):
    id: int
    match_id: int
    category: str
    done_on: date
    duration: str
    text: str
    hours: Decimal | None


class Profile(Schema):
    """What a household may know of the other before both said yes."""

    first_name: str
    adults: int
    children_ages: list[int]
    languages: list[str]
    needs: list[str]
    offers: list[str]
    area: str


class MyProposal(Schema):
    id: int
    status: ProposalStatus
    note: str
    sent_at: datetime | None
    expires_at: datetime | None
    answer: str
    family: Profile

    @staticmethod
    def resolve_answer(obj: Proposal) -> str:
        return obj.volunteer_answer

    @staticmethod
    def resolve_family(obj: Proposal) -> dict[str, Any]:
        return selectors.household_profile(obj.family)


class MyCheckIn(Schema):
    id: int
    match_id: int
    due_on: date
    family_first_name: str

    @staticmethod
    def resolve_family_first_name(obj: CheckIn) -> str:
        return obj.match.family.contact_first_name


# --- Helpers -------------------------------------------------------------------------------

def _proposal(request: HttpRequest, proposal_id: int) -> Proposal:
    return access.record_or_404(
        selectors.proposals_in_full(),
        request.user, "manage_matches", pk=access.as_pk(proposal_id))


def _match(request: HttpRequest, match_id: int, action: str = "mediate") -> Match:
    return access.match_or_404(request.user, match_id, selectors.matches_in_full(), action)


def _checkin_detail(request: HttpRequest, checkin: CheckIn) -> CheckIn:
    """A check-in with its answers: reading them is audited."""
    if checkin.answered_at is not None:
        audit_read(by=request, record=checkin, fields=CHECKIN_ANSWERS)
    return checkin



# --- Matching runs ---------------------------------------------------------------------------

@router.post("/programmes/{slug}/matching-runs", response={202: RunOut, **ERRORS},
             operation_id="start_matching_run", summary="Match everyone waiting (batch)",
             description="Queues batch matching of the programme's waiting list; its draft "
                         "proposals replace the earlier drafts. A dry run stores its result "
                         "on the run only.")
def start_matching_run(request: HttpRequest, slug: str, payload: RunIn):
    programme = programme_for(request, slug, "manage_matches")
    run = services.matching_run_start(programme=programme, by=request.user,
                                      dry_run=payload.dry_run)
    return Status(202, run)


@router.get("/matching-runs/{run_id}", response={200: RunOut, **ERRORS},
            operation_id="get_matching_run", summary="One matching run and its figures")
def get_matching_run(request: HttpRequest, run_id: int):
    # Refreshed: a run queued in this request may have finished since.
    return access.record_or_404(selectors.matching_runs(), request.user, "manage_matches",
                                pk=access.as_pk(run_id))


@router.get("/families/{family_id}/waiting", response={200: WaitingOut, **ERRORS},
            operation_id="get_family_waiting",
            summary="Why a waiting family has nobody to be proposed now",
            description="The rule that leaves no volunteer household for the family, and the "
                        "smallest single changes that would make it matchable.")
def get_family_waiting(request: HttpRequest, family_id: int):
    family = access.record_or_404(households_with_programme(model=FamilyHousehold),
                                  request.user, "manage_matches", pk=access.as_pk(family_id))
    [entry] = waiting.with_texts([waiting.why_family_waits(
        family, selectors.excluded_pairs_of(family))], family.programme)
    return entry


# --- Proposals -------------------------------------------------------------------------------

@router.get("/programmes/{slug}/proposals", response={200: Page[ProposalItem], **ERRORS},
            operation_id="list_proposals", summary="List the proposals of a programme")
def list_proposals(request: HttpRequest, slug: str, filters: Query[ProposalFilters],
                   paging: Query[PageQuery]):
    programme = programme_for(request, slug, "manage_matches")
    return paginate(selectors.proposals_filter(programme, filters.dict(exclude_none=True)),
                    paging)


@router.post("/programmes/{slug}/proposals", response={201: ProposalDetail, **ERRORS},
             operation_id="create_proposal", summary="Propose a volunteer household to a "
             "waiting family by hand",
             description="Refused (422) when the engine finds the pair infeasible, the "
                         "household has no room left, or the family is not waiting.")
def create_proposal(request: HttpRequest, slug: str, payload: ProposalIn):
    programme = programme_for(request, slug, "manage_matches")
    rename = {"family": "family_id", "volunteer": "volunteer_id"}
    family = programme.familyhousehold_set.filter(pk=payload.family_id).first()
    volunteer = programme.volunteerhousehold_set.filter(pk=payload.volunteer_id).first()
    problems = {}
    if family is None:
        problems["family"] = _("No such family in this programme.")
    if volunteer is None:
        problems["volunteer"] = _("No such volunteer household in this programme.")
    if problems:
        raise refused(ValidationError(problems), body_fields(ProposalIn), rename)
    proposal = apply(lambda: services.proposal_pick(family=family, volunteer=volunteer,
                                                     by=request.user), ProposalIn, rename)
    return Status(201, _proposal(request, proposal.pk))


@router.get("/proposals/{proposal_id}", response={200: ProposalDetail, **ERRORS},
            operation_id="get_proposal", summary="One proposal, with the engine's reasons")
def get_proposal(request: HttpRequest, proposal_id: int):
    return _proposal(request, proposal_id)


@router.patch("/proposals/{proposal_id}", response={200: ProposalDetail, **ERRORS,
                                                      **CONFLICT},
              operation_id="update_proposal",
              summary="Change the note for the households or the answer date")
def update_proposal(request: HttpRequest, proposal_id: int, payload: ProposalPatch):
    proposal = _proposal(request, proposal_id)
    changes = payload.dict(exclude_unset=True)
    apply(lambda: services.proposal_update(
        proposal=proposal, note=changes.get("note", proposal.note) or "",
        expires_at=changes.get("expires_at", proposal.expires_at), by=request.user),
        ProposalPatch)
    return _proposal(request, proposal.pk)


@router.post("/proposals/{proposal_id}/send", response={200: ProposalDetail, **ERRORS,
                                                          **CONFLICT},
             operation_id="send_proposal",
             summary="Send a reviewed proposal to both households")
def send_proposal(request: HttpRequest, proposal_id: int):
    proposal = _proposal(request, proposal_id)
    apply(lambda: services.proposal_send(proposal=proposal, by=request.user))
    return _proposal(request, proposal.pk)


@router.post("/proposals/{proposal_id}/discard", response={200: ProposalDetail, **ERRORS,
                                                             **CONFLICT},
             operation_id="discard_proposal", summary="Drop an open proposal")
def discard_proposal(request: HttpRequest, proposal_id: int):
    proposal = _proposal(request, proposal_id)
    apply(lambda: services.proposal_discard(proposal=proposal, by=request.user))
    return _proposal(request, proposal.pk)


@router.post("/proposals/{proposal_id}/family-answer",
             response={200: ProposalDetail, **ERRORS, **CONFLICT},
             operation_id="record_family_answer",
             summary="Record the family's answer on its behalf",
             description="For a coordinator who asked the family (by phone, with an "
                         "interpreter). The second yes creates the match; a volunteer "
                         "household never gets more families than it offered.")
def record_family_answer(request: HttpRequest, proposal_id: int, payload: AnswerIn):
    proposal = _proposal(request, proposal_id)
    apply(lambda: services.proposal_answer(
        proposal=proposal, side=Side.FAMILY, accept=payload.accept, reason=payload.reason,
        comment=payload.comment, by=request.user), AnswerIn)
    return _proposal(request, proposal.pk)


# --- Matches ---------------------------------------------------------------------------------

@router.get("/programmes/{slug}/matches", response={200: Page[MatchItem], **ERRORS},
            operation_id="list_matches",
            summary="List the matches you follow (a mediator: those assigned to them)")
def list_matches(request: HttpRequest, slug: str, filters: Query[MatchFilters],
                 paging: Query[PageQuery]):
    programme = programme_for(request, slug, "mediate")
    queryset = selectors.matches_for(programme, request.user)
    return paginate(selectors.matches_filter(queryset, filters.dict(exclude_none=True)),
                    paging)


@router.get("/matches/{match_id}", response={200: MatchDetail, **ERRORS},
            operation_id="get_match", summary="One match, its introduction and check-ins")
def get_match(request: HttpRequest, match_id: int):
    return _match(request, match_id)


def _match_write(request: HttpRequest, match_id: int, action: Any, schema: Any = None,
                 rename: dict[str, str] | None = None) -> Match:
    match = _match(request, match_id, "manage_matches")
    apply(lambda: action(match), schema, rename)
    return _match(request, match.pk, "manage_matches")


MATCH_WRITE = {200: MatchDetail, **ERRORS, **CONFLICT}


@router.post("/matches/{match_id}/introduction", response=MATCH_WRITE,
             operation_id="plan_introduction",
             summary="Plan (or re-plan) the first meeting; both households are told")
def plan_introduction(request: HttpRequest, match_id: int, payload: IntroductionPlanIn):
    return _match_write(request, match_id, lambda m: services.introduction_plan(
        match=m, by=request.user, **payload.dict()), IntroductionPlanIn)


@router.post("/matches/{match_id}/introduction/held", response=MATCH_WRITE,
             operation_id="record_introduction",
             summary="The first meeting took place: the match is active")
def record_introduction(request: HttpRequest, match_id: int, payload: IntroductionHeldIn):
    return _match_write(request, match_id, lambda m: services.introduction_record(
        match=m, by=request.user, **payload.dict()), IntroductionHeldIn)


@router.post("/matches/{match_id}/pause", response=MATCH_WRITE, operation_id="pause_match",
             summary="Pause a match (holidays, illness)")
def pause_match(request: HttpRequest, match_id: int, payload: PauseIn):
    return _match_write(request, match_id, lambda m: services.match_pause(
        match=m, reason=payload.reason, by=request.user), PauseIn)


@router.post("/matches/{match_id}/resume", response=MATCH_WRITE, operation_id="resume_match",
             summary="Resume a paused match")
def resume_match(request: HttpRequest, match_id: int):
    return _match_write(request, match_id,
                        lambda m: services.match_resume(match=m, by=request.user))


@router.post("/matches/{match_id}/end", response=MATCH_WRITE, operation_id="end_match",
             summary="End a match with a reason; contact details stop being shown")
def end_match(request: HttpRequest, match_id: int, payload: EndIn):
    return _match_write(request, match_id, lambda m: services.match_end(
        match=m, by=request.user, **payload.dict()), EndIn)


@router.post("/matches/{match_id}/attention-cleared", response=MATCH_WRITE,
             operation_id="clear_match_attention",
             summary="Mark the match's warnings as dealt with")
def clear_match_attention(request: HttpRequest, match_id: int):
    return _match_write(request, match_id,
                        lambda m: services.match_clear_attention(match=m, by=request.user))


@router.put("/matches/{match_id}/mediator", response=MATCH_WRITE,
            operation_id="assign_match_mediator",
            summary="Give the match to a mediator of its programme (or to nobody)")
def assign_match_mediator(request: HttpRequest, match_id: int, payload: MediatorIn):
    mediator = None
    if payload.mediator_id is not None:
        mediator = active_user(pk=payload.mediator_id)
        if mediator is None:
            raise refused(ValidationError({"mediator_id": _(
                "Choose a mediator of this programme.")}),
                          body_fields(MediatorIn))
    return _match_write(request, match_id, lambda m: services.match_assign_mediator(
        match=m, mediator=mediator, by=request.user), MediatorIn, {"mediator": "mediator_id"})


@router.post("/programmes/{slug}/pause", response={201: ProgrammePauseOut, **ERRORS,
                                                     **CONFLICT},
             operation_id="pause_programme",
             summary="Pause every running match at once (a lockdown); every household is "
                     "told")
def pause_programme(request: HttpRequest, slug: str, payload: ProgrammePauseIn):
    programme = programme_for(request, slug, "manage_matches")
    pause = apply(lambda: services.programme_pause_all(
        programme=programme, message=payload.message, by=request.user), ProgrammePauseIn)
    return Status(201, pause)


@router.post("/programmes/{slug}/resume", response={200: ProgrammePauseOut, **ERRORS,
                                                      **CONFLICT},
             operation_id="resume_programme",
             summary="Resume the matches the programme pause had paused")
def resume_programme(request: HttpRequest, slug: str):
    programme = programme_for(request, slug, "manage_matches")
    return apply(lambda: services.programme_resume_all(programme=programme, by=request.user))


# --- Check-ins -------------------------------------------------------------------------------

@router.get("/programmes/{slug}/check-ins", response={200: Page[CheckInItem], **ERRORS},
            operation_id="list_checkins",
            summary="List the check-ins of the matches you follow (answers not included)")
def list_checkins(request: HttpRequest, slug: str, filters: Query[CheckInFilters],
                  paging: Query[PageQuery]):
    programme = programme_for(request, slug, "mediate")
    return paginate(selectors.checkins_filter(
        access.matches_visible(request.user, selectors.matches_of_programme(programme=programme)),
        filters.dict(exclude_none=True)), paging)


@router.get("/check-ins/{checkin_id}", response={200: CheckInDetail, **ERRORS},
            operation_id="get_checkin",
            summary="One check-in with its answers (the read is audited)")
def get_checkin(request: HttpRequest, checkin_id: int):
    return _checkin_detail(request, access.checkin_or_404(request.user, checkin_id,
                                                          selectors.checkins()))


@router.post("/check-ins/{checkin_id}/answer", response={200: CheckInDetail, **ERRORS,
                                                           **CONFLICT},
             operation_id="record_checkin_answer",
             summary="Record a household's check-in answer on its behalf",
             description="For a coordinator who asked the household (by phone). A low "
                         "rating or a worry flags the match.")
def record_checkin_answer(request: HttpRequest, checkin_id: int, payload: CheckInAnswerIn):
    checkin = access.checkin_or_404(request.user, checkin_id, selectors.checkins(),
                                     "manage_matches")
    answered = apply(lambda: services.checkin_answer(checkin=checkin, by=request.user,
                                                      **payload.dict()), CheckInAnswerIn)
    return _checkin_detail(request, answered)


# --- A volunteer household's own ------------------------------------------------------------

@router.get("/me/proposals", response={200: Page[MyProposal], **ERRORS},
            operation_id="list_my_proposals",
            summary="Proposals waiting for your household's answer",
            description="For a volunteer household's own account: the family's first "
                        "name, children's ages, languages, needs and part of town.")
def list_my_proposals(request: HttpRequest, paging: Query[PageQuery]):
    household = access.volunteer_household_or_404(request.user, volunteer_households())
    return paginate(selectors.proposals_for_volunteer(household), paging)


@router.post("/me/proposals/{proposal_id}/answer", response={200: MyProposal, **ERRORS,
                                                               **CONFLICT},
             operation_id="answer_my_proposal",
             summary="Your household says yes or no to a proposed family")
def answer_my_proposal(request: HttpRequest, proposal_id: int, payload: AnswerIn):
    proposal = access.own_proposal_or_404(request.user, proposal_id, selectors.proposals())
    apply(lambda: services.proposal_answer(
        proposal=proposal, side=Side.VOLUNTEER, accept=payload.accept, reason=payload.reason,
        comment=payload.comment, by=request.user), AnswerIn)
    return access.own_proposal_or_404(request.user, proposal.pk,
                                      selectors.proposals_with_family_members())


@router.get("/me/check-ins", response={200: Page[MyCheckIn], **ERRORS},
            operation_id="list_my_checkins",
            summary="Check-ins your household may answer now")
def list_my_checkins(request: HttpRequest, paging: Query[PageQuery]):
    household = access.volunteer_household_or_404(request.user, volunteer_households())
    return paginate(selectors.checkins_open_for_volunteer(household), paging)


@router.post("/me/matches/{match_id}/activities", response={201: ActivityOut, **ERRORS},
             operation_id="log_my_activity",
             summary="Note something your household did with the family (with the hours "
                     "given, if you wish)")
def log_my_activity(request: HttpRequest, match_id: int, payload: ActivityIn):
    household = access.volunteer_household_or_404(request.user, volunteer_households())
    match = selectors.volunteer_match(pk=access.as_pk(match_id), volunteer=household)
    if match is None:
        raise Http404
    activity = apply(lambda: services.activity_log(
        match=match, side=Side.VOLUNTEER, by=request.user, **payload.dict()), ActivityIn)
    return Status(201, activity)


@router.post("/me/check-ins/{checkin_id}/answer", response={200: MyCheckIn, **ERRORS,
                                                              **CONFLICT},
             operation_id="answer_my_checkin", summary="Answer one of your check-ins")
def answer_my_checkin(request: HttpRequest, checkin_id: int, payload: CheckInAnswerIn):
    checkin = access.own_checkin_or_404(request.user, checkin_id,
                                        selectors.checkins_with_family())
    apply(lambda: services.checkin_answer(checkin=checkin, by=request.user,
                                           **payload.dict()), CheckInAnswerIn)
    return checkin


