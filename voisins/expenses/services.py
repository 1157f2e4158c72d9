"""Writes of the expenses app: keyword-only, validated, all or nothing.

The rules of the law of 3 July 2005 (docs/expenses.md) are checked here, once, for the
pages, the API and the demo alike: no date in the future, no amount of zero or less, no
year the programme has closed, no second regime for a household in one year, and under the
flat rate neither ceiling (day, year) passed nor more kilometres than the law allows on
top of it. A refusal names its field, in the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from voisins.accounts.models import User
from voisins.households.models import VolunteerHousehold
from voisins.matches.models import Activity
from voisins.programmes.models import Programme

from . import selectors
from .models import CeilingYear, ClosedYear, Expense, ExpenseSettings, Regime
from .money import cents, euros, kilometres

# A warning is given before saving when a total would reach this share of its ceiling.
NEAR_CEILING = Decimal("0.90")


@dataclass(frozen=True)
class Checked:
    """What an expense would be once saved: its amount, regime and the year's figures."""

    amount: Decimal
    regime: str
    ceilings: CeilingYear | None
    km_rate: Decimal | None
    warnings: list[str]


def _closed(programme: Programme, year: int) -> bool:
    return ClosedYear.objects.filter(programme=programme, year=year).exists()


def expense_check(*, household: VolunteerHousehold, spent_on: date, kind: str,
                  amount: Decimal | None = None, km: Decimal | None = None,
                  activity: Activity | None = None) -> Checked:
    """Check an expense before it is saved; raise ValidationError naming the field, or
    return its amount and the warnings to show (a total near a ceiling)."""
    programme = household.programme
    if kind not in Expense.Kind.values:
        raise ValidationError({"kind": _("Choose an amount or transport by the km.")})
    if spent_on > timezone.localdate():
        raise ValidationError({"spent_on": _("The date cannot be in the future.")})
    if _closed(programme, spent_on.year):
        raise ValidationError({"spent_on": _(
            "The year %(year)s is closed: no expense can be recorded in it any more."
        ) % {"year": spent_on.year}})
    if activity is not None and activity.match.volunteer_id != household.pk:
        raise ValidationError({"activity": _("Choose one of your own activities.")})
    regime = selectors.regime_of(programme)
    other = selectors.other_regime_used(household=household, year=spent_on.year, regime=regime)
    if other:
        raise ValidationError({"regime": _(
            "This household already has expenses under the %(other)s regime in %(year)s: "
            "the law does not allow both regimes for one volunteer in one year."
        ) % {"other": Regime(other).label, "year": spent_on.year}})
    ceilings = CeilingYear.objects.filter(year=spent_on.year).first()
    if regime == Regime.FLAT_RATE and ceilings is None:
        raise ValidationError({"spent_on": _(
            "The ceilings of %(year)s are not set yet: ask the coordinator."
        ) % {"year": spent_on.year}})
    km_rate = None
    if kind == Expense.Kind.KM:
        if km is None or km <= 0:
            raise ValidationError({"km": _("Give a number of kilometres above zero.")})
        km_rate = ceilings.km_rate if ceilings else None
        if km_rate is None:
            raise ValidationError({"km": _(
                "No rate per km is set for %(year)s: ask the coordinator."
            ) % {"year": spent_on.year}})
        amount = cents(km * km_rate)
    elif amount is None or amount <= 0:
        raise ValidationError({"amount": _("Give an amount above zero.")})
    else:
        amount = cents(amount)
    if amount <= 0:
        raise ValidationError({"km": _("Give a number of kilometres above zero.")})
    warnings: list[str] = []
    if regime == Regime.FLAT_RATE and ceilings is not None:
        totals = selectors.totals(household=household, year=spent_on.year, day=spent_on)
        if kind == Expense.Kind.KM:
            limit = Decimal(ceilings.km_per_year)
            after = totals.km + km
            if after > limit:
                raise ValidationError({"km": _(
                    "Over the %(limit)s km a year the law allows on top of the flat rate: "
                    "%(before)s km already recorded in %(year)s."
                ) % {"limit": ceilings.km_per_year, "before": kilometres(totals.km),
                     "year": spent_on.year}})
            if after >= limit * NEAR_CEILING:
                warnings.append(_("With this trip, %(after)s of the %(limit)s km a year "
                                  "are used.") % {"after": kilometres(after),
                                                  "limit": ceilings.km_per_year})
        else:
            for total, ceiling, what in (
                    (totals.day, ceilings.day_ceiling, _("the ceiling of the day")),
                    (totals.year, ceilings.year_ceiling, _("the ceiling of the year"))):
                after = total + amount
                if after > ceiling:
                    raise ValidationError({"amount": _(
                        "Over %(what)s (%(ceiling)s €): %(total)s € already recorded, "
                        "at most %(left)s € more."
                    ) % {"what": what, "ceiling": euros(ceiling), "total": euros(total),
                         "left": euros(max(ceiling - total, Decimal(0)))}})
                if after >= ceiling * NEAR_CEILING:
                    warnings.append(_("With this expense, %(after)s € of %(what)s "
                                      "(%(ceiling)s €) are used.") % {
                        "after": euros(after), "what": what, "ceiling": euros(ceiling)})
    return Checked(amount=amount, regime=regime, ceilings=ceilings, km_rate=km_rate,
                   warnings=warnings)


def expense_record(*, household: VolunteerHousehold, spent_on: date, description: str,
                   kind: str = Expense.Kind.AMOUNT, amount: Decimal | None = None,
                   km: Decimal | None = None, activity: Activity | None = None,
                   via: str, by: User | None = None) -> Expense:
    """Record an expense of `household` (by itself through `via` "link", "portal", "api",
    or by a coordinator: "staff"). Checked under a lock on the household, so that two
    expenses recorded at once cannot pass a ceiling together."""
    description = (description or "").strip()
    if not description and activity is None:
        raise ValidationError({"description": _("Say what the expense was for.")})
    with transaction.atomic():
        VolunteerHousehold.objects.select_for_update().filter(pk=household.pk).first()
        checked = expense_check(household=household, spent_on=spent_on, kind=kind,
                                amount=amount, km=km, activity=activity)
        expense = Expense(
            programme_id=household.programme_id, household=household, spent_on=spent_on,
            regime=checked.regime, kind=kind, activity=activity,
            description=description or activity.category,  # type: ignore[union-attr]
            km=km if kind == Expense.Kind.KM else None, km_rate=checked.km_rate,
            amount=checked.amount, recorded_via=via, recorded_by=by)
        expense.full_clean()
        expense.save()
    return expense


def _decidable(expense: Expense) -> None:
    if expense.status != Expense.Status.RECORDED:
        raise ValidationError(_("This expense has already been decided."))
    if _closed(expense.programme, expense.spent_on.year):
        raise ValidationError(_("The year %(year)s is closed.") % {
            "year": expense.spent_on.year})


def expense_approve(*, expense: Expense, by: User) -> Expense:
    """Approve a recorded expense (the coordinator's decision, with who and when)."""
    with transaction.atomic():
        expense = Expense.objects.select_for_update().select_related("programme").get(
            pk=expense.pk)
        _decidable(expense)
        expense.status = Expense.Status.APPROVED
        expense.decided_by, expense.decided_at = by, timezone.now()
        expense.full_clean()
        expense.save()
    return expense


def expense_refuse(*, expense: Expense, by: User, reason: str) -> Expense:
    """Refuse a recorded expense, with the reason the household will read."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the refusal.")})
    with transaction.atomic():
        expense = Expense.objects.select_for_update().select_related("programme").get(
            pk=expense.pk)
        _decidable(expense)
        expense.status = Expense.Status.REFUSED
        expense.refusal_reason = reason[:300]
        expense.decided_by, expense.decided_at = by, timezone.now()
        expense.full_clean()
        expense.save()
    return expense


def expense_settings_set(*, programme: Programme, regime: str, by: User | None = None
                         ) -> ExpenseSettings:
    """Choose the programme's regime (it applies to expenses recorded from now on; a
    household's year stays under one regime: see expense_check)."""
    if regime not in Regime.values:
        raise ValidationError({"regime": _("Choose the flat rate or the real cost.")})
    settings, _created = ExpenseSettings.objects.get_or_create(programme=programme)
    settings.regime, settings.updated_by, settings.updated_at = regime, by, timezone.now()
    settings.full_clean()
    settings.save()
    return settings


def year_close(*, programme: Programme, year: int, by: User | None = None) -> ClosedYear:
    """Close a year of the programme's accounts: nothing is recorded or decided in it
    afterwards. A year not yet over cannot be closed."""
    if not 2005 <= year < timezone.localdate().year:
        raise ValidationError({"year": _("Only a past year can be closed.")})
    if _closed(programme, year):
        raise ValidationError({"year": _("This year is already closed.")})
    closed = ClosedYear(programme=programme, year=year, closed_by=by)
    closed.full_clean()
    closed.save()
    return closed


def ceiling_year_save(*, year: int, day_ceiling: Decimal, year_ceiling: Decimal,
                      km_rate: Decimal | None = None, km_per_year: int = 2000,
                      source: str = "") -> CeilingYear:
    """Set the published figures of a year (new each year: data, not code)."""
    ceilings = CeilingYear.objects.filter(year=year).first() or CeilingYear(year=year)
    ceilings.day_ceiling, ceilings.year_ceiling = day_ceiling, year_ceiling
    ceilings.km_rate, ceilings.km_per_year, ceilings.source = km_rate, km_per_year, source
    if day_ceiling is not None and year_ceiling is not None and year_ceiling < day_ceiling:
        raise ValidationError({"year_ceiling": _(
            "The ceiling of the year cannot be below the ceiling of a day.")})
    ceilings.full_clean()
    ceilings.save()
    return ceilings
