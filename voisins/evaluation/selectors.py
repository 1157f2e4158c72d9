"""Reads for evaluation: match persistence, survey outcomes, the dashboard's figures.

Every function takes a programme and a period and returns plain data (dataclasses, dicts)
that pages, the PDF and the XLSX all render alike. Imported history counts like native
matches: they are the same rows.
"""

from __future__ import annotations

import calendar
import dataclasses
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate
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
from voisins.households.status import FamilyStatus, VolunteerStatus
from voisins.matches.models import Activity, Match, ProgrammePause
from voisins.mediation.models import Case, CaseKind
from voisins.programmes.categories import BUILTIN_CATEGORIES
from voisins.programmes.models import Programme

from . import caching, charts, rounding
from .models import (
    EvaluationMeeting,
    MeetingFeedback,
    MeetingInvitation,
    SurveyAnswer,
    SurveyResponse,
)
from .questions import MIN_GROUP, Indicator, Wave, age_band, wave_opens_on
from .survival import (
    Comparison,
    Curve,
    Milestone,
    Spell,
    compare,
    fingerprint,
    kaplan_meier,
)
from .themes import Theme

# The dates a period may take: wide enough for any programme's history, narrow enough
# that a day or a year more never leaves what Python's dates can hold (0001–9999).
PERIOD_FIRST_DAY = date(1900, 1, 1)
PERIOD_LAST_DAY = date(2199, 12, 31)


def period_date_problem(day: date | None) -> str | None:
    """Why `day` cannot bound a period (a message), or None when it can."""
    if day is not None and not PERIOD_FIRST_DAY <= day <= PERIOD_LAST_DAY:
        return _("Give a date between %(a)s and %(b)s.") % {
            "a": PERIOD_FIRST_DAY.isoformat(), "b": PERIOD_LAST_DAY.isoformat()}
    return None


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

    Ended matches are events; live ones are censored at `today` (default: today). The
    spells come in a fixed order (start date, then id) so that equal data give an equal
    fingerprint, the key under which their curves are cached.
    """
    today = today or timezone.localdate()
    queryset = _in_period(Match.objects.filter(programme=programme), "started_on", period)
    fields = ["started_on", "ended_on"]
    if split == "district":
        fields.append("family__postcode")
    elif split == "need":
        fields.append("family__needs")
        labels, order = _category_labels(programme)
    spells = []
    for row in queryset.order_by("started_on", "id").values_list(*fields).iterator(
            chunk_size=5000):
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
    chart: charts.Chart

    @property
    def chart_svg(self) -> str:
        return self.chart.svg

    @property
    def chart_uri(self) -> str:
        return self.chart.uri

    @property
    def curves(self) -> tuple[Curve, ...]:
        if self.comparison is not None:
            return self.comparison.curves
        return (self.overall,) if self.overall else ()


def persistence(*, programme: Programme, period: Period = Period(), split: str = "",
                cutoff: date | None = None, today: date | None = None) -> Persistence:
    """Kaplan–Meier of match duration for the programme and period, optionally split into
    groups compared by a log-rank test, with its chart (drawn when first shown).

    The fitted curves are cached under the fingerprint of the spells: reloading a page, or
    the report after the dashboard, refits nothing and does not import lifelines.
    """
    spells = match_spells(programme=programme, period=period, split=split, cutoff=cutoff,
                          today=today)
    key = fingerprint(spells)
    label = _("all matches")
    overall = caching.remember("curve", caching.digest(key, label),
                               lambda: kaplan_meier(spells, label=label)) if spells else None
    comparison = None
    order = None
    if split and spells:
        if split == "cutoff" and cutoff is not None:
            day = formats.date_format(cutoff, "SHORT_DATE_FORMAT")
            order = [_("started before %(date)s") % {"date": day},
                     _("started on or after %(date)s") % {"date": day}]
        comparison = caching.remember("comparison", caching.digest(key, order),
                                      lambda: compare(spells, order=order))
    curves = tuple(comparison.curves) if comparison else ((overall,) if overall else ())
    chart = charts.Chart(charts.survival_chart, (curves,), {
        "x_label": _("months since the start of the match"),
        "y_label": _("share of matches still going"),
        "cache_key": caching.digest(key, bool(comparison), order, label),
    })
    return Persistence(period, split, cutoff, overall, comparison, chart)


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
    # Imported history counts like the rest; its families were never on the waiting list
    # in Voisins, so they have no wait to measure.
    matches = _in_period(Match.objects.filter(programme=programme), "started_on",
                         period).order_by()
    starts = list(matches.values_list("family_id", "started_on"))
    entered: dict[int, list[date]] = {}
    # The day of each entry on the waiting list, in the programme's time zone, as the
    # database gives it (no conversion of thousands of datetimes here).
    for family_id, day in StatusChange.objects.filter(
            family_id__in=matches.values("family_id"), to_status=FamilyStatus.WAITING,
    ).order_by().annotate(day=TruncDate("changed_at")).values_list("family_id", "day"):
        entered.setdefault(family_id, []).append(day)
    waited = []
    for family_id, started in starts:
        before = [d for d in entered.get(family_id, ()) if d <= started]
        if before:
            waited.append(float((started - max(before)).days))
    now = timezone.now()
    waiting = [
        float((now - since).days) for since in FamilyHousehold.objects.filter(
            programme=programme, archived=False, status=FamilyStatus.WAITING,
            waiting_since__isnull=False).order_by().values_list("waiting_since", flat=True)
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
    """Rows per month of `field`: counted per day by the database (a few hundred rows a
    year, read from the index), added up per month here. TruncMonth would be one query
    too, but SQLite truncates dates in a Python function called once per row."""
    counts: dict[date, int] = {}
    for day, n in queryset.exclude(**{f"{field}__isnull": True}).order_by().values_list(
            field).annotate(n=Count("id")).values_list(field, "n"):
        month = day.replace(day=1)
        counts[month] = counts.get(month, 0) + n
    return counts


def _in_period(queryset, field: str, period: Period):
    if period.start:
        queryset = queryset.filter(**{f"{field}__gte": period.start})
    if period.end:
        queryset = queryset.filter(**{f"{field}__lte": period.end})
    return queryset


def _period_datetimes(period: Period) -> tuple[datetime | None, datetime | None]:
    """The period as aware datetimes: from the start of its first day to the start of the
    day after its last (a range the database can read from an index)."""
    def midnight(day: date) -> datetime:
        return timezone.make_aware(datetime.combine(day, time.min))

    return (midnight(period.start) if period.start else None,
            midnight(period.end + timedelta(days=1)) if period.end else None)


def _in_period_dt(queryset, field: str, period: Period):
    start, end = _period_datetimes(period)
    if start:
        queryset = queryset.filter(**{f"{field}__gte": start})
    if end:
        queryset = queryset.filter(**{f"{field}__lt": end})
    return queryset


def households_by_status(*, programme: Programme, period: Period,
                         today: date | None = None) -> dict[str, list[tuple[str, str, int]]]:
    """Families and volunteer households at each step at the end of `period`.

    Imported history counts like the rest. A period that ends today (or later) reads
    today's statuses; an earlier one replays the status history: households registered
    after it are left out, and each one counts at the last step it had reached by then
    (or, with no change recorded before, the step its first later change left; or its
    current step when its history says nothing).
    """
    today = today or timezone.localdate()
    result = {}
    for name, model, fk, choices in (
            ("families", FamilyHousehold, "family", FamilyStatus.choices),
            ("volunteers", VolunteerHousehold, "volunteer", VolunteerStatus.choices)):
        households = model.objects.filter(programme=programme).order_by()
        if period.end is None or period.end >= today:
            counts = dict(households.values_list("status").annotate(n=Count("id"))
                          .values_list("status", "n"))
        else:
            _start, end = _period_datetimes(period)
            # The last step reached before the end; failing that, the step the household
            # left at its first change after the end.
            changes = StatusChange.objects.filter(**{f"{fk}__programme": programme}).order_by(
                "changed_at", "id")
            reached: dict[int, str] = {}
            for household_id, before in changes.filter(changed_at__gte=end).exclude(
                    from_status="").values_list(f"{fk}_id", "from_status"):
                reached.setdefault(household_id, before)
            for household_id, after in changes.filter(changed_at__lt=end).values_list(
                    f"{fk}_id", "to_status"):
                reached[household_id] = after
            counts = {}
            for household_id, status in households.filter(created_at__lt=end).values_list(
                    "id", "status"):
                status = reached.get(household_id, status)
                counts[status] = counts.get(status, 0) + 1
        result[name] = [(code, label, counts.get(code, 0)) for code, label in choices]
    return result


def _postcode_counts(*, programme: Programme, period: Period
                     ) -> dict[str, list[int]]:
    """Households taking part in `period`, per postcode: [families, volunteer households].

    Taking part: in a match at some time of the period, or registered during it (imported
    history included). Counts per postcode only, never a household's own point.
    """
    start, end = _period_datetimes(period)
    matches = Match.objects.filter(programme=programme).order_by()
    if period.end:
        matches = matches.filter(started_on__lte=period.end)
    if period.start:
        matches = matches.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=period.start))
    registered = Q()
    if start:
        registered &= Q(created_at__gte=start)
    if end:
        registered &= Q(created_at__lt=end)
    by_postcode: dict[str, list[int]] = {}
    for i, model, fk in ((0, FamilyHousehold, "family"), (1, VolunteerHousehold, "volunteer")):
        taking_part = model.objects.filter(programme=programme).order_by().filter(
            registered | Q(pk__in=matches.values(f"{fk}_id")))
        for code, n in taking_part.values_list("postcode").annotate(n=Count("id")).values_list(
                "postcode", "n"):
            by_postcode.setdefault(code, [0, 0])[i] = n
    return by_postcode


@dataclass(frozen=True)
class ModuleTraining:
    title: str
    required: bool
    sessions: int  # sessions held in the period
    registered: int  # registrations for them
    attended: int


@dataclass(frozen=True)
class Training:
    """Training in the period: per module, its sessions, the households registered for
    them and those who attended; and the households that completed their required
    training in the period."""

    modules: list[ModuleTraining]
    completed: int | None  # None: the programme requires no module

    @property
    def registered(self) -> int:
        return sum(m.registered for m in self.modules)

    @property
    def attended(self) -> int:
        return sum(m.attended for m in self.modules)

    @property
    def attendance(self) -> float | None:
        return self.attended / self.registered if self.registered else None


@dataclass(frozen=True)
class SuppressedTraining(Training):
    """Training figures with the small counts replaced by None; the totals and the share
    attended are those of the raw figures (the share of a large total says nothing about
    one person)."""

    registered_total: int | None = None
    attended_total: int | None = None
    attendance_share: float | None = None
    completion_suppressed: bool = False  # `completed` is None because it is small

    @property
    def registered(self) -> int | None:  # type: ignore[override]
        return self.registered_total

    @property
    def attended(self) -> int | None:  # type: ignore[override]
        return self.attended_total

    @property
    def attendance(self) -> float | None:
        return self.attendance_share


def training_completion(*, programme: Programme, period: Period) -> Training:
    """Sessions that started in `period`, their registrations and attendance; how many
    households completed their required training in the period (the day of the session
    at which they attended the last required module they had not attended yet)."""
    from voisins.training.models import Registration, TrainingModule, TrainingSession

    modules = {pk: {"title": title, "required": required, "sessions": 0, "registered": 0,
                    "attended": 0}
               for pk, title, required in TrainingModule.objects.filter(
                   programme=programme).order_by("position", "id").values_list(
                   "pk", "title", "required")}
    for module_id, n in _in_period_dt(TrainingSession.objects.filter(
            module__programme=programme), "starts_at", period).order_by().values_list(
            "module_id").annotate(n=Count("id")).values_list("module_id", "n"):
        modules[module_id]["sessions"] = n
    for module_id, registered, attended in _in_period_dt(Registration.objects.filter(
            session__module__programme=programme), "session__starts_at", period).order_by(
            ).values_list("session__module_id").annotate(
            r=Count("id"), a=Count("id", filter=Q(attended=True))).values_list(
            "session__module_id", "r", "a"):
        modules[module_id].update(registered=registered, attended=attended)
    required = {pk for pk, m in modules.items() if m["required"]}
    completed = None
    if required:
        # Per household, the required modules attended before the end and before the
        # start of the period: it completed its training in the period when it had them
        # all by the end, not yet at the start. One grouped count by the database.
        start, end = _period_datetimes(period)
        attended = Registration.objects.filter(
            attended=True, session__module_id__in=required).order_by().values("volunteer_id")
        by_end = Count("session__module_id", distinct=True,
                       filter=Q(session__starts_at__lt=end) if end else None)
        households = attended.annotate(by_end=by_end).filter(by_end=len(required))
        if start:
            households = households.annotate(by_start=Count(
                "session__module_id", distinct=True, filter=Q(session__starts_at__lt=start))
            ).exclude(by_start=len(required))
        completed = households.count()
    return Training([ModuleTraining(**m) for m in modules.values()], completed)


@dataclass(frozen=True)
class Funnel:
    """The recruitment funnel per channel, for people who reached the programme in the
    period: visits of the sign-up form, households signed up, and how many of those went
    on to be screened, trained and matched (by today)."""

    stages: list[str]
    rows: list[tuple[str, list[int]]]  # channel label, a count per stage
    total: list[int]


def recruitment_funnel(*, programme: Programme, period: Period) -> Funnel:
    """Per channel of the campaigns: visits in `period`, households whose confirmed sign-up
    created them in `period`, and the furthest step each has reached since. Households
    that came without a campaign form the row "no campaign"."""
    from voisins.recruitment.models import Campaign, Channel, Visit, VolunteerOrigin
    from voisins.recruitment.selectors import NO_CAMPAIGN, STAGE_OF, STAGES

    counts: dict[str, dict[str, int]] = {}
    channels = dict(Campaign.objects.filter(programme=programme).values_list("pk", "channel"))
    for campaign_id, n in _in_period_dt(Visit.objects.filter(programme=programme),
                                        "visited_at", period).order_by().values_list(
            "campaign_id").annotate(n=Count("id")).values_list("campaign_id", "n"):
        row = counts.setdefault(channels.get(campaign_id, NO_CAMPAIGN), {})
        row["visited"] = row.get("visited", 0) + n
    # Households signed up in the period (their origin keeps the campaign's channel even
    # when the campaign is deleted), and how many of them ever reached each later step:
    # one grouped count by the database.
    reached = {}
    for stage, threshold in (("screened", 2), ("trained", 3), ("matched", 4)):
        statuses = [status for status, step in STAGE_OF.items() if step >= threshold]
        reached[stage] = Count("id", filter=Q(Exists(StatusChange.objects.filter(
            volunteer_id=OuterRef("volunteer_id"), to_status__in=statuses))))
    for channel, *values in _in_period_dt(
            VolunteerOrigin.objects.filter(volunteer__programme=programme),
            "volunteer__created_at", period).order_by().values_list("channel").annotate(
            signed_up=Count("id"), **reached).values_list("channel", "signed_up", *reached):
        counts.setdefault(channel or NO_CAMPAIGN, {}).update(
            zip(["signed_up", *reached], values, strict=True))
    codes = [code for code, _label in STAGES]
    labels = dict(Channel.choices) | {NO_CAMPAIGN: _("no campaign (direct)")}
    rows = [(str(labels[code]), [counts[code].get(stage, 0) for stage in codes])
            for code in [*Channel.values, NO_CAMPAIGN] if code in counts]
    total = [sum(values[i] for _label, values in rows) for i in range(len(codes))]
    return Funnel([str(label) for _code, label in STAGES], rows, total)


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
    training: Training
    funnel: Funnel
    persistence: Persistence
    monthly_chart: charts.Chart
    activities_chart: charts.Chart
    cases_chart: charts.Chart
    map_chart: charts.Chart
    funnel_chart: charts.Chart

    # The charts are drawn when first shown (and then come from the cache).
    @property
    def monthly_svg(self) -> str:
        return self.monthly_chart.svg

    @property
    def monthly_uri(self) -> str:
        return self.monthly_chart.uri

    @property
    def activities_svg(self) -> str:
        return self.activities_chart.svg

    @property
    def activities_uri(self) -> str:
        return self.activities_chart.uri

    @property
    def cases_svg(self) -> str:
        return self.cases_chart.svg

    @property
    def cases_uri(self) -> str:
        return self.cases_chart.uri

    @property
    def map_svg(self) -> str:
        return self.map_chart.svg

    @property
    def map_uri(self) -> str:
        return self.map_chart.uri

    @property
    def funnel_uri(self) -> str:
        return self.funnel_chart.uri

    @property
    def twelve_months(self) -> Milestone | None:
        curve = self.persistence.overall
        return curve.milestones[2] if curve else None


def dashboard(*, programme: Programme, period: Period, today: date | None = None,
              persistence_: Persistence | None = None) -> Dashboard:
    """Every figure of the programme dashboard for `period`, with its charts (drawn when
    first shown, then cached). Imported history counts like native data. `persistence_`
    is the period's Kaplan–Meier when the caller (the report) already has it."""
    today = today or timezone.localdate()
    counts = households_by_status(programme=programme, period=period, today=today)
    matches = Match.objects.filter(programme=programme).order_by()
    started = _per_month(_in_period(matches, "started_on", period), "started_on")
    ended = _per_month(_in_period(matches, "ended_on", period), "ended_on")
    first = matches.order_by("started_on").values_list("started_on", flat=True).first()
    months = [(m.strftime("%Y-%m"), started.get(m, 0), ended.get(m, 0))
              for m in _months(period, first)]

    labels, _order = _category_labels(programme)
    # EXISTS rather than a join: both databases then read the period's activities from
    # their date index instead of every activity of every match of the programme.
    activity_rows = _in_period(Activity.objects.filter(Exists(Match.objects.filter(
        pk=OuterRef("match_id"), programme=programme))), "done_on", period).values(
        "category").annotate(n=Count("id")).order_by("-n")
    activities = [(labels.get(r["category"], r["category"]), r["n"]) for r in activity_rows]
    case_labels = dict(CaseKind.choices)
    case_rows = _in_period_dt(Case.objects.filter(programme=programme), "opened_at",
                              period).values("kind").annotate(n=Count("id")).order_by("-n")
    cases = [(str(case_labels.get(r["kind"], r["kind"])), r["n"]) for r in case_rows]

    postcodes = []
    points = []
    by_postcode = _postcode_counts(programme=programme, period=period)
    for code, (f, v) in sorted(by_postcode.items(), key=lambda kv: (-sum(kv[1]), kv[0])):
        place = find_postcode(programme.country, code)
        postcodes.append((code, place.locality if place else "", f, v))
        if place is not None:
            points.append((round(place.lon, 3), round(place.lat, 3), f + v, code))

    funnel = recruitment_funnel(programme=programme, period=period)
    if persistence_ is None:
        persistence_ = persistence(programme=programme, period=period, today=today)
    return Dashboard(
        period=period, families=counts["families"], volunteers=counts["volunteers"],
        waiting=waiting_times(programme=programme, period=period, today=today),
        months=months, started=sum(s for _m, s, _e in months),
        ended=sum(e for _m, _s, e in months),
        live_now=matches.exclude(status=Match.Status.ENDED).count(),
        activities=activities, cases=cases, postcodes=postcodes,
        training=training_completion(programme=programme, period=period),
        funnel=funnel, persistence=persistence_,
        monthly_chart=charts.Chart(charts.monthly_chart, (
            tuple(m for m, _s, _e in months),
            ((_("started"), tuple(s for _m, s, _e in months)),
             (_("ended"), tuple(e for _m, _s, e in months)))), {"y_label": _("matches")}),
        activities_chart=charts.Chart(charts.bar_chart, (
            tuple(a for a, _n in activities), tuple(n for _a, n in activities)),
            {"x_label": _("activities noted")}),
        cases_chart=charts.Chart(charts.bar_chart, (
            tuple(c for c, _n in cases), tuple(n for _c, n in cases)),
            {"x_label": _("mediation cases opened")}),
        map_chart=charts.Chart(charts.postcode_map, (tuple(points),),
                               {"label": _("households by postcode (centroids)")}),
        funnel_chart=charts.Chart(charts.bar_chart, (tuple(funnel.stages), tuple(funnel.total)),
                                  {"x_label": _("people at each step of recruitment")}),
    )


def _suppressed(rows: list[tuple], index: int) -> list[tuple]:
    return [(*row[:index], rounding.small_count(row[index]), *row[index + 1:]) for row in rows]


def dashboard_without_small_counts(d: Dashboard) -> Dashboard:
    """The dashboard with every count about people or households between 1 and 4 replaced
    by None ("< 5"): households by status and by postcode, families waiting, mediation
    cases by type, the recruitment funnel, training registrations and completions. Counts
    of matches (started, ended, going on, per month) and of activities stay: they describe
    the programme's pairs over time, not a characteristic of a person; the Kaplan–Meier
    groups of fewer than 5 matches are already left out. Charts drawn from a suppressed
    count are redrawn without it (the map keeps only postcodes of 5 or more)."""
    small = rounding.small_count
    cases = [(label, n) for label, n in _suppressed(d.cases, 1)]
    shown_cases = [(label, n) for label, n in cases if n is not None]
    postcodes = [(code, place, small(f), small(v)) for code, place, f, v in d.postcodes]
    points = [p for p in d.map_chart.args[0] if small(p[2]) is not None]
    funnel = Funnel(d.funnel.stages,
                    [(label, [small(n) for n in values]) for label, values in d.funnel.rows],
                    [small(n) for n in d.funnel.total])
    raw = d.training
    training = SuppressedTraining(
        [dataclasses.replace(m, registered=small(m.registered), attended=small(m.attended))
         for m in raw.modules], None if raw.completed is None else small(raw.completed),
        small(raw.registered), small(raw.attended),
        raw.attendance if small(raw.registered) is not None else None,
        raw.completed is not None and small(raw.completed) is None)
    waiting = dataclasses.replace(d.waiting, matched_n=small(d.waiting.matched_n),
                                  waiting_n=small(d.waiting.waiting_n))
    return dataclasses.replace(
        d, families=_suppressed(d.families, 2), volunteers=_suppressed(d.volunteers, 2),
        waiting=waiting, cases=cases, postcodes=postcodes, training=training, funnel=funnel,
        cases_chart=charts.Chart(d.cases_chart.draw, (
            tuple(c for c, _n in shown_cases), tuple(n for _c, n in shown_cases)),
            d.cases_chart.kwargs),
        map_chart=charts.Chart(d.map_chart.draw, (tuple(points),), d.map_chart.kwargs),
        funnel_chart=charts.Chart(d.funnel_chart.draw, (
            tuple(d.funnel.stages), tuple(n or 0 for n in funnel.total)),
            d.funnel_chart.kwargs),
    )


# --- The lockdown figure --------------------------------------------------------------------

LOCKDOWN_FOLLOW_UP_MONTHS = (3, 6, 12)


def add_months(day: date, months: int) -> date:
    """The same day `months` calendar months later (the 31st becomes the month's last day).

    >>> add_months(date(2020, 5, 31), 3), add_months(date(2020, 11, 30), 3)
    (datetime.date(2020, 8, 31), datetime.date(2021, 2, 28))
    """
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month,
                       day=min(day.day, calendar.monthrange(year, month)[1]))


def live_on(started_on: date, ended_on: date | None, day: date) -> bool:
    """A match is live on `day` when it had started by then and had not ended: it ends on
    its end date (a match that ended on `day` is no longer live on it)."""
    return started_on <= day and (ended_on is None or ended_on > day)


@dataclass(frozen=True)
class LockdownFollowUp:
    months: int  # after the resume
    on: date
    live: int | None  # None: not yet known (the date is after today, or no resume yet)


@dataclass(frozen=True)
class Lockdown:
    """One programme pause: the matches live on the day it began, how many of those were
    still live 3, 6 and 12 months after it ended (the resume), and the Kaplan–Meier of
    every match of the programme split by whether it started before that day."""

    began: date
    resumed: date | None  # None: still paused
    live_at_start: int
    follow_ups: tuple[LockdownFollowUp, ...]
    persistence: Persistence

    def share(self, follow_up: LockdownFollowUp) -> float | None:
        if follow_up.live is None or not self.live_at_start:
            return None
        return follow_up.live / self.live_at_start


def lockdowns(*, programme: Programme, today: date | None = None) -> list[Lockdown]:
    """Every programme pause (voisins.matches.models.ProgrammePause) with its figure, oldest
    first. Dates are the programme's local days of the pause's start and end. Imported
    history counts like the rest; matches starting after today are left out."""
    today = today or timezone.localdate()
    rows = list(Match.objects.filter(programme=programme, started_on__lte=today).order_by()
                .values_list("started_on", "ended_on"))
    result = []
    for pause in ProgrammePause.objects.filter(programme=programme).order_by("started_at",
                                                                            "id"):
        began = timezone.localdate(pause.started_at)
        if began > today:
            continue
        resumed = timezone.localdate(pause.ended_at) if pause.ended_at else None
        if resumed is not None and resumed > today:
            resumed = None
        cohort = [(s, e) for s, e in rows if live_on(s, e, began)]
        follow_ups = []
        for months in LOCKDOWN_FOLLOW_UP_MONTHS:
            on = add_months(resumed, months) if resumed else None
            known = on is not None and on <= today
            follow_ups.append(LockdownFollowUp(
                months, on, sum(1 for s, e in cohort if e is None or e > on) if known
                else None))
        result.append(Lockdown(began, resumed, len(cohort), tuple(follow_ups),
                               persistence(programme=programme, split="cutoff", cutoff=began,
                                           today=today)))
    return result


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
    chart: charts.Chart | None  # None: no indicator has a figure to draw

    @property
    def chart_svg(self) -> str:
        return self.chart.svg if self.chart else ""

    @property
    def chart_uri(self) -> str:
        return self.chart.uri if self.chart else ""


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
    chart = charts.Chart(charts.change_chart, (
        tuple(o.label for o in shown), tuple(o.start_mean for o in shown),
        tuple(o.follow_mean for o in shown)),
        {"before_label": _("at the start"), "after_label": str(Wave(wave).label)},
    ) if shown else None
    return SurveyResults(period, wave, band, answers, outcomes, chart)


@dataclass(frozen=True)
class SurveyDue:
    match: Match
    consent: bool
    children: list[tuple[Member, str | None, dict[str, str]]]  # child, band, wave → state


def surveys_due(*, programme: Programme, today: date | None = None,
                family: FamilyHousehold | None = None) -> list[SurveyDue]:
    """Live matches with children aged 4–18 and, per child and wave, whether it is answered,
    open or not yet open (of one family only, when `family` is given)."""
    from voisins.privacy.models import Consent, ConsentPurpose

    today = today or timezone.localdate()
    matches = Match.objects.filter(programme=programme).exclude(status=Match.Status.ENDED)
    consents = Consent.objects.filter(programme=programme, purpose=ConsentPurpose.SURVEYS,
                                      withdrawn_at__isnull=True, family__isnull=False)
    if family is not None:
        matches = matches.filter(family=family)
        consents = consents.filter(family=family)
    matches = list(matches.select_related("family").prefetch_related(
        "family__members").order_by("started_on", "id"))
    consenting = set(consents.values_list("family_id", flat=True))
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


def family_surveys_due(*, family: FamilyHousehold, today: date | None = None
                       ) -> SurveyDue | None:
    """The family's live match, its children of 4 to 18 and the state of each wave; None
    when the family has no live match with such a child."""
    due = surveys_due(programme=family.programme, today=today, family=family)
    return due[0] if due else None


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


# --- Records as the pages open them (access narrows them to the user's) ----------------------

def matches_with_family() -> QuerySet[Match]:
    """Matches with their family (a survey of the family's children)."""
    return Match.objects.select_related("family")


def meeting_records() -> QuerySet[EvaluationMeeting]:
    """Every evaluation meeting, for access to narrow to the one asked for."""
    return EvaluationMeeting.objects.all()


def meetings_counted(*, programme: Programme) -> QuerySet[EvaluationMeeting]:
    """The programme's evaluation meetings, each with how many households were invited and
    how many gave feedback."""
    return EvaluationMeeting.objects.filter(programme=programme).annotate(
        invited=Count("invitations", distinct=True),
        answered=Count("invitations__feedback", distinct=True))


def meeting_invitation_by_token(*, token: str) -> MeetingInvitation | None:
    """The invitation whose personal link carries `token`, with its meeting, programme and
    feedback, or None."""
    return MeetingInvitation.objects.select_related(
        "meeting__programme", "feedback").filter(token=token).first()
