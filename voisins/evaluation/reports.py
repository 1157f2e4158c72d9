"""Reports for funders and boards: the period's figures and charts as a PDF (WeasyPrint)
and an XLSX (openpyxl), in French, Dutch or English.

Only aggregates go in: counts, shares, durations, means. No name, e-mail, phone, reference
or free text written by a household, so that a report can be forwarded as it is (a test
searches every generated report for every name of its data set).
"""

from __future__ import annotations

import functools
import io
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from voisins import rounding
from voisins.programmes.models import Programme
from voisins.spreadsheets import neutralise_workbook

from . import selectors
from .questions import MIN_GROUP, Wave

REPORT_LANGUAGES = ("fr", "nl", "en")


class Report:
    """Every figure of one programme and period, computed once and read by every output:
    the dashboard, the persistence page, the PDF, the XLSX and the API statistics.

    Each part is computed when first read (a page reads only what it shows), in the
    report's language (labels are translated), on one `today`. With ``small_counts=False``
    (every funder report, and the dashboard of a viewer) counts of 1 to 4 people are None:
    see `selectors.dashboard_without_small_counts`.
    """

    def __init__(self, *, programme: Programme, period: selectors.Period, language: str,
                 today: date | None = None, small_counts: bool = False) -> None:
        if language not in dict(settings.LANGUAGES):
            raise ValueError(language)
        self.programme = programme
        self.programme_name = programme.name
        self.period = period
        self.language = language
        self.created = today or timezone.localdate()
        self.small_counts = small_counts

    def _in_language(self, compute: Any) -> Any:
        with translation.override(self.language):
            return compute()

    @functools.cached_property
    def persistence(self) -> selectors.Persistence:
        """Kaplan–Meier of the matches started in the period, not split."""
        return self._in_language(lambda: selectors.persistence(
            programme=self.programme, period=self.period, today=self.created))

    @functools.cached_property
    def dashboard(self) -> selectors.Dashboard:
        d = self._in_language(lambda: selectors.dashboard(
            programme=self.programme, period=self.period, today=self.created,
            persistence_=self.persistence))
        return d if self.small_counts else selectors.dashboard_without_small_counts(d)

    @functools.cached_property
    def cohorts(self) -> selectors.Persistence:
        return self.persistence_for("cohort")

    def persistence_for(self, split: str = "", cutoff: date | None = None
                        ) -> selectors.Persistence:
        """The period's Kaplan–Meier, split as asked: the report's own objects for no split
        and for cohorts, so the persistence page shows what the report shows."""
        if not split:
            return self.persistence
        if split == "cohort" and "cohorts" in self.__dict__:
            return self.__dict__["cohorts"]
        return self._in_language(lambda: selectors.persistence(
            programme=self.programme, period=self.period, split=split, cutoff=cutoff,
            today=self.created))

    @functools.cached_property
    def outcomes_6(self) -> selectors.SurveyResults:
        return self._in_language(lambda: selectors.survey_results(
            programme=self.programme, period=self.period, wave=Wave.MONTH_6))

    @functools.cached_property
    def outcomes_12(self) -> selectors.SurveyResults:
        return self._in_language(lambda: selectors.survey_results(
            programme=self.programme, period=self.period, wave=Wave.MONTH_12))

    @functools.cached_property
    def themes(self) -> selectors.ThemeTable:
        return self._in_language(lambda: selectors.theme_table(programme=self.programme))

    @functools.cached_property
    def lockdowns(self) -> list[selectors.Lockdown]:
        return self._in_language(lambda: selectors.lockdowns(programme=self.programme,
                                                             today=self.created))

    @property
    def title(self) -> str:
        with translation.override(self.language):
            return _("%(programme)s – report for the period %(period)s") % {
                "programme": self.programme_name, "period": self.period.label()}

    def filename(self, extension: str) -> str:
        """Named after the period it covers, not the day it was made:
        ``demo-2025-12-08-2026-12-07-nl.pdf``."""
        start = self.period.start.isoformat() if self.period.start else "start"
        end = (self.period.end or self.created).isoformat()
        return f"{self.programme.slug}-{start}-{end}-{self.language}.{extension}"

    def figures(self) -> dict[str, Any]:
        """The report's headline figures, rounded as everywhere (voisins.rounding),
        for the API: numbers, never text; shares as fractions rounded to whole percents."""
        d = self.dashboard

        def curve(c: Any) -> dict[str, Any]:
            return {
                "label": c.label, "matches": c.n, "ended": c.ended,
                "median_months": _number(rounding.months(c.median_months)),
                "still_going": {str(m.months): _number(rounding.share(m.share))
                                for m in c.milestones},
                "months": [_number(rounding.months(t)) for t in c.months],
                "survival": [_number(rounding.share(v)) for v in c.survival],
            }

        def test(t: Any) -> dict[str, Any] | None:
            if t is None:
                return None
            return {"chi2": _number(rounding.statistic(t.statistic)),
                    "p_value": _number(rounding.p_value(t.p_value)),
                    "p_below_0_001": rounding.p_value_below_floor(t.p_value),
                    "degrees_of_freedom": t.degrees_of_freedom}

        overall = self.persistence.overall
        cohorts = self.cohorts.comparison
        return {
            "period": {"start": self.period.start, "end": self.period.end},
            "matches_started": d.started, "matches_ended": d.ended,
            "matches_going_on": d.live_now,
            "hours_given": _number(rounding.hours(d.hours_given)),
            "families_by_status": {code: n for code, _label, n in d.families},
            "volunteers_by_status": {code: n for code, _label, n in d.volunteers},
            "median_wait_days": _number(rounding.days(d.waiting.matched_median)),
            "persistence": curve(overall) if overall else None,
            "cohorts": [curve(c) for c in cohorts.curves] if cohorts else [],
            "cohorts_log_rank": test(cohorts.test) if cohorts else None,
            "lockdowns": [{
                "began": lockdown.began, "resumed": lockdown.resumed,
                "live_at_start": lockdown.live_at_start,
                "still_live": {str(f.months): f.live for f in lockdown.follow_ups},
                "log_rank": test(lockdown.persistence.comparison.test
                                 if lockdown.persistence.comparison else None),
            } for lockdown in self.lockdowns],
        }


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def report_build(*, programme: Programme, period: selectors.Period, language: str,
                 today: date | None = None, small_counts: bool = False) -> Report:
    """The report of `programme` for `period`, in `language` (its parts computed when first
    read). Funder reports never give small counts; a coordinator's dashboard does."""
    return Report(programme=programme, period=period, language=language, today=today,
                  small_counts=small_counts)


def report_pdf(report: Report) -> bytes:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    with translation.override(report.language):
        html = render_to_string("evaluation/report.html", {"report": report,
                                                            "min_group": MIN_GROUP})
        # The charts are data: URIs; nothing else may be read (no network, no file).
        fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
        return HTML(string=html, url_fetcher=fetcher).write_pdf()


def report_xlsx(report: Report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference, ScatterChart, Series
    from openpyxl.styles import Font

    bold = Font(bold=True)
    with translation.override(report.language):
        d = report.dashboard
        workbook = Workbook()
        summary = workbook.active
        summary.title = _("Summary")[:31]
        rows = [
            [_("Programme"), report.programme_name],
            [_("Period"), d.period.label()],
            [_("Created on"), report.created],
            [],
            [_("Matches started in the period"), d.started],
            [_("Matches ended in the period"), d.ended],
            [_("Matches going on today"), d.live_now],
            [_("Hours given by volunteers in the period"),
             _number(rounding.hours(d.hours_given))],
        ]
        overall = d.persistence.overall
        if overall:
            rows.append([_("Median duration (months)"),
                         _months(overall.median_months) if overall.median_months is not None
                         else _("not reached")])
            for m in overall.milestones:
                rows.append([_("Still going at %(n)s months") % {"n": m.months},
                             _share(m.share)])
        rows += [
            [],
            [_("Median wait of the families matched (days)"),
             _number(rounding.days(d.waiting.matched_median))],
            [_("90th percentile of that wait (days)"),
             _number(rounding.days(d.waiting.matched_p90))],
            [_("Families waiting today"), _count(d.waiting.waiting_n)],
            [_("Median wait so far of the families waiting today (days)"),
             _number(rounding.days(d.waiting.waiting_median))],
        ]
        for row in rows:
            _append(summary, row)
        for cell in summary["A"]:
            cell.font = bold
        summary.column_dimensions["A"].width = 55
        summary.column_dimensions["B"].width = 30

        sheet = workbook.create_sheet(_("Households")[:31])
        _append(sheet, [_("Families by status"), _("Number")])
        for _code, label, n in d.families:
            _append(sheet, [str(label), _count(n)])
        _append(sheet, [])
        _append(sheet, [_("Volunteer households by status"), _("Number")])
        for _code, label, n in d.volunteers:
            _append(sheet, [str(label), _count(n)])
        sheet.column_dimensions["A"].width = 40

        sheet = workbook.create_sheet(_("Per month")[:31])
        _append(sheet, [_("Month"), _("started"), _("ended")])
        for month, started, ended in d.months:
            _append(sheet, [month, started, ended])
        if d.months:
            chart = BarChart()
            chart.title = _("Matches started and ended per month")
            data = Reference(sheet, min_col=2, min_row=1, max_col=3, max_row=len(d.months) + 1)
            chart.add_data(data, titles_from_data=True)
            chart.set_categories(Reference(sheet, min_col=1, min_row=2,
                                           max_row=len(d.months) + 1))
            chart.width, chart.height = 24, 9
            sheet.add_chart(chart, "E2")

        sheet = workbook.create_sheet(_("Persistence")[:31])
        curves = ([overall] if overall else []) + list(report.cohorts.curves)
        _append(sheet, [_("Group"), _("Matches"), _("Ended"), _("Median duration (months)")]
                     + [_("Still going at %(n)s months") % {"n": m} for m in (3, 6, 12, 24)])
        for curve in curves:
            _append(sheet, [curve.label, curve.n, curve.ended, _months(curve.median_months)]
                         + [_share(m.share) for m in curve.milestones])
        if report.cohorts.comparison and report.cohorts.comparison.test:
            _append(sheet, [])
            _append(sheet, [_("Log-rank test between cohorts"),
                          *_test_cells(report.cohorts.comparison.test)])
        if overall:
            start = sheet.max_row + 2
            sheet.cell(start, 1, _("Months")).font = bold
            sheet.cell(start, 2, _("Still going")).font = bold
            sheet.cell(start, 3, _("Lower bound (95 %)")).font = bold
            sheet.cell(start, 4, _("Upper bound (95 %)")).font = bold
            for i, (t, s, lo, hi) in enumerate(zip(overall.months, overall.survival,
                                                   overall.lower, overall.upper, strict=True)):
                _set(sheet, start + 1 + i, 1, _months(t))
                _set(sheet, start + 1 + i, 2, _share(s))
                _set(sheet, start + 1 + i, 3, _share(lo))
                _set(sheet, start + 1 + i, 4, _share(hi))
            end = start + len(overall.months)
            chart = ScatterChart()
            chart.title = _("Share of matches still going")
            chart.x_axis.title = _("months since the start of the match")
            chart.style = 13
            x = Reference(sheet, min_col=1, min_row=start + 1, max_row=end)
            for col in (2, 3, 4):
                series = Series(Reference(sheet, min_col=col, min_row=start, max_row=end), x,
                                title_from_data=True)
                series.marker.symbol = "none"
                chart.series.append(series)
            chart.width, chart.height = 20, 10
            sheet.add_chart(chart, "G2")
        sheet.column_dimensions["A"].width = 32

        _lockdown_sheet(workbook, report)

        sheet = workbook.create_sheet(_("Outcomes")[:31])
        for results in (report.outcomes_6, report.outcomes_12):
            _append(sheet, [str(Wave(results.wave).label)])
            _append(sheet, [_("Indicator"), _("Children"), _("At the start"), _("At follow-up"),
                          _("Change"), _("Children whose answer went up")])
            for o in results.outcomes:
                if o.suppressed:
                    _append(sheet, [o.label, _("fewer than %(n)s children: not shown") % {
                        "n": MIN_GROUP}])
                else:
                    _append(sheet, [o.label, o.children, _number(rounding.mean(o.start_mean)),
                                  _number(rounding.mean(o.follow_mean)),
                                  _number(rounding.mean(o.change)), _share(o.improved)])
            _append(sheet, [])
        sheet.column_dimensions["A"].width = 45

        sheet = workbook.create_sheet(_("Activities")[:31])
        _append(sheet, [_("What households did together"), _("Number")])
        for label, n in d.activities:
            _append(sheet, [label, n])
        _append(sheet, [])
        _append(sheet, [_("Mediation cases by type"), _("Number")])
        for label, n in d.cases:
            _append(sheet, [str(label), _count(n)])
        sheet.column_dimensions["A"].width = 45

        sheet = workbook.create_sheet(_("Recruitment")[:31])
        _append(sheet, [_("Channel")] + [label.capitalize() for label in d.funnel.stages])
        for label, values in d.funnel.rows:
            _append(sheet, [label] + [_count(n) for n in values])
        _append(sheet, [_("All channels")] + [_count(n) for n in d.funnel.total])
        _append(sheet, [])
        _append(sheet, [_("Visits of the sign-up form and sign-ups in the period; screened, "
                        "trained and matched: how far those households have gone since.")])
        sheet.column_dimensions["A"].width = 30

        sheet = workbook.create_sheet(_("Training")[:31])
        _append(sheet, [_("Module"), _("Required"), _("Sessions"), _("Registered"),
                      _("Attended")])
        for module in d.training.modules:
            _append(sheet, [module.title, _("yes") if module.required else _("no"),
                          module.sessions, _count(module.registered), _count(module.attended)])
        _append(sheet, [])
        _append(sheet, [_("volunteer households completed the required training in the period"),
                      None if d.training.completed is None else _count(d.training.completed)])
        sheet.column_dimensions["A"].width = 45

        sheet = workbook.create_sheet(_("Postcodes")[:31])
        _append(sheet, [_("Postcode"), _("Locality"), _("Families"), _("Volunteer households")])
        for code, locality, families, volunteers in d.postcodes:
            _append(sheet, [code, locality, _count(families), _count(volunteers)])

        sheet = workbook.create_sheet(_("Evaluation themes")[:31])
        _append(sheet, [_("Theme")] + [str(y) for y in report.themes.years])
        for label, cells in report.themes.rows:
            _append(sheet, [label] + [str(c) if c.in_minutes else c.feedback for c in cells])
        _append(sheet, [])
        _append(sheet, [_("Number of feedback forms that raised each theme; * the meeting's "
                        "minutes record it.")])
        sheet.column_dimensions["A"].width = 45

        for ws in workbook.worksheets:
            for cell in ws[1]:
                cell.font = bold
        # Names and titles typed by people never become formulas (issue 19).
        neutralise_workbook(workbook)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()


# --- Cells of the XLSX: the rounded figure, in a format that shows it as the page does ---

PERCENT = "0%"
ONE_DECIMAL = "0.0"
TWO_DECIMALS = "0.00"
THREE_DECIMALS = "0.000"


class _Cell:
    """A value with its number format, written by `_formats`."""

    def __init__(self, value: float, number_format: str) -> None:
        self.value, self.number_format = value, number_format


def _share(value: float | None) -> Any:
    """A share rounded to whole percents (0.957 → 0.96), shown as a percentage."""
    rounded = rounding.share(value)
    return None if rounded is None else _Cell(float(rounded), PERCENT)


def _months(value: float | None) -> Any:
    rounded = rounding.months(value)
    return None if rounded is None else _Cell(float(rounded), ONE_DECIMAL)


def _count(n: int | None) -> Any:
    """A count, or "< 5" for a small count suppressed."""
    return f"< {rounding.MIN_COUNT}" if n is None else n


def _test_cells(test: Any) -> list[Any]:
    p = (f"< {rounding.P_VALUE_FLOOR}" if rounding.p_value_below_floor(test.p_value)
         else _Cell(float(rounding.p_value(test.p_value)), THREE_DECIMALS))
    return [_("χ²"), _Cell(float(rounding.statistic(test.statistic)), TWO_DECIMALS),
            _("degrees of freedom"), test.degrees_of_freedom, _("p"), p]


def _append(sheet: Any, values: list[Any]) -> None:
    """Append a row; a `_Cell` is written as its value with its number format."""
    sheet.append([v.value if isinstance(v, _Cell) else v for v in values])
    for column, value in enumerate(values, start=1):
        if isinstance(value, _Cell):
            sheet.cell(sheet.max_row, column).number_format = value.number_format


def _set(sheet: Any, row: int, column: int, value: Any) -> None:
    cell = sheet.cell(row, column, value.value if isinstance(value, _Cell) else value)
    if isinstance(value, _Cell):
        cell.number_format = value.number_format


def _lockdown_sheet(workbook: Any, report: Report) -> None:
    """The lockdown figure: per programme pause, the matches live when it began and how
    many of them were still live 3, 6 and 12 months after the resume, then the log-rank
    test of the matches started before and after the day it began."""
    from openpyxl.styles import Font

    lockdowns = report.lockdowns
    if not lockdowns:
        return
    sheet = workbook.create_sheet(_("Lockdowns")[:31])
    _append(sheet, [_("Programme paused on"), _("Resumed on"), _("Matches live when it began")]
                 + [_("Still live %(n)s months after the resume") % {"n": f.months}
                    for f in lockdowns[0].follow_ups]
                 + [_("Share still live %(n)s months after the resume") % {"n": f.months}
                    for f in lockdowns[0].follow_ups])
    for lockdown in lockdowns:
        _append(sheet, [lockdown.began, lockdown.resumed or _("not yet resumed"),
                      lockdown.live_at_start]
                     + [_("not yet known") if f.live is None else f.live
                        for f in lockdown.follow_ups]
                     + [_("not yet known") if f.live is None else _share(lockdown.share(f))
                        for f in lockdown.follow_ups])
    for lockdown in lockdowns:
        _append(sheet, [])
        _append(sheet, [_("Matches started before and after %(date)s") % {
            "date": lockdown.began.isoformat()}])
        sheet.cell(sheet.max_row, 1).font = Font(bold=True)
        _append(sheet, [_("Group"), _("Matches"), _("Ended"), _("Median duration (months)")]
                     + [_("Still going at %(n)s months") % {"n": m} for m in (3, 6, 12, 24)])
        for curve in lockdown.persistence.curves:
            _append(sheet, [curve.label, curve.n, curve.ended, _months(curve.median_months)]
                         + [_share(m.share) for m in curve.milestones])
        comparison = lockdown.persistence.comparison
        if comparison and comparison.test:
            _append(sheet, [_("Log-rank test"), *_test_cells(comparison.test)])
    sheet.column_dimensions["A"].width = 36
