"""Reports for funders and boards: the period's figures and charts as a PDF (WeasyPrint)
and an XLSX (openpyxl), in French, Dutch or English.

Only aggregates go in: counts, shares, durations, means. No name, e-mail, phone, reference
or free text written by a household, so that a report can be forwarded as it is (a test
searches every generated report for every name of its data set).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from voisins.programmes.models import Programme

from . import selectors
from .questions import MIN_GROUP, Wave

REPORT_LANGUAGES = ("fr", "nl", "en")


@dataclass(frozen=True)
class Report:
    programme_name: str
    language: str
    created: date
    dashboard: selectors.Dashboard
    cohorts: selectors.Persistence
    outcomes_6: selectors.SurveyResults
    outcomes_12: selectors.SurveyResults
    themes: selectors.ThemeTable


def report_build(*, programme: Programme, period: selectors.Period, language: str) -> Report:
    """Every figure of the report, computed in `language` (labels are translated)."""
    if language not in REPORT_LANGUAGES:
        raise ValueError(language)
    with translation.override(language):
        return Report(
            programme_name=programme.name,
            language=language,
            created=timezone.localdate(),
            dashboard=selectors.dashboard(programme=programme, period=period),
            cohorts=selectors.persistence(programme=programme, period=period, split="cohort"),
            outcomes_6=selectors.survey_results(programme=programme, period=period,
                                                wave=Wave.MONTH_6),
            outcomes_12=selectors.survey_results(programme=programme, period=period,
                                                 wave=Wave.MONTH_12),
            themes=selectors.theme_table(programme=programme),
        )


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
        ]
        overall = d.persistence.overall
        if overall:
            rows.append([_("Median duration (months)"),
                         round(overall.median_months, 1) if overall.median_months else
                         _("not reached")])
            for m in overall.milestones:
                rows.append([_("Still going at %(n)s months") % {"n": m.months},
                             None if m.share is None else round(m.share, 3)])
        rows += [
            [],
            [_("Median wait of the families matched (days)"), d.waiting.matched_median],
            [_("90th percentile of that wait (days)"), d.waiting.matched_p90],
            [_("Families waiting today"), d.waiting.waiting_n],
            [_("Median wait so far of the families waiting today (days)"),
             d.waiting.waiting_median],
        ]
        for row in rows:
            summary.append(row)
        for cell in summary["A"]:
            cell.font = bold
        summary.column_dimensions["A"].width = 55
        summary.column_dimensions["B"].width = 30

        sheet = workbook.create_sheet(_("Households")[:31])
        sheet.append([_("Families by status"), _("Number")])
        for _code, label, n in d.families:
            sheet.append([str(label), n])
        sheet.append([])
        sheet.append([_("Volunteer households by status"), _("Number")])
        for _code, label, n in d.volunteers:
            sheet.append([str(label), n])
        sheet.column_dimensions["A"].width = 40

        sheet = workbook.create_sheet(_("Per month")[:31])
        sheet.append([_("Month"), _("started"), _("ended")])
        for month, started, ended in d.months:
            sheet.append([month, started, ended])
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
        sheet.append([_("Group"), _("Matches"), _("Ended"), _("Median duration (months)")]
                     + [_("Still going at %(n)s months") % {"n": m} for m in (3, 6, 12, 24)])
        for curve in curves:
            sheet.append([curve.label, curve.n, curve.ended,
                          round(curve.median_months, 1) if curve.median_months else None]
                         + [None if m.share is None else round(m.share, 3)
                            for m in curve.milestones])
        if report.cohorts.comparison and report.cohorts.comparison.test:
            test = report.cohorts.comparison.test
            sheet.append([])
            sheet.append([_("Log-rank test between cohorts"), _("χ²"), round(test.statistic, 3),
                          _("p"), round(test.p_value, 4)])
        if overall:
            start = sheet.max_row + 2
            sheet.cell(start, 1, _("Months")).font = bold
            sheet.cell(start, 2, _("Still going")).font = bold
            sheet.cell(start, 3, _("Lower bound (95 %)")).font = bold
            sheet.cell(start, 4, _("Upper bound (95 %)")).font = bold
            for i, (t, s, lo, hi) in enumerate(zip(overall.months, overall.survival,
                                                   overall.lower, overall.upper, strict=True)):
                sheet.cell(start + 1 + i, 1, round(t, 2))
                sheet.cell(start + 1 + i, 2, round(s, 4))
                sheet.cell(start + 1 + i, 3, round(lo, 4))
                sheet.cell(start + 1 + i, 4, round(hi, 4))
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

        sheet = workbook.create_sheet(_("Outcomes")[:31])
        for results in (report.outcomes_6, report.outcomes_12):
            sheet.append([str(Wave(results.wave).label)])
            sheet.append([_("Indicator"), _("Children"), _("At the start"), _("At follow-up"),
                          _("Change"), _("Children whose answer went up")])
            for o in results.outcomes:
                if o.suppressed:
                    sheet.append([o.label, _("fewer than %(n)s children: not shown") % {
                        "n": MIN_GROUP}])
                else:
                    sheet.append([o.label, o.children, round(o.start_mean, 2),
                                  round(o.follow_mean, 2), round(o.change, 2),
                                  round(o.improved, 3)])
            sheet.append([])
        sheet.column_dimensions["A"].width = 45

        sheet = workbook.create_sheet(_("Activities")[:31])
        sheet.append([_("What households did together"), _("Number")])
        for label, n in d.activities:
            sheet.append([label, n])
        sheet.append([])
        sheet.append([_("Mediation cases by type"), _("Number")])
        for label, n in d.cases:
            sheet.append([str(label), n])
        sheet.column_dimensions["A"].width = 45

        sheet = workbook.create_sheet(_("Recruitment")[:31])
        sheet.append([_("Channel")] + [label.capitalize() for label in d.funnel.stages])
        for label, values in d.funnel.rows:
            sheet.append([label] + values)
        sheet.append([_("All channels")] + d.funnel.total)
        sheet.append([])
        sheet.append([_("Visits of the sign-up form and sign-ups in the period; screened, "
                        "trained and matched: how far those households have gone since.")])
        sheet.column_dimensions["A"].width = 30

        sheet = workbook.create_sheet(_("Training")[:31])
        sheet.append([_("Module"), _("Required"), _("Sessions"), _("Registered"),
                      _("Attended")])
        for module in d.training.modules:
            sheet.append([module.title, _("yes") if module.required else _("no"),
                          module.sessions, module.registered, module.attended])
        sheet.append([])
        sheet.append([_("volunteer households completed the required training in the period"),
                      d.training.completed])
        sheet.column_dimensions["A"].width = 45

        sheet = workbook.create_sheet(_("Postcodes")[:31])
        sheet.append([_("Postcode"), _("Locality"), _("Families"), _("Volunteer households")])
        for row in d.postcodes:
            sheet.append(list(row))

        sheet = workbook.create_sheet(_("Evaluation themes")[:31])
        sheet.append([_("Theme")] + [str(y) for y in report.themes.years])
        for label, cells in report.themes.rows:
            sheet.append([label] + [str(c) if c.in_minutes else c.feedback for c in cells])
        sheet.append([])
        sheet.append([_("Number of feedback forms that raised each theme; * the meeting's "
                        "minutes record it.")])
        sheet.column_dimensions["A"].width = 45

        for ws in workbook.worksheets:
            for cell in ws[1]:
                cell.font = bold
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
