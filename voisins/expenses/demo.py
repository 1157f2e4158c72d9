"""The demo programme's expenses and time given (issue 18), made through the real services:
the flat-rate regime, the ceilings of the current year, hours on the activities of the
live matches, and expenses recorded by households, approved and refused by the
coordinator."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from voisins.matches.models import Match
from voisins.matches.services import activity_log
from voisins.programmes.constants import Role
from voisins.programmes.models import Membership, Programme

from . import selectors, services
from .figures import PUBLISHED
from .models import Expense, Regime

WHAT = ["Bus tickets to the library", "School supplies for homework", "Coffee and cake",
        "Museum entry", "Tram to the town hall", "Printing forms"]


def expenses_demo(programme: Programme, *, seed: int = 1) -> dict[str, int]:
    """Add the programme's expenses and hours; returns how many of each were made."""
    rng = random.Random(f"expenses-{seed}")
    today = timezone.localdate()
    membership = (Membership.objects.filter(programme=programme, role=Role.COORDINATOR)
                  .select_related("user").first())
    coordinator = membership.user if membership else None
    services.expense_settings_set(programme=programme, regime=Regime.FLAT_RATE,
                                  by=coordinator)
    if selectors.ceilings_of(today.year) is None:
        # This year's published figures, or in a year past them the latest ones (marked
        # so: to be replaced by the published ones).
        year = today.year if today.year in PUBLISHED else max(PUBLISHED)
        day, whole_year, km_rate, source = PUBLISHED[year]
        services.ceiling_year_save(
            year=today.year, day_ceiling=day, year_ceiling=whole_year, km_rate=km_rate,
            source=source if year == today.year else f"demo: the figures of {year}")
    categories = list(programme.service_categories.filter(active=True)
                      .values_list("code", flat=True)) or ["together"]
    live = list(Match.objects.filter(programme=programme).exclude(status=Match.Status.ENDED)
                .select_related("volunteer", "programme").order_by("pk"))
    made = {"activities": 0, "expenses": 0, "approved": 0, "refused": 0}
    for match in live:
        start = max(match.started_on or today, today - timedelta(days=120))
        span = max((today - start).days, 0)
        for _n in range(rng.randint(1, 4)):
            activity_log(match=match, side="volunteer", category=rng.choice(categories),
                         done_on=start + timedelta(days=rng.randint(0, span)),
                         hours=Decimal(rng.choice(["1", "1.5", "2", "2.5", "3", "4"])),
                         by=match.volunteer.user)
            made["activities"] += 1
    for index, match in enumerate(live[:12]):
        household = match.volunteer
        for n in range(rng.randint(1, 3)):
            # One a fortnight apart, in this year (early in January they may share a day
            # and meet the ceiling: the service refuses those, and the demo goes on).
            day = today - timedelta(days=min(n * 15 + index, today.timetuple().tm_yday - 1))
            by_km = rng.random() < 0.3
            try:
                expense = services.expense_record(
                    household=household, spent_on=day, description=rng.choice(WHAT),
                    kind=Expense.Kind.KM if by_km else Expense.Kind.AMOUNT,
                    km=Decimal(rng.randint(4, 30)) if by_km else None,
                    amount=None if by_km else Decimal(rng.randint(300, 2500)) / 100,
                    via=rng.choice([Expense.Via.LINK, Expense.Via.PORTAL, Expense.Via.STAFF]),
                    by=coordinator)
            except ValidationError:
                continue
            made["expenses"] += 1
            if coordinator is None or (index + n) % 4 == 3:
                continue  # left for the coordinator to approve
            if (index + n) % 7 == 5:
                services.expense_refuse(expense=expense, by=coordinator,
                                        reason="Already paid back in cash")
                made["refused"] += 1
            else:
                services.expense_approve(expense=expense, by=coordinator)
                made["approved"] += 1
    return made
