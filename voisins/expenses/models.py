"""Volunteers' expenses under the Belgian law of 3 July 2005 on the rights of volunteers
(docs/expenses.md): the regime of each programme, the yearly ceilings of the flat rate and
the kilometre rate (data, not code: they change every year), the expenses households
record and the coordinators approve or refuse, and the years a programme has closed.

Amounts are `DecimalField`s: never a float anywhere on their way (voisins.expenses.money).
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from voisins.households.models import VolunteerHousehold
from voisins.matches.models import Activity
from voisins.programmes.models import Programme

CENT = Decimal("0.01")


class Regime(models.TextChoices):
    # Article 10 of the law: a volunteer is paid back either a flat rate, under a daily
    # and a yearly ceiling, without receipts; or their real costs, with receipts. Never
    # both in one year (transport by the km may be added to the flat rate).
    FLAT_RATE = "flat", _("flat rate (no receipts, under the yearly ceilings)")
    REAL_COST = "real", _("real cost (with receipts)")


class CeilingYear(models.Model):
    """The figures of one calendar year, as published for Belgium (national, so not per
    programme): the flat rate's ceilings per day and per year, and the kilometre rate and
    the kilometres a year that may be paid on top of the flat rate."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True,
                                            validators=[MinValueValidator(2005),
                                                        MaxValueValidator(2100)])
    day_ceiling = models.DecimalField(_("ceiling per day (€)"), max_digits=8, decimal_places=2,
                                      validators=[MinValueValidator(CENT)])
    year_ceiling = models.DecimalField(_("ceiling per year (€)"), max_digits=9,
                                       decimal_places=2, validators=[MinValueValidator(CENT)])
    km_rate = models.DecimalField(
        _("rate per km (€)"), max_digits=6, decimal_places=4, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0.0001"))],
        help_text=_("The federal civil service's rate for a private car. Empty: no "
                    "transport by the km can be recorded this year."))
    km_per_year = models.PositiveIntegerField(
        _("km a year on top of the flat rate"), default=2000,
        help_text=_("The law allows real travel costs on top of the flat rate for at most "
                    "this many km a year."))
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("ceilings of a year")
        verbose_name_plural = _("ceilings of the years")
        constraints = [models.CheckConstraint(
            condition=Q(day_ceiling__gt=0, year_ceiling__gte=models.F("day_ceiling")),
            name="ceilings_positive")]

    def __str__(self) -> str:
        return str(self.year)


class ExpenseSettings(models.Model):
    """A programme's choice of regime (one row per programme; none yet: flat rate)."""

    programme = models.OneToOneField(Programme, on_delete=models.CASCADE,
                                     related_name="expense_settings")
    regime = models.CharField(_("regime"), max_length=5, choices=Regime.choices,
                              default=Regime.FLAT_RATE)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("expense settings")
        verbose_name_plural = _("expense settings")

    def __str__(self) -> str:
        return f"{self.programme}: {self.regime}"


class ClosedYear(models.Model):
    """A year whose accounts a programme has closed: no expense is recorded, approved or
    refused in it any more."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE,
                                  related_name="closed_expense_years")
    year = models.PositiveSmallIntegerField(_("year"))
    closed_at = models.DateTimeField(default=timezone.now)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                  null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-year"]
        verbose_name = _("closed year")
        verbose_name_plural = _("closed years")
        constraints = [models.UniqueConstraint(fields=["programme", "year"],
                                               name="closed_year_once")]

    def __str__(self) -> str:
        return f"{self.programme} {self.year}"


class Expense(models.Model):
    """An expense of a volunteer household, recorded by it (link, portal, API) or by a
    coordinator for it; approved or refused by a coordinator."""

    class Kind(models.TextChoices):
        AMOUNT = "amount", _("an amount")
        KM = "km", _("transport by the km")

    class Status(models.TextChoices):
        RECORDED = "recorded", _("recorded, to approve")
        APPROVED = "approved", _("approved")
        REFUSED = "refused", _("refused")

    class Via(models.TextChoices):
        LINK = "link", _("personal link")
        PORTAL = "portal", _("volunteer portal")
        STAFF = "staff", _("a coordinator")
        API = "api", _("the API")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="expenses")
    household = models.ForeignKey(VolunteerHousehold, on_delete=models.CASCADE,
                                  related_name="expenses")
    spent_on = models.DateField(_("date"))
    regime = models.CharField(_("regime"), max_length=5, choices=Regime.choices)
    kind = models.CharField(_("kind"), max_length=6, choices=Kind.choices, default=Kind.AMOUNT)
    activity = models.ForeignKey(Activity, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="expenses", verbose_name=_("activity"))
    description = models.CharField(_("what for"), max_length=200)
    km = models.DecimalField(_("km"), max_digits=7, decimal_places=1, null=True, blank=True)
    km_rate = models.DecimalField(_("rate per km (€)"), max_digits=6, decimal_places=4,
                                  null=True, blank=True)
    amount = models.DecimalField(_("amount (€)"), max_digits=9, decimal_places=2,
                                 validators=[MinValueValidator(CENT)])
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.RECORDED)
    refusal_reason = models.CharField(_("reason for the refusal"), max_length=300, blank=True)
    recorded_via = models.CharField(max_length=6, choices=Via.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-spent_on", "-id"]
        verbose_name = _("expense")
        verbose_name_plural = _("expenses")
        indexes = [models.Index(fields=["programme", "status", "spent_on"],
                                name="expense_programme_status"),
                   models.Index(fields=["household", "spent_on"], name="expense_household_day")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="expense_amount_positive"),
            models.CheckConstraint(
                condition=Q(kind="amount") | Q(km__gt=0, km_rate__gt=0),
                name="expense_km_with_rate"),
            models.CheckConstraint(condition=~Q(status="refused") | ~Q(refusal_reason=""),
                                   name="expense_refused_with_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.spent_on} {self.amount} €"
