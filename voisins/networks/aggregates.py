"""What a programme of this instance publishes to its networks: its aggregate figures, one
calendar month at a time (`schema.Aggregates`), computed from its records with a handful
of grouped queries whatever the number of months.

The figures follow the programme's own dashboard (`voisins.evaluation.selectors`) so that
a year of monthly publications adds up to the dashboard's figures for that year:

- matches started and ended in the month are the dashboard's `started`/`ended` (by
  `started_on`/`ended_on`), read as on `measured_on` (a match that starts or ends after
  it has not yet, for the figures measured then);
- the life table of the month's cohort is `match_spells` in whole months of 30.4375 days;
- outcomes pair each child's follow-up answer with the same child's start answer, as
  `survey_results` does, and keep the sums;
- the funnel counts what `recruitment_funnel` counts (visits, confirmed sign-ups, and
  how far those households went since: the same status thresholds);
- hours are `volunteer_hours`, kept to two decimals (`rounding.round_half_up`, the one
  rounding rule; pages show them whole through `rounding.hours`).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Sum
from django.utils import timezone

from voisins import rounding
from voisins.evaluation.models import SurveyAnswer
from voisins.evaluation.questions import Wave
from voisins.households.models import StatusChange
from voisins.matches.models import Activity, Match, Side
from voisins.programmes.models import Programme
from voisins.recruitment.models import Visit, VolunteerOrigin
from voisins.recruitment.selectors import STAGE_OF

from . import services
from .models import ClosedPeriod, NetworkMember
from .schema import (
    INDICATORS,
    MAX_DURATION_MONTHS,
    SCHEMA_VERSION,
    WAVES,
    Aggregates,
)

Month = tuple[int, int]  # (year, month)
# The funnel's later steps and the first step of the pipeline each needs (as the
# programme's dashboard: voisins.evaluation.selectors.recruitment_funnel).
FUNNEL_STEPS = (("screened", 2), ("trained", 3), ("matched", 4))
CENTS = 2


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def months_between(first: date, last: date) -> list[date]:
    """The first days of every month from `first`'s to `last`'s, both included."""
    out, current = [], month_start(first)
    while current <= last:
        out.append(current)
        current = month_end(current) + timedelta(days=1)
    return out


def duration_month(days: int) -> int:
    """Whole months of 30.4375 days (= 487/16) in `days`, in integer arithmetic."""
    return min(max(days, 0) * 16 // 487, MAX_DURATION_MONTHS)


def _key(day: date) -> Month:
    return (day.year, day.month)


def _local_key(moment: datetime) -> Month:
    return _key(timezone.localdate(moment))


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _life_table(spells: Iterable[tuple[int, bool, int]]) -> list[dict]:
    """(duration month, ended, how many) → rows: at risk, ended, censored per month."""
    per: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for months, ended, n in spells:
        per[months][0 if ended else 1] += n
    rows, at_risk = [], sum(e + c for e, c in per.values())
    for months in sorted(per):
        ended, censored = per[months]
        rows.append({"month": months, "at_risk": at_risk, "ended": ended,
                     "censored": censored})
        at_risk -= ended + censored
    return rows


def _matches(programme: Programme, measured_on: date, keys: set[Month]):
    """Started, ended, active at the end of each month of `keys`, and each month's cohort
    as spells: one grouped query (how many matches per start and end date)."""
    started: Counter[Month] = Counter()
    ended: Counter[Month] = Counter()
    gone: Counter[Month] = Counter()  # for "active": an end never before the start
    cohorts: dict[Month, Counter] = defaultdict(Counter)
    rows = (Match.objects.filter(programme=programme, started_on__lte=measured_on)
            .order_by().values_list("started_on", "ended_on").annotate(n=Count("id")))
    for started_on, ended_on, n in rows.iterator(chunk_size=10_000):
        if ended_on is not None and ended_on > measured_on:
            ended_on = None  # not yet ended, as on measured_on
        start_key = _key(started_on)
        started[start_key] += n
        if ended_on is not None:
            ended[_key(ended_on)] += n
            gone[_key(max(ended_on, started_on))] += n
        if start_key in keys:
            days = ((ended_on or measured_on) - started_on).days
            cohorts[start_key][(duration_month(days), ended_on is not None)] += n
    # Active at a month's end: started by then, minus ended by then (prefix sums).
    order = sorted(set(started) | set(gone))
    running, prefix = 0, []
    for key in order:
        running += started[key] - gone[key]
        prefix.append(running)

    def active(key: Month) -> int:
        i = bisect_right(order, key)
        return prefix[i - 1] if i else 0

    return started, ended, active, cohorts


def _outcomes(programme: Programme, first: date, last: date) -> dict[Month, dict]:
    """Per month: per (indicator, wave), children paired with their start answer, the
    sums of both answers and how many went up (survey_results' pairing)."""
    follow = SurveyAnswer.objects.filter(
        response__programme=programme, response__wave__in=list(WAVES),
        response__child__isnull=False, response__answered_at__gte=_midnight(first),
        response__answered_at__lt=_midnight(last + timedelta(days=1)),
    ).values_list("response__answered_at", "response__wave", "response__match_id",
                  "response__child_id", "indicator", "value")
    follow = list(follow)
    if not follow:
        return {}
    start: dict[tuple[int, int, str], int] = {}
    for match_id, child_id, indicator, value in SurveyAnswer.objects.filter(
            response__programme=programme, response__wave=Wave.START,
            response__child__isnull=False,
            response__match_id__in={row[2] for row in follow}).values_list(
            "response__match_id", "response__child_id", "indicator", "value"):
        start[(match_id, child_id, indicator)] = value
    cells: dict[Month, dict[tuple[str, str], list]] = defaultdict(dict)
    for answered_at, wave, match_id, child_id, indicator, value in follow:
        before = start.get((match_id, child_id, indicator))
        if before is None or indicator not in INDICATORS:
            continue
        cell = cells[_local_key(answered_at)].setdefault((indicator, wave), [0, 0, 0, 0])
        cell[0] += 1
        cell[1] += before
        cell[2] += value
        cell[3] += value > before
    return cells


def _funnel(programme: Programme, first: date, last: date) -> dict[Month, dict[str, int]]:
    """Per month: visits, confirmed sign-ups, and how many of those reached each later
    step since (recruitment_funnel's definitions, grouped by month)."""
    since, until = _midnight(first), _midnight(last + timedelta(days=1))
    funnel: dict[Month, Counter] = defaultdict(Counter)
    for (visited_at,) in Visit.objects.filter(
            programme=programme, visited_at__gte=since, visited_at__lt=until
    ).order_by().values_list("visited_at").iterator(chunk_size=10_000):
        funnel[_local_key(visited_at)]["visited"] += 1
    reached = {}
    for stage, threshold in FUNNEL_STEPS:
        statuses = [status for status, step in STAGE_OF.items() if step >= threshold]
        reached[stage] = Exists(StatusChange.objects.filter(
            volunteer_id=OuterRef("volunteer_id"), to_status__in=statuses))
    for created_at, *steps in VolunteerOrigin.objects.filter(
            volunteer__programme=programme, volunteer__created_at__gte=since,
            volunteer__created_at__lt=until).order_by().annotate(**reached).values_list(
            "volunteer__created_at", *reached):
        row = funnel[_local_key(created_at)]
        row["signed_up"] += 1
        for stage, went in zip(reached, steps, strict=True):
            row[stage] += bool(went)
    return funnel


def _hours(programme: Programme, first: date, last: date) -> dict[Month, Decimal]:
    """Per month: the hours volunteer households noted (volunteer_hours, grouped)."""
    hours: dict[Month, Decimal] = defaultdict(Decimal)
    # A join from the programme's matches (its index), not the dashboard's EXISTS: over
    # the whole history, EXISTS probes every activity of every programme in the span.
    for done_on, total in Activity.objects.filter(
            match__programme=programme,
            side=Side.VOLUNTEER, done_on__gte=first, done_on__lte=last,
            hours__isnull=False).order_by().values_list("done_on").annotate(
            total=Sum("hours")):
        hours[_key(done_on)] += Decimal(total or 0)
    return hours


def programme_months(*, programme: Programme, months: Sequence[date],
                     measured_on: date) -> list[Aggregates]:
    """The aggregate figures of `programme` for each calendar month of `months` (any day
    of each month), measured as on `measured_on`, in the order given.

    Six grouped queries whatever the number of months (matches by start and end date,
    survey answers, visits, sign-ups with their furthest step, hours by day).
    """
    if not months:
        return []
    firsts = [month_start(m) for m in months]
    first, last = min(firsts), month_end(max(firsts))
    keys = {_key(m) for m in firsts}
    started, ended, active, cohorts = _matches(programme, measured_on, keys)
    outcomes = _outcomes(programme, first, last)
    funnel = _funnel(programme, first, last)
    hours = _hours(programme, first, last)
    out = []
    for start in firsts:
        key = _key(start)
        cells = outcomes.get(key, {})
        steps = funnel.get(key, Counter())
        out.append(Aggregates.model_validate({
            "schema_version": SCHEMA_VERSION,
            "period_start": start,
            "period_end": month_end(start),
            "measured_on": max(measured_on, start),
            "town": "",
            "matches": {"started": started[key], "ended": ended[key],
                        "active_at_end": active(key)},
            "persistence": _life_table(
                (months, was_ended, n) for (months, was_ended), n in cohorts[key].items()),
            "outcomes": [
                {"indicator": indicator, "wave": wave, "children": cell[0],
                 "start_total": Decimal(cell[1]), "follow_total": Decimal(cell[2]),
                 "improved": cell[3]}
                for indicator in INDICATORS for wave in WAVES
                if (cell := cells.get((indicator, wave)))],
            "funnel": {"visited": steps["visited"], "signed_up": steps["signed_up"],
                       **{stage: steps[stage] for stage, _t in FUNNEL_STEPS}},
            "hours_given": rounding.round_half_up(hours.get(key, Decimal(0)), CENTS),
        }))
    return out


def programme_month(*, programme: Programme, month: date,
                    measured_on: date) -> Aggregates:
    """The aggregate figures of `programme` for the calendar month of `month` (any day of
    it), as on `measured_on` (see the module's docstring for each figure)."""
    return programme_months(programme=programme, months=[month],
                            measured_on=measured_on)[0]


def first_month(*, programme: Programme) -> date | None:
    """The month of the programme's first match or first confirmed sign-up."""
    candidates = []
    match = (Match.objects.filter(programme=programme).order_by("started_on")
             .values_list("started_on", flat=True).first())
    if match is not None:
        candidates.append(match)
    signed = (VolunteerOrigin.objects.filter(volunteer__programme=programme)
              .order_by("volunteer__created_at")
              .values_list("volunteer__created_at", flat=True).first())
    if signed is not None:
        candidates.append(timezone.localdate(signed))
    return month_start(min(candidates)) if candidates else None


def publish_local(*, member: NetworkMember, until: date) -> int:
    """Store a publication of `member`'s programme (a programme of this instance) for
    every month from its first match or sign-up to `until`'s month, measured as on
    `until`, skipping the periods the network closed; return how many were stored.
    A member that left, or one on another instance, publishes nothing here (0)."""
    if member.programme_id is None or member.left_at is not None:
        return 0
    first = first_month(programme=member.programme)
    if first is None or first > until:
        return 0
    months = months_between(first, until)
    closed = list(ClosedPeriod.objects.filter(
        network_id=member.network_id, period_end__gte=months[0],
        period_start__lte=month_end(months[-1])).values_list("period_start", "period_end"))
    months = [m for m in months
              if not any(s <= month_end(m) and e >= m for s, e in closed)]
    stored = 0
    for figures in programme_months(programme=member.programme, months=months,
                                    measured_on=until):
        services.publication_store(member=member, payload=figures.model_dump(mode="json"))
        stored += 1
    return stored


def local_members() -> Iterable[NetworkMember]:
    """Every current member that is a programme of this instance (for the nightly job)."""
    return (NetworkMember.objects.filter(programme__isnull=False, left_at__isnull=True)
            .select_related("programme", "network").order_by("pk"))


__all__ = ["programme_month", "programme_months", "publish_local", "first_month",
           "local_members"]
