"""Reads of the expenses app: totals under the ceilings, lists, the yearly statement and
the accountant's rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum

from voisins.households.models import VolunteerHousehold
from voisins.matches.models import Activity
from voisins.programmes.models import Programme

from .models import CeilingYear, ClosedYear, Expense, ExpenseSettings, Regime

ZERO = Decimal("0.00")


def regime_of(programme: Programme) -> str:
    """The programme's regime; the flat rate until a coordinator chooses."""
    settings = ExpenseSettings.objects.filter(programme=programme).first()
    return settings.regime if settings else Regime.FLAT_RATE


def other_regime_used(*, household: VolunteerHousehold, year: int, regime: str) -> str:
    """The other regime, when `household` has expenses (not refused) under it in `year`."""
    other = (Expense.objects.filter(household=household, spent_on__year=year)
             .exclude(status=Expense.Status.REFUSED).exclude(regime=regime)
             .values_list("regime", flat=True).first())
    return other or ""


@dataclass(frozen=True)
class Totals:
    day: Decimal  # amounts (not km) of the day, not refused
    year: Decimal  # amounts (not km) of the year, not refused
    km: Decimal  # km of the year, not refused


def totals(*, household: VolunteerHousehold, year: int, day: date) -> Totals:
    """What counts against the flat rate's ceilings: every expense not refused (recorded
    or approved), transport by the km apart (it has its own yearly limit)."""
    live = (Expense.objects.filter(household=household, spent_on__year=year)
            .exclude(status=Expense.Status.REFUSED))
    amounts = Q(kind=Expense.Kind.AMOUNT)
    figures = live.aggregate(
        year=Sum("amount", filter=amounts),
        day=Sum("amount", filter=amounts & Q(spent_on=day)),
        km=Sum("km", filter=Q(kind=Expense.Kind.KM)))
    return Totals(day=figures["day"] or ZERO, year=figures["year"] or ZERO,
                  km=figures["km"] or Decimal("0.0"))


def household_expenses(household: VolunteerHousehold) -> QuerySet[Expense]:
    """A household's expenses, newest first (what its own page lists)."""
    return (Expense.objects.filter(household=household)
            .select_related("activity").order_by("-spent_on", "-id"))


def household_activities(household: VolunteerHousehold) -> QuerySet[Activity]:
    """The activities of the household's matches, to link an expense to (newest first)."""
    return Activity.objects.filter(match__volunteer=household).order_by("-done_on", "-id")[:30]


def expense_queryset() -> QuerySet[Expense]:
    """Every expense, for access.expense_or_404 to narrow to the user's programmes."""
    return Expense.objects.select_related("programme")


def expenses_of(programme: Programme) -> QuerySet[Expense]:
    """Every expense of `programme` (to look one up by id)."""
    return Expense.objects.filter(programme=programme).select_related("programme")


def volunteer_households(programme: Programme) -> QuerySet[VolunteerHousehold]:
    """The programme's volunteer households, to record an expense for one."""
    return VolunteerHousehold.objects.filter(programme=programme).order_by(
        "contact_first_name", "pk")


def household_activity(household: VolunteerHousehold, pk: int) -> Activity | None:
    """One activity of the household's matches, or None."""
    return Activity.objects.filter(match__volunteer=household, pk=pk).first()


def programme_expenses(programme: Programme, *, status: str = "", year: int | None = None
                       ) -> QuerySet[Expense]:
    """The programme's expenses (all households), for the coordinators' list."""
    queryset = (Expense.objects.filter(programme=programme)
                .select_related("household", "recorded_by", "decided_by")
                .order_by("status", "-spent_on", "-id"))
    if status:
        queryset = queryset.filter(status=status)
    if year:
        queryset = queryset.filter(spent_on__year=year)
    return queryset


def expense_years(programme: Programme) -> list[int]:
    """The years in which the programme has expenses, newest first."""
    years = Expense.objects.filter(programme=programme).dates("spent_on", "year", order="DESC")
    return [d.year for d in years]


def closed_years(programme: Programme) -> list[int]:
    return list(ClosedYear.objects.filter(programme=programme).values_list("year", flat=True))


def ceilings_of(year: int) -> CeilingYear | None:
    return CeilingYear.objects.filter(year=year).first()


def all_ceilings() -> QuerySet[CeilingYear]:
    return CeilingYear.objects.order_by("-year")


@dataclass
class Statement:
    """A volunteer household's yearly statement: its approved expenses and the totals."""

    programme: Programme
    household: VolunteerHousehold
    year: int
    regime: str
    ceilings: CeilingYear | None
    expenses: list[Expense] = field(default_factory=list)
    amounts: Decimal = ZERO
    transport: Decimal = ZERO
    km: Decimal = Decimal("0.0")

    @property
    def total(self) -> Decimal:
        return self.amounts + self.transport

    @property
    def regime_label(self) -> str:
        return str(Regime(self.regime).label)


def statement(household: VolunteerHousehold, year: int) -> Statement:
    """The statement of `household` for `year`: approved expenses only."""
    expenses = list(Expense.objects.filter(household=household, spent_on__year=year,
                                           status=Expense.Status.APPROVED)
                    .order_by("spent_on", "id"))
    regime = expenses[0].regime if expenses else regime_of(household.programme)
    result = Statement(programme=household.programme, household=household, year=year,
                       regime=regime, ceilings=ceilings_of(year), expenses=expenses)
    for expense in expenses:
        if expense.kind == Expense.Kind.KM:
            result.transport += expense.amount
            result.km += expense.km or 0
        else:
            result.amounts += expense.amount
    return result


def accountant_rows(programme: Programme, year: int) -> QuerySet[Expense]:
    """Every approved expense of `programme` in `year`, for the accountant's export."""
    return (Expense.objects.filter(programme=programme, spent_on__year=year,
                                   status=Expense.Status.APPROVED)
            .select_related("household", "decided_by").order_by("spent_on", "id"))
