"""Reads for evaluation: match persistence, survey outcomes, the dashboard's figures.

Every function takes a programme and a period and returns plain data (dataclasses, dicts)
that pages, the PDF and the XLSX all render alike. Imported history counts like native
matches: they are the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from voisins.households.geocoding import find_postcode
from voisins.households.models import (
    FamilyHousehold,
    Member,
    MemberKind,
    StatusChange,
    VolunteerHousehold,
)
from voisins.households.selectors import status_counts
from voisins.households.status import FamilyStatus
from voisins.matches.models import Activity, Match
from voisins.mediation.models import Case, CaseKind
from voisins.programmes.categories import BUILTIN_CATEGORIES
from voisins.programmes.models import Programme

from . import charts
from .models import EvaluationMeeting, MeetingFeedback, SurveyAnswer, SurveyResponse
from .questions import MIN_GROUP, Indicator, Wave, age_band
from .survival import Comparison, Curve, Milestone, Spell, compare, kaplan_meier
from .themes import Theme


@dataclass(frozen=True)
class Period:
    """Matches that started between `start` and `end` (both included; None: unbounded)."""

    start: date | None = None
    end: date | None = None

    def label(self) -> str:
        if self.start and self.end:
            return _("%(start)s to %(end)s") % {"start": formats.date_format(self.start),
                                                "end": formats.date_format(self.end)}
        if self.start:
            return _("since %(start)s") % {"start": formats.date_format(self.start)}
        if self.end:
            return _("until %(end)s") % {"end": formats.date_format(self.end)}
        return _("since the start of the programme")


SPLITS = ("cohort", "district", "need", "cutoff")


def split_labels() -> dict[str, str]:
    return {
        "": _("no split"),
        "cohort": _("by year of start (cohort)"),
        "district": _("by district (postcode area)"),
        "need": _("by what the family needed most"),
        "cutoff": _("before and after a date"),
    }


def district_of(postcode: str) -> str:
    """The postcode area: its first two characters (Belgian 1030 → 10xx)."""
    postcode = postcode or ""
    return f"{postcode[:2]}{'x' * max(0, len(postcode) - 2)}" if postcode else "?"


def main_need(needs: dict, order: dict[str, int]) -> str:
    """The family's highest-priority need; ties go to the programme's category order."""
    if not isinstance(needs, dict) or not needs:
        return ""
    return min(needs, key=lambda code: (-int(needs[code] or 0), order.get(code, 999), code))


def _category_labels(programme: Programme) -> tuple[dict[str, str], dict[str, int]]:
    labels = {c.code: str(c.label) for c in BUILTIN_CATEGORIES}
    order = {c.code: i for i, c in enumerate(BUILTIN_CATEGORIES)}
    for category in programme.service_categories.all():
        labels[category.code] = str(category.label)
        order.setdefault(category.code, 100 + category.position)
    return labels, order


def match_spells(*, programme: Programme, period: Period = Period(), split: str = "",
                 cutoff: date | None = None, today: date | None = None) -> list[Spell]:
    """The matches that started in `period`, as spells grouped by `split`.

    Ended matches are events; live ones are censored at `today` (default: today).
    """
    today = today or timezone.localdate()
    queryset = Match.objects.filter(programme=programme)
    if period.start:
        queryset = queryset.filter(started_on__gte=period.start)
    if period.end:
        queryset = queryset.filter(started_on__lte=period.end)
    fields = ["started_on", "ended_on"]
    if split == "district":
        fields.append("family__postcode")
    elif split == "need":
        fields.append("family__needs")
        labels, order = _category_labels(programme)
    spells = []
    for row in queryset.values_list(*fields).iterator(chunk_size=5000):
        started, ended = row[0], row[1]
        if started > today:
            continue
        days = ((ended or today) - started).days
        group = ""
        if split == "cohort":
            group = str(started.year)
        elif split == "district":
            group = district_of(row[2])
        elif split == "need":
            code = main_need(row[2], order)
            group = labels.get(code, code) if code else _("not recorded")
        elif split == "cutoff" and cutoff is not None:
            group = (_("started before %(date)s") if started < cutoff
                     else _("started on or after %(date)s")) % {
                "date": formats.date_format(cutoff, "SHORT_DATE_FORMAT")}
        spells.append(Spell(max(days, 0), ended is not None and ended <= today, group))
    return spells


@dataclass(frozen=True)
class Persistence:
    period: Period
    split: str
    cutoff: date | None
    overall: Curve | None
    comparison: Comparison | None
    chart_svg: str

    @property
    def chart_uri(self) -> str:
        return charts.data_uri(self.chart_svg)

    @property
    def curves(self) -> tuple[Curve, ...]:
        if self.comparison is not None:
            return self.comparison.curves
        return (self.overall,) if self.overall else ()


def persistence(*, programme: Programme, period: Period = Period(), split: str = "",
                cutoff: date | None = None, today: date | None = None) -> Persistence:
    """Kaplan–Meier of match duration for the programme and period, optionally split into
    groups compared by a log-rank test, with its chart."""
    spells = match_spells(programme=programme, period=period, split=split, cutoff=cutoff,
                          today=today)
    overall = kaplan_meier(spells, label=_("all matches")) if spells else None
    comparison = None
    if split and spells:
        order = None
        if split == "cutoff" and cutoff is not None:
            day = formats.date_format(cutoff, "SHORT_DATE_FORMAT")
            order = [_("started before %(date)s") % {"date": day},
                     _("started on or after %(date)s") % {"date": day}]
        comparison = compare(spells, order=order)
    curves = list(comparison.curves) if comparison else ([overall] if overall else [])
    svg = charts.survival_chart(curves, x_label=_("months since the start of the match"),
                                y_label=_("share of matches still going"))
    return Persistence(period, split, cutoff, overall, comparison, svg)


# --- The programme dashboard ----------------------------------------------------------------

def default_period(today: date | None = None) -> Period:
    """The last twelve months."""
    today = today or timezone.localdate()
    return Period(today - timedelta(days=364), today)


def _quantile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True)
class Waiting:
    """Days families waited: those matched in the period (from their last entry on the
    waiting list to the start of the match), and those waiting today."""

    matched_n: int
    matched_median: float | None
    matched_p90: float | None
    waiting_n: int
    waiting_median: float | None
    waiting_p90: float | None


def waiting_times(*, programme: Programme, period: Period, today: date | None = None) -> Waiting:
    today = today or timezone.localdate()
    matches = Match.objects.filter(programme=programme, family__archived=False)
    if period.start:
        matches = matches.filter(started_on__gte=period.start)
    if period.end:
        matches = matches.filter(started_on__lte=period.end)
    starts = list(matches.values_list("family_id", "started_on"))
    entered: dict[int, list[date]] = {}
    for family_id, changed_at in StatusChange.objects.filter(
            family_id__in=matches.values("family_id"), to_status=FamilyStatus.WAITING,
    ).values_list("family_id", "changed_at"):
        entered.setdefault(family_id, []).append(timezone.localdate(changed_at))
    waited = []
    for family_id, started in starts:
        before = [d for d in entered.get(family_id, ()) if d <= started]
        if before:
            waited.append(float((started - max(before)).days))
    now = timezone.now()
    waiting = [
        float((now - since).days) for since in FamilyHousehold.objects.filter(
            programme=programme, archived=False, status=FamilyStatus.WAITING,
            waiting_since__isnull=False).values_list("waiting_since", flat=True)
    ]
    return Waiting(len(waited), _quantile(waited, 0.5), _quantile(waited, 0.9),
                   len(waiting), _quantile(waiting, 0.5), _quantile(waiting, 0.9))


def _months(period: Period, first: date | None) -> list[date]:
    start = period.start or first or timezone.localdate()
    end = period.end or timezone.localdate()
    months, current = [], start.replace(day=1)
    while current <= end and len(months) < 240:
        months.append(current)
        current = (current + timedelta(days=32)).replace(day=1)
    return months


def _per_month(queryset, field: str) -> dict[date, int]:
    # Counted here rather than with TruncMonth: SQLite truncates dates in a Python function
    # called once per row, slower than reading the dates.
    counts: dict[date, int] = {}
    for day in queryset.values_list(field, flat=True).iterator(chunk_size=5000):
        if day is not None:
            month = day.replace(day=1)
            counts[month] = counts.get(month, 0) + 1
    return counts


def _in_period(queryset, field: str, period: Period):
    if period.start:
        queryset = queryset.filter(**{f"{field}__gte": period.start})
    if period.end:
        queryset = queryset.filter(**{f"{field}__lte": period.end})
    return queryset


@dataclass(frozen=True)
class Dashboard:
    period: Period
    families: list[tuple[str, str, int]]
    volunteers: list[tuple[str, str, int]]
    waiting: Waiting
    months: list[tuple[str, int, int]]
    started: int
    ended: int
    live_now: int
    activities: list[tuple[str, int]]
    cases: list[tuple[str, int]]
    postcodes: list[tuple[str, str, int, int]]
    persistence: Persistence
    monthly_svg: str
    activities_svg: str
    cases_svg: str
    map_svg: str

    @property
    def monthly_uri(self) -> str:
        return charts.data_uri(self.monthly_svg)

    @property
    def activities_uri(self) -> str:
        return charts.data_uri(self.activities_svg)

    @property
    def cases_uri(self) -> str:
        return charts.data_uri(self.cases_svg)

    @property
    def map_uri(self) -> str:
        return charts.data_uri(self.map_svg)

    @property
    def twelve_months(self) -> Milestone | None:
        curve = self.persistence.overall
        return curve.milestones[2] if curve else None


def dashboard(*, programme: Programme, period: Period, today: date | None = None) -> Dashboard:
    """Every figure of the programme dashboard for `period`, with its charts."""
    today = today or timezone.localdate()
    counts = status_counts(programme)
    matches = Match.objects.filter(programme=programme)
    started = _per_month(_in_period(matches, "started_on", period), "started_on")
    ended = _per_month(_in_period(matches.filter(ended_on__isnull=False), "ended_on", period),
                       "ended_on")
    first = matches.order_by("started_on").values_list("started_on", flat=True).first()
    months = [(m.strftime("%Y-%m"), started.get(m, 0), ended.get(m, 0))
              for m in _months(period, first)]

    labels, _order = _category_labels(programme)
    activity_rows = _in_period(Activity.objects.filter(match__programme=programme), "done_on",
                               period).values("category").annotate(n=Count("id")).order_by("-n")
    activities = [(labels.get(r["category"], r["category"]), r["n"]) for r in activity_rows]
    case_labels = dict(CaseKind.choices)
    case_rows = _in_period(Case.objects.filter(programme=programme), "opened_at__date",
                           period).values("kind").annotate(n=Count("id")).order_by("-n")
    cases = [(str(case_labels.get(r["kind"], r["kind"])), r["n"]) for r in case_rows]

    by_postcode: dict[str, list[int]] = {}
    for model, i in ((FamilyHousehold, 0), (VolunteerHousehold, 1)):
        for row in model.objects.filter(programme=programme, archived=False).values(
                "postcode").annotate(n=Count("id")):
            by_postcode.setdefault(row["postcode"], [0, 0])[i] = row["n"]
    postcodes = []
    points = []
    for code, (f, v) in sorted(by_postcode.items(), key=lambda kv: -sum(kv[1])):
        place = find_postcode(programme.country, code)
        postcodes.append((code, place.locality if place else "", f, v))
        if place is not None:
            points.append((round(place.lon, 3), round(place.lat, 3), f + v, code))

    persistence_ = persistence(programme=programme, period=period, today=today)
    return Dashboard(
        period=period, families=counts["families"], volunteers=counts["volunteers"],
        waiting=waiting_times(programme=programme, period=period, today=today),
        months=months, started=sum(s for _m, s, _e in months),
        ended=sum(e for _m, _s, e in months),
        live_now=matches.exclude(status=Match.Status.ENDED).count(),
        activities=activities, cases=cases, postcodes=postcodes, persistence=persistence_,
        monthly_svg=charts.monthly_chart(
            [m for m, _s, _e in months],
            [(_("started"), [s for _m, s, _e in months]),
             (_("ended"), [e for _m, _s, e in months])],
            y_label=_("matches")),
        activities_svg=charts.bar_chart([a for a, _n in activities], [n for _a, n in activities],
                                        x_label=_("activities noted")),
        cases_svg=charts.bar_chart([c for c, _n in cases], [n for _c, n in cases],
                                   x_label=_("mediation cases opened")),
        map_svg=charts.postcode_map(points, label=_("households by postcode (centroids)")),
    )


# --- Outcome surveys ------------------------------------------------------------------------

@dataclass(frozen=True)
class Outcome:
    """The change on one indicator between the start and a follow-up wave, for the children
    who answered both. Every figure is None when fewer than MIN_GROUP children did."""

    indicator: str
    label: str
    children: int  # kept for the small-group rule; never shown below MIN_GROUP
    start_mean: float | None
    follow_mean: float | None
    change: float | None
    improved: float | None  # share of children whose answer went up

    @property
    def suppressed(self) -> bool:
        return self.children < MIN_GROUP


@dataclass(frozen=True)
class SurveyResults:
    period: Period
    wave: str
    band: str
    answers_by_wave: dict[str, int | None]  # None: fewer than MIN_GROUP children
    outcomes: list[Outcome]
    chart_svg: str

    @property
    def chart_uri(self) -> str:
        return charts.data_uri(self.chart_svg) if self.chart_svg else ""


def survey_results(*, programme: Programme, period: Period = Period(), wave: str = "m6",
                   band: str = "") -> SurveyResults:
    """Per indicator: the mean answer at the start and at `wave` for the children who
    answered both, the mean change and the share who improved. Responses count when the
    follow-up was answered in `period`; `band` keeps one age band (by the start answer).

    Nothing is given for a group of fewer than MIN_GROUP children, not even its size.
    """
    follow_ups = SurveyResponse.objects.filter(programme=programme, wave=wave,
                                               child__isnull=False)
    if period.start:
        follow_ups = follow_ups.filter(answered_at__date__gte=period.start)
    if period.end:
        follow_ups = follow_ups.filter(answered_at__date__lte=period.end)
    starts = SurveyResponse.objects.filter(programme=programme, wave=Wave.START,
                                           child__isnull=False)
    if band:
        starts = starts.filter(age_band=band)
    keys = {(m, c) for m, c in follow_ups.values_list("match_id", "child_id")}
    start_values: dict[tuple[int, int, str], int] = {}
    for match_id, child_id, indicator, value in SurveyAnswer.objects.filter(
            response__in=starts).values_list("response__match_id", "response__child_id",
                                             "indicator", "value"):
        if (match_id, child_id) in keys:
            start_values[(match_id, child_id, indicator)] = value
    pairs: dict[str, list[tuple[int, int]]] = {i: [] for i in Indicator.values}
    for match_id, child_id, indicator, value in SurveyAnswer.objects.filter(
            response__in=follow_ups).values_list("response__match_id", "response__child_id",
                                                 "indicator", "value"):
        before = start_values.get((match_id, child_id, indicator))
        if before is not None:
            pairs[indicator].append((before, value))
    outcomes = []
    for indicator, label in Indicator.choices:
        values = pairs[indicator]
        n = len(values)
        if n < MIN_GROUP:
            outcomes.append(Outcome(indicator, str(label), n, None, None, None, None))
            continue
        start_mean = sum(b for b, _a in values) / n
        follow_mean = sum(a for _b, a in values) / n
        outcomes.append(Outcome(indicator, str(label), n, start_mean, follow_mean,
                                follow_mean - start_mean,
                                sum(1 for b, a in values if a > b) / n))
    answers: dict[str, int | None] = {}
    for code in Wave.values:
        qs = SurveyResponse.objects.filter(programme=programme, wave=code)
        if period.start:
            qs = qs.filter(answered_at__date__gte=period.start)
        if period.end:
            qs = qs.filter(answered_at__date__lte=period.end)
        if band:
            qs = qs.filter(age_band=band)
        count = qs.count()
        answers[code] = count if count >= MIN_GROUP else None
    shown = [o for o in outcomes if not o.suppressed]
    svg = charts.change_chart(
        [o.label for o in shown], [o.start_mean for o in shown], [o.follow_mean for o in shown],
        before_label=_("at the start"), after_label=str(Wave(wave).label),
    ) if shown else ""
    return SurveyResults(period, wave, band, answers, outcomes, svg)


@dataclass(frozen=True)
class SurveyDue:
    match: Match
    consent: bool
    children: list[tuple[Member, str | None, dict[str, str]]]  # child, band, wave → state


def surveys_due(*, programme: Programme, today: date | None = None) -> list[SurveyDue]:
    """Live matches with children aged 4–18 and, per child and wave, whether it is answered,
    open or not yet open."""
    from voisins.privacy.models import Consent

    from .services import wave_opens_on

    today = today or timezone.localdate()
    matches = list(Match.objects.filter(programme=programme).exclude(
        status=Match.Status.ENDED).select_related("family").prefetch_related(
        "family__members").order_by("started_on", "id"))
    consenting = set(Consent.objects.filter(
        programme=programme, purpose="surveys", withdrawn_at__isnull=True,
        family__isnull=False).values_list("family_id", flat=True))
    answered = set(SurveyResponse.objects.filter(programme=programme, match__in=matches)
                   .values_list("match_id", "child_id", "wave"))
    result = []
    for match in matches:
        children = []
        for member in match.family.members.all():
            if member.kind != MemberKind.CHILD:
                continue
            band = age_band(member.birth_year, today)
            if band is None:
                continue
            states = {}
            for wave in Wave.values:
                if (match.pk, member.pk, wave) in answered:
                    states[wave] = "answered"
                elif today >= wave_opens_on(match, wave):
                    states[wave] = "open"
                else:
                    states[wave] = "later"
            children.append((member, band, states))
        if children:
            result.append(SurveyDue(match, match.family_id in consenting, children))
    return result


# --- The yearly evaluation meeting ----------------------------------------------------------

@dataclass(frozen=True)
class ThemeCell:
    feedback: int  # feedback forms that raised the theme
    in_minutes: bool  # the meeting discussed it

    def __str__(self) -> str:
        return f"{self.feedback}{' *' if self.in_minutes else ''}"


@dataclass(frozen=True)
class ThemeTable:
    """Themes (rows) by year (columns), to follow them from one meeting to the next."""

    years: list[int]
    rows: list[tuple[str, list[ThemeCell]]]


def theme_table(*, programme: Programme, last: int = 6) -> ThemeTable:
    """The last `last` meetings side by side: how many feedback forms raised each theme, and
    whether the minutes record it. Themes never raised are left out."""
    meetings = list(EvaluationMeeting.objects.filter(programme=programme).order_by("-year")
                    [:last])[::-1]
    counts: dict[tuple[str, int], int] = {}
    for year, themes in MeetingFeedback.objects.filter(
            invitation__meeting__in=meetings).values_list("invitation__meeting__year", "themes"):
        for theme in themes or []:
            counts[(theme, year)] = counts.get((theme, year), 0) + 1
    minutes = {(t, m.year) for m in meetings for t in (m.minutes_themes or [])}
    rows = []
    for code, label in Theme.choices:
        cells = [ThemeCell(counts.get((code, m.year), 0), (code, m.year) in minutes)
                 for m in meetings]
        if any(c.feedback or c.in_minutes for c in cells):
            rows.append((str(label), cells))
    return ThemeTable([m.year for m in meetings], rows)
