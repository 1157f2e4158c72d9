"""The network's figures for a period, as the page, the PDF and the XLSX show them.

`NetworkReport` pools what the members published (`selectors.pooled`), suppresses small
counts and what would give them away (`suppression`), names the programmes that agreed to
be named (the others are "programme A", "programme B"…), and rounds every figure once
(`voisins.rounding`, through `Cell`): the page, the PDF and the XLSX read the same cells,
so they show the same figures.
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from voisins import rounding
from voisins.evaluation import charts
from voisins.evaluation.questions import Indicator
from voisins.evaluation.survival import MIN_GROUP, Curve, LogRank
from voisins.spreadsheets import neutralise_workbook

from . import pooled_survival, selectors, services, suppression
from .models import Network
from .schema import INDICATORS, WAVES

REPORT_LANGUAGES = ("fr", "nl", "en")
CHART_CURVES = 7


@dataclass(frozen=True)
class Cell:
    """One figure as it is shown: `value` (a rounded Decimal or a count, None when not
    shown) and `text` (how it reads). The XLSX stores `value`, or `text` when None."""

    value: Decimal | int | None
    text: str
    mark: str | None = None  # suppression.SMALL, suppression.HIDDEN, or None

    def __str__(self) -> str:
        return self.text

    @property
    def sheet(self) -> Any:
        return float(self.value) if isinstance(self.value, Decimal) else (
            self.value if self.value is not None else self.text)


NOTHING = Cell(None, "—")


def count_cell(n: int | None, mark: str | None = None) -> Cell:
    """A count: "< 5" when small (1–4), "hidden" when hidden so that a small count cannot
    be worked out, else the number."""
    if n is None:
        return NOTHING
    if mark == suppression.HIDDEN:
        return Cell(None, _("hidden"), mark)
    if mark == suppression.SMALL or rounding.small_count(n) is None:
        return Cell(None, "< 5", suppression.SMALL)
    return Cell(n, number_format(n, 0, force_grouping=True))


def decimal_cell(value: Decimal | None, digits: int, suffix: str = "") -> Cell:
    if value is None:
        return NOTHING
    return Cell(value, number_format(value, digits, force_grouping=True) + suffix)


def share_cell(share: float | None) -> Cell:
    points = rounding.percent_points(share)
    if points is None:
        return NOTHING
    return Cell(points / 100, number_format(points, 0) + " %")


def months_cell(value: float | None) -> Cell:
    return decimal_cell(rounding.months(value), rounding.MONTHS_DIGITS)


def p_cell(value: float) -> Cell:
    if rounding.p_value_below_floor(value):
        return Cell(rounding.P_VALUE_FLOOR, "< " + number_format(rounding.P_VALUE_FLOOR, 3))
    return decimal_cell(rounding.p_value(value), rounding.P_VALUE_DIGITS)


@dataclass(frozen=True)
class TableRow:
    label: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[TableRow, ...]
    totals: tuple[Cell, ...]
    suppressed: bool  # some cell is hidden beyond the small counts


@dataclass(frozen=True)
class OutcomeRow:
    indicator: str
    wave: str
    children: Cell
    start: Cell
    follow: Cell
    change: Cell
    improved: Cell


def _table(labels: list[str], values: list[list[int]], headers: tuple[str, ...]) -> Table:
    result = suppression.suppress(values)
    rows = tuple(TableRow(label, tuple(count_cell(v, m) for v, m in zip(
        result.values[r], result.marks[r], strict=True))) for r, label in enumerate(labels))
    totals = tuple(count_cell(t) if t is not None else Cell(None, _("hidden"),
                                                             suppression.HIDDEN)
                   for t in result.totals)
    hidden = any(m == suppression.HIDDEN for row in result.marks for m in row) or any(
        t is None for t in result.totals)
    return Table(headers=headers, rows=rows, totals=totals, suppressed=hidden)


class NetworkReport:
    """Every figure of one network and period, computed once, read by every output."""

    def __init__(self, *, network: Network, period: selectors.Period, language: str,
                 today: date | None = None, pooled: selectors.Pooled | None = None) -> None:
        if language not in dict(settings.LANGUAGES):
            raise ValueError(language)
        self.network = network
        self.period = period
        self.language = language
        self.created = today or timezone.localdate()
        self._pooled = pooled

    def _in_language(self, compute: Any) -> Any:
        with translation.override(self.language):
            return compute()

    @functools.cached_property
    def pooled(self) -> selectors.Pooled:
        if self._pooled is not None:
            return self._pooled
        services.pooled_months_refresh(network=self.network, start=self.period.start,
                                       end=self.period.end)
        return selectors.pooled(self.network, self.period)

    @functools.cached_property
    def labels(self) -> dict[int, str]:
        return self._in_language(lambda: selectors.member_labels(
            selectors.members_of(self.network)))

    @functools.cached_property
    def member_ids(self) -> list[int]:
        """The members that published in the period, in the order they joined."""
        return [pk for pk in self.labels if pk in self.pooled.members]

    @property
    def period_label(self) -> str:
        with translation.override(self.language):
            return _("%(start)s to %(end)s") % {
                "start": date_format(self.period.start, "YEAR_MONTH_FORMAT"),
                "end": date_format(self.period.end, "YEAR_MONTH_FORMAT")}

    @property
    def programmes(self) -> int:
        return len(self.member_ids)

    @functools.cached_property
    def matches(self) -> Table:
        m = self.pooled.members
        return self._in_language(lambda: _table(
            [self.labels[pk] for pk in self.member_ids],
            [[m[pk].started, m[pk].ended, m[pk].active_at_end] for pk in self.member_ids],
            (_("started"), _("ended"), _("going on at the end"))))

    @functools.cached_property
    def funnel(self) -> Table:
        m = self.pooled.members
        return self._in_language(lambda: _table(
            [self.labels[pk] for pk in self.member_ids],
            [[m[pk].funnel[s] for s in selectors.FUNNEL] for pk in self.member_ids],
            (_("reached"), _("signed up"), _("screened"), _("trained"), _("matched"))))

    @functools.cached_property
    def hours(self) -> tuple[list[tuple[str, Cell]], Cell]:
        """Hours given per programme and in all (whole hours; not people, so not
        suppressed)."""
        m = self.pooled.members
        with translation.override(self.language):
            per = [(self.labels[pk], decimal_cell(rounding.hours(m[pk].hours), 0))
                   for pk in self.member_ids]
            total = sum((m[pk].hours for pk in self.member_ids), Decimal(0))
            return per, decimal_cell(rounding.hours(total), 0)

    # --- persistence -----------------------------------------------------------------

    @functools.cached_property
    def overall(self) -> Curve | None:
        """Kaplan–Meier of every match that started in the period, pooled (None under
        MIN_GROUP matches)."""
        curve = self._in_language(lambda: pooled_survival.km_from_life_table(
            self.pooled.life_table(), _("all programmes")))
        return curve if curve.n >= MIN_GROUP else None

    @functools.cached_property
    def curves(self) -> tuple[Curve, ...]:
        """A curve per programme whose count of matches started is shown (so neither a
        small count nor a cell hidden to protect one: the curve's n would give it)."""
        shown = {row.label for row in self.matches.rows if row.cells[0].mark is None}
        out = []
        for pk in self.member_ids:
            label = self.labels[pk]
            if label not in shown:
                continue
            curve = pooled_survival.km_from_life_table(self.pooled.life_table(pk), label)
            if curve.n >= MIN_GROUP:
                out.append(curve)
        return tuple(out)

    @functools.cached_property
    def test(self) -> LogRank | None:
        if len(self.curves) < 2:
            return None
        by_label = {self.labels[pk]: pk for pk in self.member_ids}
        return pooled_survival.log_rank_grouped({
            c.label: self.pooled.life_table(by_label[c.label]) for c in self.curves})

    @property
    def hidden_curves(self) -> int:
        return len(self.member_ids) - len(self.curves)

    def curve_rows(self, curve: Curve) -> list[Cell]:
        with translation.override(self.language):
            return [count_cell(curve.n), months_cell(curve.median_months),
                    *(share_cell(m.share) for m in curve.milestones)]

    @property
    def persistence_rows(self) -> list[tuple[str, list[Cell]]]:
        return self._in_language(lambda: [
            (c.label, self.curve_rows(c)) for c in
            ([self.overall] if self.overall else []) + list(self.curves)])

    @property
    def persistence_headers(self) -> list[str]:
        return self._in_language(lambda: [
            _("programme"), _("matches"), _("median (months)")] + [
            _("%(n)s months") % {"n": m} for m in (3, 6, 12, 24)])

    @property
    def test_cells(self) -> tuple[Cell, Cell, int] | None:
        t = self.test
        if t is None:
            return None
        with translation.override(self.language):
            return (decimal_cell(rounding.statistic(t.statistic),
                                 rounding.STATISTIC_DIGITS),
                    p_cell(t.p_value), t.degrees_of_freedom)

    @property
    def test_significant(self) -> bool:
        return bool(self.test and rounding.significant(self.test.p_value))

    @property
    def drawn_curves(self) -> list[Curve]:
        """The chart's curves: the pooled one and the CHART_CURVES programmes with the
        most matches (a hundred curves on one chart say nothing; the table has them all)."""
        largest = sorted(self.curves, key=lambda c: -c.n)[:CHART_CURVES]
        return ([self.overall] if self.overall else []) + [
            c for c in self.curves if c in largest]

    @functools.cached_property
    def survival_uri(self) -> str:
        curves = self.drawn_curves
        if not curves:
            return ""
        with translation.override(self.language):
            return charts.data_uri(charts.survival_chart(
                curves, x_label=_("months since the start"),
                y_label=_("matches still going")))

    # --- outcomes ---------------------------------------------------------------------

    @functools.cached_property
    def outcomes(self) -> list[OutcomeRow]:
        """Per indicator and wave, pooled: means at the start and at follow-up (1–5),
        their change, and the share of children whose answer went up; nothing but "< 5"
        for fewer than 5 children."""
        names = dict(Indicator.choices)
        rows = []
        with translation.override(self.language):
            waves = {"m6": _("6 months"), "m12": _("12 months")}
            for indicator in INDICATORS:
                for wave in WAVES:
                    children, start, follow, improved = self.pooled.outcome(indicator, wave)
                    if not children:
                        continue
                    label = str(names.get(indicator, indicator))
                    if rounding.small_count(children) is None:
                        rows.append(OutcomeRow(label, waves[wave], count_cell(children),
                                               NOTHING, NOTHING, NOTHING, NOTHING))
                        continue
                    mean_start = rounding.mean(start / children)
                    mean_follow = rounding.mean(follow / children)
                    change = rounding.mean((follow - start) / children)
                    rows.append(OutcomeRow(
                        label, waves[wave], count_cell(children),
                        decimal_cell(mean_start, rounding.MEAN_DIGITS),
                        decimal_cell(mean_follow, rounding.MEAN_DIGITS),
                        decimal_cell(change, rounding.MEAN_DIGITS),
                        share_cell(improved / children)))
        return rows

    @functools.cached_property
    def outcomes_uri(self) -> str:
        shown = [r for r in self.outcomes if r.start.value is not None and r.wave]
        if not shown:
            return ""
        with translation.override(self.language):
            return charts.data_uri(charts.change_chart(
                [f"{r.indicator} ({r.wave})" for r in shown],
                [float(r.start.value) for r in shown],  # type: ignore[arg-type]
                [float(r.follow.value) for r in shown],  # type: ignore[arg-type]
                before_label=_("at the start"), after_label=_("at follow-up")))

    def figures(self) -> dict[str, str]:
        """Every figure's text by a stable key: what the page, the PDF and the XLSX
        must all show (the tests compare them)."""
        out: dict[str, str] = {}
        for name, table in (("matches", self.matches), ("funnel", self.funnel)):
            for r, row in enumerate(table.rows):
                for c, cell in enumerate(row.cells):
                    out[f"{name}.{r}.{c}"] = cell.text
            for c, cell in enumerate(table.totals):
                out[f"{name}.total.{c}"] = cell.text
        for label, cells in self.persistence_rows:
            for c, cell in enumerate(cells):
                out[f"persistence.{label}.{c}"] = cell.text
        for i, row in enumerate(self.outcomes):
            for key in ("children", "start", "follow", "change", "improved"):
                out[f"outcomes.{i}.{key}"] = getattr(row, key).text
        out["hours.total"] = self.hours[1].text
        return out


def report_build(*, network: Network, period: selectors.Period, language: str,
                 today: date | None = None, pooled: selectors.Pooled | None = None,
                 ) -> NetworkReport:
    """The network's report for `period`, in `language` (parts computed when read)."""
    return NetworkReport(network=network, period=period, language=language, today=today,
                         pooled=pooled)


def report_pdf(report: NetworkReport) -> bytes:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    with translation.override(report.language):
        html = render_to_string("networks/report.html", {"report": report,
                                                          "min_group": MIN_GROUP})
        fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
        return HTML(string=html, url_fetcher=fetcher).write_pdf()


def report_xlsx(report: NetworkReport) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    bold = Font(bold=True)
    with translation.override(report.language):
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = _("Summary")[:31]
        for row in ([_("Network"), report.network.name], [_("Period"), report.period_label],
                    [_("Created on"), report.created],
                    [_("Programmes that published"), report.programmes],
                    [_("Hours given by volunteers in the period"), report.hours[1].sheet]):
            sheet.append(row)
        sheet.column_dimensions["A"].width = 45
        sheet.column_dimensions["B"].width = 30
        for title, table in ((_("Matches"), report.matches),
                             (_("Recruitment"), report.funnel)):
            sheet = workbook.create_sheet(title[:31])
            sheet.append([_("programme"), *table.headers])
            for row in table.rows:
                sheet.append([row.label, *(c.sheet for c in row.cells)])
            sheet.append([_("all programmes"), *(c.sheet for c in table.totals)])
            sheet.column_dimensions["A"].width = 30
            for cell in sheet[1]:
                cell.font = bold
        sheet = workbook.create_sheet(_("Persistence")[:31])
        sheet.append(report.persistence_headers)
        for label, cells in report.persistence_rows:
            sheet.append([label, *(c.sheet for c in cells)])
        if report.test_cells:
            statistic, p, df = report.test_cells
            sheet.append([])
            sheet.append([_("log-rank test"), "χ²", statistic.sheet, "p", p.sheet,
                          _("degrees of freedom"), df])
        sheet.column_dimensions["A"].width = 30
        sheet = workbook.create_sheet(_("Children")[:31])
        sheet.append([_("indicator"), _("follow-up"), _("children"), _("mean at the start"),
                      _("mean at follow-up"), _("change"), _("improved")])
        for r in report.outcomes:
            sheet.append([r.indicator, r.wave, r.children.sheet, r.start.sheet,
                          r.follow.sheet, r.change.sheet, r.improved.sheet])
        sheet.column_dimensions["A"].width = 40
        sheet = workbook.create_sheet(_("Hours given")[:31])
        sheet.append([_("programme"), _("hours")])
        for label, cell in report.hours[0]:
            sheet.append([label, cell.sheet])
        sheet.append([_("all programmes"), report.hours[1].sheet])
        sheet.column_dimensions["A"].width = 30
        neutralise_workbook(workbook)
        output = io.BytesIO()
        workbook.save(output)
        return output.getvalue()
