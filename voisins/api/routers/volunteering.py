"""The volunteers' information note and insurance (voisins.volunteering) through the web
API: coordinators publish versions, record acknowledgements on paper and policies;
mediators and viewers read; a volunteer household reads and acknowledges its own note
(``/me/…``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from voisins import access
from voisins.apibase import (
    CONFLICT,
    ERRORS,
    MAX_ID,
    Page,
    PageQuery,
    Text,
    apply,
    body_fields,
    paginate,
    programme_for,
    refused,
)
from voisins.households.selectors import volunteer_households
from voisins.volunteering import selectors, services
from voisins.volunteering.models import (
    Channel,
    Cover,
    ExpensesRegime,
    InformationNote,
    LegalStatus,
)
from voisins.volunteering.texts import note_text

router = Router(tags=["volunteering"])

Status_ = Literal[tuple(LegalStatus.values)]  # type: ignore[valid-type]
Regime = Literal[tuple(ExpensesRegime.values)]  # type: ignore[valid-type]
CoverCode = Literal[tuple(Cover.values)]  # type: ignore[valid-type]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class InformationNoteOut(Schema):
    id: int
    programme: str
    version: int
    published_at: datetime
    legal_status: Status_
    organisation_name: str
    enterprise_number: str
    aim: str
    responsible_persons: str
    employs_staff: bool
    expenses_regime: Regime
    discretion: bool
    contact: str
    texts: dict[str, str] = Field(description="The stored text per language; "
                                              "`{insurance}` marks where the policies in "
                                              "force are shown.")

    @staticmethod
    def resolve_programme(obj: InformationNote) -> str:
        return obj.programme.slug


class InformationNoteIn(Schema):
    legal_status: Status_
    organisation_name: Text(200) = Field(min_length=1)  # type: ignore[valid-type]
    aim: Text(2000) = Field(min_length=1)  # type: ignore[valid-type]
    expenses_regime: Regime
    enterprise_number: Text(20) = ""  # type: ignore[valid-type]
    responsible_persons: Text(300) = ""  # type: ignore[valid-type]
    employs_staff: bool = False
    discretion: bool = True
    contact: Text(300) = ""  # type: ignore[valid-type]


class NotAcknowledgedOut(Schema):
    id: int
    first_name: str
    last_name: str
    status: str
    received: bool

    @staticmethod
    def resolve_first_name(obj) -> str:
        return obj.contact_first_name

    @staticmethod
    def resolve_last_name(obj) -> str:
        return obj.contact_last_name


class NoteAcknowledgementOut(Schema):
    id: int
    note_id: int
    version: int
    volunteer_id: int
    received_at: datetime
    acknowledged_at: datetime | None
    channel: str

    @staticmethod
    def resolve_version(obj) -> int:
        return obj.note.version


class PaperAcknowledgementIn(Schema):
    volunteer_id: Id
    acknowledged_on: date


class InsurancePolicyOut(Schema):
    id: int
    insurer: str
    policy_number: str
    covers: list[str]
    covers_other: str
    valid_from: date
    valid_to: date | None
    covers_all: bool
    household_ids: list[int]
    in_force: bool

    @staticmethod
    def resolve_household_ids(obj) -> list[int]:
        return [] if obj.covers_all else [h.pk for h in obj.households.all()]

    @staticmethod
    def resolve_in_force(obj) -> bool:
        return obj.in_force_on(timezone.localdate())


class InsurancePolicyIn(Schema):
    insurer: Text(200) = Field(min_length=1)  # type: ignore[valid-type]
    policy_number: Text(100) = Field(min_length=1)  # type: ignore[valid-type]
    covers: list[CoverCode] = Field(min_length=1, max_length=4)
    covers_other: Text(300) = ""  # type: ignore[valid-type]
    valid_from: date
    valid_to: date | None = None
    covers_all: bool = True
    household_ids: list[Id] = Field(default_factory=list, max_length=10_000)


class MyInformationNote(Schema):
    note_id: int | None
    version: int | None
    language: str
    text: str
    received_at: datetime | None
    acknowledged_at: datetime | None


class AcknowledgeNoteIn(Schema):
    note_id: Id


def _note(request: HttpRequest, note_id: int, action: str) -> InformationNote:
    return access.record_or_404(selectors.notes_with_programme(), request.user, action,
                                pk=access.as_pk(note_id))


@router.get("/programmes/{slug}/information-notes",
            response={200: Page[InformationNoteOut], **ERRORS},
            operation_id="list_information_notes",
            summary="The versions of the volunteers' information note, newest first")
def list_information_notes(request: HttpRequest, slug: str, paging: Query[PageQuery]):
    programme = programme_for(request, slug, "view_volunteering")
    return paginate(selectors.notes_of(programme).select_related("programme"), paging)


@router.post("/programmes/{slug}/information-notes",
             response={201: InformationNoteOut, **ERRORS, **CONFLICT},
             operation_id="publish_information_note",
             summary="Publish a new version of the note (it supersedes the one in force)",
             description="Written from the template of the legal status in every language "
                         "of the volunteers' pages; every household is asked to "
                         "acknowledge it.")
def publish_information_note(request: HttpRequest, slug: str, payload: InformationNoteIn):
    programme = programme_for(request, slug, "manage_volunteering")
    note = apply(lambda: services.information_note_publish(
        programme=programme, by=request.user, **payload.dict()), InformationNoteIn)
    return Status(201, note)


@router.get("/information-notes/{note_id}", response={200: InformationNoteOut, **ERRORS},
            operation_id="get_information_note", summary="One version of the note")
def get_information_note(request: HttpRequest, note_id: int):
    return _note(request, note_id, "view_volunteering")


@router.get("/programmes/{slug}/information-notes/not-acknowledged",
            response={200: Page[NotAcknowledgedOut], **ERRORS},
            operation_id="list_households_not_acknowledged",
            summary="Active volunteer households that have not acknowledged the current "
                    "version")
def list_households_not_acknowledged(request: HttpRequest, slug: str,
                                     paging: Query[PageQuery]):
    programme = programme_for(request, slug, "manage_volunteering")
    return paginate(selectors.unacknowledged(programme), paging)


@router.get("/information-notes/{note_id}/acknowledgements",
            response={200: Page[NoteAcknowledgementOut], **ERRORS},
            operation_id="list_note_acknowledgements",
            summary="Who acknowledged a version, when and how")
def list_note_acknowledgements(request: HttpRequest, note_id: int, paging: Query[PageQuery]):
    note = _note(request, note_id, "manage_volunteering")
    return paginate(selectors.acknowledgements_of(note).select_related("note"), paging)


@router.post("/information-notes/{note_id}/acknowledgements",
             response={201: NoteAcknowledgementOut, **ERRORS, **CONFLICT},
             operation_id="record_paper_acknowledgement",
             summary="Record that a household signed the note on paper",
             description="Refused (422, naming the field) for a superseded version, twice "
                         "for one version, or a day in the future.")
def record_paper_acknowledgement(request: HttpRequest, note_id: int,
                                 payload: PaperAcknowledgementIn):
    note = _note(request, note_id, "manage_volunteering")
    volunteer = selectors.expected_households(note.programme).filter(
        pk=payload.volunteer_id).first()
    if volunteer is None:
        raise HttpError(404, _("Not found."))
    ack = apply(lambda: services.note_acknowledge(
        note=note, volunteer=volunteer, channel=Channel.PAPER, by=request.user,
        acknowledged_on=payload.acknowledged_on), PaperAcknowledgementIn, {"note": "note_id"})
    return Status(201, ack)


@router.get("/programmes/{slug}/insurance-policies",
            response={200: Page[InsurancePolicyOut], **ERRORS},
            operation_id="list_insurance_policies",
            summary="The programme's insurance policies for its volunteers")
def list_insurance_policies(request: HttpRequest, slug: str, paging: Query[PageQuery]):
    programme = programme_for(request, slug, "view_volunteering")
    return paginate(selectors.policies_of(programme), paging)


@router.post("/programmes/{slug}/insurance-policies",
             response={201: InsurancePolicyOut, **ERRORS, **CONFLICT},
             operation_id="create_insurance_policy", summary="Record an insurance policy")
def create_insurance_policy(request: HttpRequest, slug: str, payload: InsurancePolicyIn):
    programme = programme_for(request, slug, "manage_volunteering")
    data = payload.dict()
    ids = set(data.pop("household_ids"))
    households = list(selectors.expected_households(programme).filter(pk__in=ids))
    if len(households) != len(ids):
        raise refused(ValidationError({"household_ids": _(
            "Choose households of this programme.")}), body_fields(InsurancePolicyIn))
    policy = apply(lambda: services.insurance_policy_create(
        programme=programme, households=households, **data), InsurancePolicyIn,
        {"households": "household_ids"})
    return Status(201, policy)


@router.get("/me/information-note", response={200: MyInformationNote, **ERRORS},
            operation_id="get_my_information_note",
            summary="The information note in force for your household, in your language")
def get_my_information_note(request: HttpRequest):
    volunteer = access.volunteer_household_or_404(request.user, volunteer_households())
    note = selectors.current_note(volunteer.programme_id)
    language = translation.get_language()
    if note is None:
        return {"note_id": None, "version": None, "language": language, "text": "",
                "received_at": None, "acknowledged_at": None}
    ack = selectors.acknowledgement_of(note, volunteer) or services.note_receive(
        note=note, volunteer=volunteer, channel=Channel.API)
    text, language = note_text(note, language, selectors.policies_for_household(volunteer))
    return {"note_id": note.pk, "version": note.version, "language": language, "text": text,
            "received_at": ack.received_at, "acknowledged_at": ack.acknowledged_at}


@router.post("/me/information-note/acknowledge",
             response={200: NoteAcknowledgementOut, **ERRORS, **CONFLICT},
             operation_id="acknowledge_my_information_note",
             summary="Your household says it read the note",
             description="Only the version in force: a superseded one is refused (422 "
                         "naming note_id), as is a second acknowledgement.")
def acknowledge_my_information_note(request: HttpRequest, payload: AcknowledgeNoteIn):
    volunteer = access.volunteer_household_or_404(request.user, volunteer_households())
    note = selectors.note_of_programme(volunteer.programme, payload.note_id)
    if note is None:
        raise HttpError(404, _("Not found."))
    return apply(lambda: services.note_acknowledge(note=note, volunteer=volunteer,
                                                    channel=Channel.API),
                 AcknowledgeNoteIn, {"note": "note_id"})
