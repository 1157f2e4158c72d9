"""Consent through the web API: what a household agreed to, recording a new consent and
withdrawing one. Coordinators only; reading who gave a family's consent is audited."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from voisins import access
from voisins.api.common import ERRORS, Page, PageQuery, Text, body_fields, paginate, refused
from voisins.audit.services import audit_read
from voisins.households.models import FamilyHousehold, VolunteerHousehold

from . import selectors, services
from .models import Consent, ConsentPurpose

router = Router(tags=["consent"])

Purpose = Literal[tuple(ConsentPurpose.values)]  # type: ignore[valid-type]
KINDS = {"families": FamilyHousehold, "volunteers": VolunteerHousehold}


class ConsentOut(Schema):
    id: int
    purpose: Purpose
    given_at: datetime
    withdrawn_at: datetime | None
    active: bool
    notice_version: str | None
    given_by_name: str
    interpreter: str
    recorded_by_id: int | None

    @staticmethod
    def resolve_notice_version(obj: Consent) -> str | None:
        return obj.notice.version if obj.notice else None


class ConsentIn(Schema):
    purpose: Purpose
    given_by_name: Text(200) = Field("", description=(  # type: ignore[valid-type]
        "The person who agreed, when not the contact person themself."))
    interpreter: Text(200) = ""  # type: ignore[valid-type]


class ConsentFilters(Schema):
    purpose: Purpose | None = None
    active: bool | None = None


def _household(request: HttpRequest, kind: str, household_id: int, action: str) -> Any:
    return access.household_or_404(KINDS[kind], request.user, action, household_id)


def _register(kind: str) -> None:
    one = "family" if kind == "families" else "volunteer"

    @router.get(f"/{kind}/{{household_id}}/consents", response={200: Page[ConsentOut], **ERRORS},
                operation_id=f"list_{one}_consents",
                summary=f"What the {one} household agreed to (the read is audited)")
    def list_consents(request: HttpRequest, household_id: int, filters: Query[ConsentFilters],
                      paging: Query[PageQuery]):
        household = _household(request, kind, household_id, "view_households")
        queryset = household.consents.select_related("notice").order_by("-given_at", "-id")
        if filters.purpose:
            queryset = queryset.filter(purpose=filters.purpose)
        if filters.active is not None:
            queryset = queryset.filter(withdrawn_at__isnull=filters.active)
        audit_read(by=request, record=household, fields=["consents"])
        return paginate(queryset, paging)

    @router.post(f"/{kind}/{{household_id}}/consents", response={201: ConsentOut, **ERRORS},
                 operation_id=f"give_{one}_consent",
                 summary=f"Record that the {one} household agreed to a purpose",
                 description="Under the programme's current privacy notice. Agreeing again "
                             "to a purpose in force returns that consent.")
    def give_consent(request: HttpRequest, household_id: int, payload: ConsentIn):
        household = _household(request, kind, household_id, "record_consents")
        try:
            consent = services.consent_give(household=household, recorded_by=request.user,
                                            **payload.dict())
        except ValidationError as exc:
            raise refused(exc, body_fields(ConsentIn)) from None
        return Status(201, consent)


for _kind in KINDS:
    _register(_kind)


@router.post("/consents/{consent_id}/withdraw", response={200: ConsentOut, **ERRORS},
             operation_id="withdraw_consent",
             summary="Withdraw a consent from now on (withdrawing twice keeps the first date)")
def withdraw_consent(request: HttpRequest, consent_id: int):
    consent = access.record_or_404(selectors.consents_with_notice(), request.user,
                                   "record_consents", pk=access.as_pk(consent_id))
    return services.consent_withdraw(consent=consent)
