"""Volunteers' expenses and time given through the web API (issue 18).

A volunteer household's own account (``/me/…``) records its expenses and reads them and
its hours; coordinators list a programme's expenses, record one for a household, approve
or refuse, and read the hours per household. The same services as the pages: the same
refusals, naming the field (422), or the record's state (409). Amounts are decimal
strings ("12.50"), never floats.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from voisins import access
from voisins.apibase import (
    CONFLICT,
    ERRORS,
    MAX_ID,
    ApiValidationError,
    Page,
    PageQuery,
    Text,
    apply,
    paginate,
    programme_for,
)
from voisins.audit.services import audit_read
from voisins.expenses import selectors, services
from voisins.expenses.models import Expense
from voisins.households.selectors import volunteer_households
from voisins.matches.selectors import volunteer_hours_by_household, volunteer_hours_of

router = Router(tags=["expenses and time given"])

Kind = Literal[tuple(Expense.Kind.values)]  # type: ignore[valid-type]
StatusFilter = Literal[("", *Expense.Status.values)]  # type: ignore[valid-type]


class ExpenseIn(Schema):
    spent_on: date
    kind: Kind = "amount"
    description: Text(200) = ""  # type: ignore[valid-type]
    amount: Decimal | None = Field(None, gt=0, max_digits=9, decimal_places=2)
    km: Decimal | None = Field(None, gt=0, max_digits=7, decimal_places=1)
    activity_id: int | None = Field(None, ge=1, le=MAX_ID)
    confirm: bool = Field(False, description="Record it even when a total comes near a "
                                             "ceiling (the answer 409 lists the warnings).")


class StaffExpenseIn(ExpenseIn):
    household_id: int = Field(ge=1, le=MAX_ID)


class ExpenseOut(Schema):
    id: int
    household_id: int
    spent_on: date
    kind: str
    description: str
    activity_id: int | None
    km: Decimal | None
    km_rate: Decimal | None
    amount: Decimal
    regime: str
    status: str
    refusal_reason: str
    recorded_via: str
    recorded_at: datetime
    decided_at: datetime | None


class RefuseIn(Schema):
    reason: Text(300)  # type: ignore[valid-type]


class ExpenseFilters(Schema):
    status: StatusFilter = ""
    year: int | None = Field(None, ge=2005, le=2100)


class HoursOut(Schema):
    hours_given: Decimal


class HouseholdHours(Schema):
    household_id: int
    hours_given: Decimal


class ProgrammeHoursOut(Schema):
    hours_given: Decimal
    households: list[HouseholdHours]


def _record(payload: ExpenseIn, household, via: str, by) -> Expense:
    activity = None
    if payload.activity_id is not None:
        activity = selectors.household_activity(household, payload.activity_id)
        if activity is None:
            raise ApiValidationError([{"loc": ["body", "payload", "activity_id"],
                                       "msg": _("Choose one of your own activities."),
                                       "type": "value_error"}])
    arguments = {"spent_on": payload.spent_on, "kind": payload.kind,
                 "amount": payload.amount if payload.kind == "amount" else None,
                 "km": payload.km if payload.kind == "km" else None, "activity": activity}
    checked = apply(lambda: services.expense_check(household=household, **arguments),
                    type(payload))
    if checked.warnings and not payload.confirm:
        raise HttpError(409, " ".join([*checked.warnings, _("Send confirm: true to record "
                                                             "it anyway.")]))
    return apply(lambda: services.expense_record(household=household, via=via, by=by,
                                                 description=payload.description,
                                                 **arguments), type(payload))


@router.get("/me/expenses", response={200: Page[ExpenseOut], **ERRORS},
            operation_id="list_my_expenses", summary="Your household's expenses")
def list_my_expenses(request: HttpRequest, paging: Query[PageQuery]):
    household = access.volunteer_household_or_404(request.user, volunteer_households())
    return paginate(selectors.household_expenses(household), paging)


@router.post("/me/expenses", response={201: ExpenseOut, **ERRORS, **CONFLICT},
             operation_id="record_my_expense", summary="Record an expense of your household")
def record_my_expense(request: HttpRequest, payload: ExpenseIn):
    household = access.volunteer_household_or_404(request.user, volunteer_households())
    return Status(201, _record(payload, household, Expense.Via.API, request.user))


@router.get("/me/hours", response={200: HoursOut, **ERRORS}, operation_id="get_my_hours",
            summary="The hours your household gave, noted on its activities")
def get_my_hours(request: HttpRequest):
    household = access.volunteer_household_or_404(request.user, volunteer_households())
    return {"hours_given": volunteer_hours_of(household)}


@router.get("/programmes/{slug}/expenses", response={200: Page[ExpenseOut], **ERRORS},
            operation_id="list_expenses", summary="A programme's volunteers' expenses")
def list_expenses(request: HttpRequest, slug: str, filters: Query[ExpenseFilters],
                  paging: Query[PageQuery]):
    programme = programme_for(request, slug, "manage_expenses")
    return paginate(selectors.programme_expenses(programme, status=filters.status,
                                                 year=filters.year), paging)


@router.post("/programmes/{slug}/expenses", response={201: ExpenseOut, **ERRORS, **CONFLICT},
             operation_id="record_expense",
             summary="Record an expense for a volunteer household of the programme")
def record_expense(request: HttpRequest, slug: str, payload: StaffExpenseIn):
    programme = programme_for(request, slug, "manage_expenses")
    household = selectors.volunteer_households(programme).filter(
        pk=payload.household_id).first()
    if household is None:
        raise HttpError(404, _("Not found."))
    return Status(201, _record(payload, household, Expense.Via.STAFF, request.user))


@router.post("/expenses/{expense_id}/approve", response={200: ExpenseOut, **ERRORS,
                                                         **CONFLICT},
             operation_id="approve_expense", summary="Approve a recorded expense")
def approve_expense(request: HttpRequest, expense_id: int):
    expense = access.expense_or_404(request.user, expense_id, selectors.expense_queryset())
    return apply(lambda: services.expense_approve(expense=expense, by=request.user))


@router.post("/expenses/{expense_id}/refuse", response={200: ExpenseOut, **ERRORS,
                                                        **CONFLICT},
             operation_id="refuse_expense", summary="Refuse a recorded expense, with a reason")
def refuse_expense(request: HttpRequest, expense_id: int, payload: RefuseIn):
    expense = access.expense_or_404(request.user, expense_id, selectors.expense_queryset())
    return apply(lambda: services.expense_refuse(expense=expense, by=request.user,
                                                 reason=payload.reason), RefuseIn)


@router.get("/programmes/{slug}/hours", response={200: ProgrammeHoursOut, **ERRORS},
            operation_id="get_hours",
            summary="Hours given by the programme's volunteer households, per household")
def get_hours(request: HttpRequest, slug: str):
    programme = programme_for(request, slug, "manage_expenses")
    rows = volunteer_hours_by_household(programme)
    audit_read(by=request, record=programme, fields=["hours_given"])
    return {"hours_given": sum((h for _pk, h in rows), Decimal(0)),
            "households": [{"household_id": pk, "hours_given": h} for pk, h in rows]}
