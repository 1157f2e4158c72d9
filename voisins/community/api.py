"""Events through the web API: coordinators plan them, invite, change the places and
record who came; anyone invited answers their own invitations (``/me/invitations``)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from voisins import access
from voisins.api.common import (
    CONFLICT,
    ERRORS,
    MAX_ID,
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

from . import selectors, services
from .models import Event, EventKind, Invitation, Rsvp

router = Router(tags=["events"])

Kind = Literal[tuple(EventKind.values)]  # type: ignore[valid-type]
Answer = Literal[tuple(Rsvp.values)]  # type: ignore[valid-type]
Group = Literal[selectors.INVITEE_GROUPS]  # type: ignore[valid-type]


class EventOut(Schema):
    id: int
    programme: str
    kind: Kind
    title: str
    description: str
    starts_at: datetime
    ends_at: datetime
    place: str
    capacity: int | None
    invited: int
    coming: int
    waiting: int

    @staticmethod
    def resolve_programme(obj: Event) -> str:
        return obj.programme.slug


class EventFilters(Schema):
    kind: Kind | None = None
    starts_after: Moment | None = None
    starts_before: Moment | None = None


class EventIn(Schema):
    kind: Kind
    title: Text(200) = Field(min_length=1)  # type: ignore[valid-type]
    description: Text(5000) = ""  # type: ignore[valid-type]
    starts_at: Moment
    ends_at: Moment
    place: Text(300) = Field(min_length=1)  # type: ignore[valid-type]
    capacity: int | None = Field(None, ge=1, le=100_000,
                                 description="Places; null when there is no limit.")


class CapacityIn(Schema):
    capacity: int | None = Field(ge=1, le=100_000, description="null: no limit.")


class InviteIn(Schema):
    groups: list[Group] = Field(min_length=1, max_length=2)


class Invited(Schema):
    invited: int = Field(description="How many were newly invited.")


class InvitationOut(Schema):
    id: int
    user_id: int
    first_name: str
    status: Answer
    invited_at: datetime
    responded_at: datetime | None
    attended: bool | None

    @staticmethod
    def resolve_first_name(obj: Invitation) -> str:
        return obj.user.first_name if obj.user_id else obj.invitee_name


class AttendanceIn(Schema):
    attended: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(
        max_length=10_000, description="Numbers of the invitations of those who came; "
                                       "everyone else did not.")


class Attendance(Schema):
    attended: int
    invited: int


class MyEvent(Schema):
    id: int
    programme: str
    kind: str
    title: str
    description: str
    starts_at: datetime
    ends_at: datetime
    place: str


class MyInvitation(Schema):
    id: int
    status: Answer
    responded_at: datetime | None
    waiting_position: int | None = Field(description="On the waiting list: your place.")
    event: MyEvent

    @staticmethod
    def resolve_event(obj: Invitation) -> dict[str, Any]:
        event = obj.event
        return {"id": event.pk, "programme": event.programme.slug, "kind": event.kind,
                "title": event.title, "description": event.description,
                "starts_at": event.starts_at, "ends_at": event.ends_at, "place": event.place}

    @staticmethod
    def resolve_waiting_position(obj: Invitation) -> int | None:
        return obj.ahead + 1 if obj.status == Rsvp.WAITING else None


class RsvpIn(Schema):
    going: bool


def _event(request: HttpRequest, event_id: int) -> Event:
    return access.record_or_404(
        selectors.events_counted().select_related("programme"), request.user,
        "manage_events", pk=access.as_pk(event_id))



@router.get("/programmes/{slug}/events", response={200: Page[EventOut], **ERRORS},
            operation_id="list_events", summary="List the events of a programme")
def list_events(request: HttpRequest, slug: str, filters: Query[EventFilters],
                paging: Query[PageQuery]):
    programme = programme_for(request, slug, "manage_events")
    queryset = selectors.events_of_programme(programme).select_related("programme")
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.starts_after:
        queryset = queryset.filter(starts_at__gte=filters.starts_after)
    if filters.starts_before:
        queryset = queryset.filter(starts_at__lt=filters.starts_before)
    return paginate(queryset.order_by("-starts_at", "-id"), paging)


@router.post("/programmes/{slug}/events", response={201: EventOut, **ERRORS},
             operation_id="create_event", summary="Plan an event")
def create_event(request: HttpRequest, slug: str, payload: EventIn):
    programme = programme_for(request, slug, "manage_events")
    event = apply(lambda: services.event_create(programme=programme, by=request.user,
                                                 **payload.dict()), EventIn)
    return Status(201, _event(request, event.pk))


@router.get("/events/{event_id}", response={200: EventOut, **ERRORS},
            operation_id="get_event", summary="One event and how many are coming")
def get_event(request: HttpRequest, event_id: int):
    return _event(request, event_id)


@router.put("/events/{event_id}/capacity", response={200: EventOut, **ERRORS},
            operation_id="update_event_capacity",
            summary="Change the number of places; added places go to the waiting list")
def update_event_capacity(request: HttpRequest, event_id: int, payload: CapacityIn):
    event = _event(request, event_id)
    apply(lambda: services.event_update_capacity(event=event, capacity=payload.capacity),
           CapacityIn)
    return _event(request, event.pk)


@router.get("/events/{event_id}/invitations", response={200: Page[InvitationOut], **ERRORS},
            operation_id="list_event_invitations",
            summary="Who is invited, their answer and whether they came")
def list_event_invitations(request: HttpRequest, event_id: int, paging: Query[PageQuery]):
    event = _event(request, event_id)
    return paginate(event.invitations.select_related("user").order_by("status", "responded_at",
                                                                      "id"), paging)


@router.post("/events/{event_id}/invitations", response={200: Invited, **ERRORS},
             operation_id="invite_to_event",
             summary="Invite the programme's screened volunteers and/or its staff",
             description="Someone already invited keeps their answer; newcomers get an "
                         "e-mail.")
def invite_to_event(request: HttpRequest, event_id: int, payload: InviteIn):
    event = _event(request, event_id)
    groups = list(payload.groups)
    volunteers, families = selectors.invited_households(event.programme, groups)
    count = services.invitations_send(
        event=event, users=selectors.invitees(event.programme, groups),
        volunteers=volunteers, families=families, by=request.user,
        answer_url=request.build_absolute_uri(reverse("community:invitations")))
    return {"invited": count}


@router.put("/events/{event_id}/attendance", response={200: Attendance, **ERRORS},
            operation_id="record_event_attendance", summary="Record who came")
def record_event_attendance(request: HttpRequest, event_id: int, payload: AttendanceIn):
    event = _event(request, event_id)
    attended = set(payload.attended)
    known = set(event.invitations.values_list("pk", flat=True))
    if attended - known:
        raise refused(ValidationError({"attended": _("Give invitation numbers of this event.")}),
                      body_fields(AttendanceIn))
    services.attendance_record(event=event, attended=attended)
    return {"attended": len(attended), "invited": len(known)}


# --- Anyone invited ----------------------------------------------------------------------

def _mine(request: HttpRequest) -> Any:
    return selectors.invitations_with_places(user=request.user)


@router.get("/me/invitations", response={200: Page[MyInvitation], **ERRORS},
            operation_id="list_my_invitations",
            summary="Your invitations to events to come, with your answer")
def list_my_invitations(request: HttpRequest, paging: Query[PageQuery]):
    return paginate(_mine(request), paging)


@router.post("/me/invitations/{invitation_id}/answer",
             response={200: MyInvitation, **ERRORS, **CONFLICT},
             operation_id="answer_my_invitation", summary="Say whether you come",
             description="Beyond the event's places you go on its waiting list and move up "
                         "when someone cancels.")
def answer_my_invitation(request: HttpRequest, invitation_id: int, payload: RsvpIn):
    invitation = access.own_invitation_or_404(request.user, invitation_id)
    apply(lambda: services.invitation_respond(invitation=invitation, going=payload.going))
    return access.own_invitation_or_404(request.user, invitation.pk, _mine(request))
