"""Mediation cases through the web API: list, open, read (audited), notes, assign,
callbacks, resolve.

Coordinators see every case of their programme; a mediator only the cases assigned to
them, never a safeguarding case (``voisins.access.cases_visible``). What a case says —
its summary, resolution and notes — is only in the detail, and every read of it is
written to the audit log.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from voisins import access
from voisins.accounts.selectors import active_user
from voisins.api.common import (
    CONFLICT,
    ERRORS,
    MAX_ID,
    LanguageOrNone,
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
from voisins.matches.selectors import matches_of_programme

from . import selectors, services
from .models import Callback, Case, CaseKind, CaseNote, OpenedBy

router = Router(tags=["mediation"])

Kind = Literal[tuple(CaseKind.values)]  # type: ignore[valid-type]
CaseStatus = Literal[tuple(Case.Status.values)]  # type: ignore[valid-type]
NoteKind = Literal[tuple(CaseNote.Kind.values)]  # type: ignore[valid-type]

CASE_CONTENT = selectors.CASE_CONTENT


class CaseItem(Schema):
    id: int
    kind: Kind
    status: CaseStatus
    opened_by: Literal[tuple(OpenedBy.values)]  # type: ignore[valid-type]
    opened_at: datetime
    match_id: int | None
    family_id: int | None
    volunteer_id: int | None
    assigned_to_id: int | None
    resolved_at: datetime | None
    open_callbacks: int


class NoteOut(Schema):
    id: int
    kind: NoteKind
    text: str
    call_minutes: int | None
    call_language: str
    author_id: int | None
    created_at: datetime


class CallbackOut(Schema):
    id: int
    requested_by: str
    when: str
    language: str
    interpreter_needed: bool
    status: Literal[tuple(Callback.Status.values)]  # type: ignore[valid-type]
    created_at: datetime
    done_at: datetime | None


class CaseDetail(CaseItem):
    programme: str
    summary: str
    resolution: str | None
    resolved_by_id: int | None
    notes: list[NoteOut]
    callbacks: list[CallbackOut]

    @staticmethod
    def resolve_programme(obj: Case) -> str:
        return obj.programme.slug

    @staticmethod
    def resolve_notes(obj: Case) -> list[CaseNote]:
        return list(obj.notes.all())

    @staticmethod
    def resolve_callbacks(obj: Case) -> list[Callback]:
        return list(obj.callbacks.all())


class CaseFilters(Schema):
    status: CaseStatus | None = None
    kind: Kind | None = None
    match_id: int | None = Field(None, ge=1, le=MAX_ID)
    assigned_to_id: int | None = Field(None, ge=1, le=MAX_ID)


class CaseIn(Schema):
    kind: Kind
    summary: Text(5000) = Field(min_length=1)  # type: ignore[valid-type]
    match_id: int | None = Field(None, ge=1, le=MAX_ID,
                                 description="The match it is about, if any.")


class NoteIn(Schema):
    kind: NoteKind = CaseNote.Kind.NOTE.value
    text: Text(5000) = Field(min_length=1)  # type: ignore[valid-type]
    call_minutes: int | None = Field(None, ge=1, le=600,
                                     description="Required for a phone call.")
    call_language: LanguageOrNone = ""


class AssignIn(Schema):
    assigned_to_id: int | None = Field(ge=1, le=MAX_ID, description="null: nobody.")


class ResolveIn(Schema):
    resolution: Text(5000) = Field(min_length=1)  # type: ignore[valid-type]


class CallbackDoneIn(Schema):
    minutes: int = Field(ge=1, le=600)
    text: Text(5000) = Field(min_length=1)  # type: ignore[valid-type]
    language: LanguageOrNone = ""


def _listed(queryset: Any) -> Any:
    return queryset.annotate(open_callbacks=Count(
        "callbacks", filter=Q(callbacks__status=Callback.Status.OPEN)))


def _case(request: HttpRequest, case_id: int, action: str = "mediate") -> Case:
    return access.case_or_404(request.user, case_id, action, _listed(
        selectors.cases_with_programme()).prefetch_related("notes", "callbacks"))


def _read(request: HttpRequest, case: Case) -> Case:
    """The case as the detail shows it: reading what it says is audited."""
    audit_read(by=request, record=case, fields=CASE_CONTENT)
    return case



@router.get("/programmes/{slug}/cases", response={200: Page[CaseItem], **ERRORS},
            operation_id="list_cases",
            summary="List the mediation cases you may see (what they say is not listed)")
def list_cases(request: HttpRequest, slug: str, filters: Query[CaseFilters],
               paging: Query[PageQuery]):
    programme = programme_for(request, slug, "mediate")
    queryset = access.cases_visible(request.user,
                                    selectors.cases_of_programme(programme=programme))
    for name, value in filters.dict(exclude_none=True).items():
        queryset = queryset.filter(**{name: value})
    return paginate(_listed(queryset).order_by("-opened_at", "-id"), paging)


@router.post("/programmes/{slug}/cases", response={201: CaseItem, **ERRORS},
             operation_id="open_case", summary="Open a mediation case",
             description="A safeguarding case goes to the programme's coordinators alone: "
                         "a mediator who opens one cannot read it afterwards. Other cases "
                         "a mediator opens without a match are assigned to them.")
def open_case(request: HttpRequest, slug: str, payload: CaseIn):
    programme = programme_for(request, slug, "mediate")
    match = None
    if payload.match_id is not None:
        match = access.matches_visible(request.user, matches_of_programme(
            programme=programme)).filter(pk=payload.match_id).first()
        if match is None:
            raise refused(ValidationError({"match_id": _("No such match.")}),
                          body_fields(CaseIn))
    case = apply(lambda: services.case_open(
        programme=programme, kind=payload.kind, summary=payload.summary,
        opened_by=OpenedBy.STAFF, by=request.user, match=match), CaseIn,
        {"match": "match_id"})
    return Status(201, _listed(selectors.case_by_pk(pk=case.pk)).get())


@router.get("/cases/{case_id}", response={200: CaseDetail, **ERRORS},
            operation_id="get_case",
            summary="One case with what it says, its notes and callbacks (audited)")
def get_case(request: HttpRequest, case_id: int):
    return _read(request, _case(request, case_id))


@router.post("/cases/{case_id}/notes", response={201: NoteOut, **ERRORS, **CONFLICT},
             operation_id="add_case_note",
             summary="Add a note, an action or a logged phone call to a case")
def add_case_note(request: HttpRequest, case_id: int, payload: NoteIn):
    case = _case(request, case_id)
    note = apply(lambda: services.case_add_note(case=case, by=request.user,
                                                 **payload.dict()), NoteIn)
    return Status(201, note)


@router.put("/cases/{case_id}/assignee", response={200: CaseDetail, **ERRORS, **CONFLICT},
            operation_id="assign_case",
            summary="Give a case to a mediator or coordinator (a safeguarding case: to a "
                    "coordinator)")
def assign_case(request: HttpRequest, case_id: int, payload: AssignIn):
    case = _case(request, case_id, "manage_matches")
    mediator = None
    if payload.assigned_to_id is not None:
        mediator = active_user(pk=payload.assigned_to_id)
        if mediator is None:
            raise refused(ValidationError({"assigned_to_id": _(
                "Choose a mediator or coordinator of this programme.")}), body_fields(AssignIn))
    apply(lambda: services.case_assign(case=case, mediator=mediator, by=request.user),
           AssignIn, {"assigned_to": "assigned_to_id"})
    return _read(request, _case(request, case.pk))


@router.post("/cases/{case_id}/resolve", response={200: CaseDetail, **ERRORS, **CONFLICT},
             operation_id="resolve_case",
             summary="Close a case with what was agreed; open callbacks are cancelled")
def resolve_case(request: HttpRequest, case_id: int, payload: ResolveIn):
    case = _case(request, case_id)
    apply(lambda: services.case_resolve(case=case, resolution=payload.resolution,
                                         by=request.user), ResolveIn)
    return _read(request, _case(request, case.pk))


@router.post("/cases/{case_id}/callbacks/{callback_id}/done",
             response={200: NoteOut, **ERRORS, **CONFLICT}, operation_id="complete_callback",
             summary="The household was called back: the call is logged on the case")
def complete_callback(request: HttpRequest, case_id: int, callback_id: int,
                      payload: CallbackDoneIn):
    case = _case(request, case_id)
    callback = case.callbacks.filter(pk=access.as_pk(callback_id)).first()
    if callback is None:
        raise Http404
    return apply(lambda: services.callback_done(callback=callback, by=request.user,
                                                 **payload.dict()), CallbackDoneIn)
