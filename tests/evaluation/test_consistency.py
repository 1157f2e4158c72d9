"""One source for every figure (issue 14): the dashboard, the persistence page, the PDF, the
XLSX and the API statistics of one period, on a demo programme with a lockdown, agree on
every figure that appears in more than one of them — counts, medians, shares still going,
the survival curve's values, the log-rank statistics and the lockdown figure."""

import html
import io
import re
from datetime import date, datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from voisins import rounding
from voisins.evaluation import reports, selectors
from voisins.evaluation.templatetags import evaluation_tags as tags
from voisins.matches.models import ProgrammePause
from voisins.programmes.constants import Role
from voisins.programmes.models import Programme
from voisins.programmes.services import membership_grant

from ..conftest import bearer, make_user


def plain(text: str) -> str:
    """Text of a page or PDF with tags gone and every run of white space one space."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", text)))


@pytest.fixture
def demo(db):
    call_command("demo", families=60, volunteers=50, matches=15, ended=40, seed=3,
                 programme="demo", verbosity=0)
    programme = Programme.objects.get(slug="demo")
    ProgrammePause.objects.create(
        programme=programme, message="Confinement",
        started_at=timezone.make_aware(datetime(2021, 3, 16, 9)),
        ended_at=timezone.make_aware(datetime(2021, 5, 18, 9)))
    viewer = make_user("viewer@example.org", first_name="Viola", language="en")
    membership_grant(user=viewer, programme=programme, role=Role.VIEWER)
    return programme, viewer


def test_every_output_of_a_period_gives_the_same_figures(client, demo):
    programme, viewer = demo
    today = timezone.localdate()
    start, end = date(2015, 1, 1), today
    report = reports.report_build(programme=programme, period=selectors.Period(start, end),
                                  language="en")
    d = report.dashboard
    overall = report.persistence.overall
    cohorts = report.cohorts.comparison
    [lockdown] = report.lockdowns
    assert overall is not None and cohorts is not None and cohorts.test is not None
    assert lockdown.live_at_start > 0

    pdf = plain("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(
        reports.report_pdf(report))).pages))
    workbook = load_workbook(io.BytesIO(reports.report_xlsx(report)))
    client.force_login(viewer)
    query = {"start": start.isoformat(), "end": end.isoformat()}
    dashboard = plain(client.get(reverse("evaluation:dashboard", args=["demo"]),
                                 query).content.decode())
    persistence = plain(client.get(reverse("evaluation:persistence", args=["demo"]),
                                   {**query, "split": "cohort"}).content.decode())
    response = client.get(f"/api/v1/programmes/demo/statistics?start={start}&end={end}",
                          **bearer(viewer))
    assert response.status_code == 200
    api = response.json()["evaluation"]

    # Counts of matches: page, PDF, XLSX, API.
    summary = {row[0]: row[1] for row in workbook["Summary"].iter_rows(values_only=True)
               if row and row[0]}
    for figure, label, key, text in (
            (d.started, "Matches started in the period", "matches_started",
             "matches started in the period"),
            (d.ended, "Matches ended in the period", "matches_ended",
             "matches ended in the period"),
            (d.live_now, "Matches going on today", "matches_going_on",
             "matches going on today")):
        assert summary[label] == figure == api[key]
        assert f"{figure} {text}" in pdf and f"{figure} {text}" in dashboard

    # Time given by volunteers (issue 18): one rounding for the page, PDF, XLSX and API.
    assert d.hours_given > 0  # the demo notes hours on activities
    hours = float(rounding.hours(d.hours_given))
    assert summary["Hours given by volunteers in the period"] == hours == api["hours_given"]
    text = f"{tags.hours(d.hours_given)} hours given by volunteers in the period"
    assert text in pdf and text in dashboard

    # The median and the shares still going, of the whole period.
    median = tags.months(overall.median_months)
    assert median in pdf and median in dashboard
    if overall.median_months is not None:
        assert summary["Median duration (months)"] == float(rounding.months(
            overall.median_months)) == api["persistence"]["median_months"]
    for m in overall.milestones:
        assert summary[f"Still going at {m.months} months"] == (
            None if m.share is None else float(rounding.share(m.share)))
        assert api["persistence"]["still_going"][str(m.months)] == summary[
            f"Still going at {m.months} months"]
        if m.share is not None:
            shown = f"{tags.percent(m.share)} ({tags.percent(m.lower)}–{tags.percent(m.upper)})"
            assert shown in pdf
    twelve = d.twelve_months
    assert f"{tags.percent(twelve.share)} still going after 12 months" in pdf
    assert f"{tags.percent(twelve.share)} of the matches started in the period" in dashboard

    # The survival curve's values: XLSX table, API, the report object.
    rows = list(workbook["Persistence"].iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if row[:2] == ("Months", "Still going"))
    curve_rows = rows[header + 1:header + 1 + len(overall.months)]
    assert [r[0] for r in curve_rows] == api["persistence"]["months"] == [
        float(rounding.months(t)) for t in overall.months]
    assert [r[1] for r in curve_rows] == api["persistence"]["survival"] == [
        float(rounding.share(s)) for s in overall.survival]

    # Cohorts: persistence page, PDF, XLSX, API; and their log-rank test.
    by_label = {row[0]: row for row in rows[:header] if row and row[0]}
    for curve, out in zip(cohorts.curves, api["cohorts"], strict=True):
        row = by_label[curve.label]
        assert (row[1], row[2]) == (curve.n, curve.ended) == (out["matches"], out["ended"])
        median = tags.months(curve.median_months)
        assert row[3] == out["median_months"]
        cells = f"{curve.label} {curve.n} {curve.ended} {median}"
        assert cells in persistence and cells in pdf
        for m, cell in zip(curve.milestones, row[4:8], strict=True):
            assert cell == out["still_going"][str(m.months)]
            assert cell == (None if m.share is None else float(rounding.share(m.share)))
    test = cohorts.test
    sentence = (f"χ² = {tags.statistic(test.statistic)} ({test.degrees_of_freedom} "
                f"degree{'s' if test.degrees_of_freedom != 1 else ''} of freedom), "
                f"{tags.pvalue(test.p_value)}.")
    assert sentence in persistence and sentence in pdf
    test_row = next(row for row in rows if row[0] == "Log-rank test between cohorts")
    assert test_row[2] == api["cohorts_log_rank"]["chi2"] == float(
        rounding.statistic(test.statistic))
    if not rounding.p_value_below_floor(test.p_value):
        assert test_row[6] == api["cohorts_log_rank"]["p_value"]

    # Households by status (small counts suppressed alike for the viewer and the funder).
    households = {row[0]: row[1] for row in workbook["Households"].iter_rows(
        values_only=True) if row and row[0]}
    for code, label, n in d.families:
        assert households[str(label)] == (tags.count(n) if n is None else n)
        assert api["families_by_status"][code] == n
        assert f"{str(label).capitalize()} {tags.count(n)}" in pdf
        assert f"{str(label).capitalize()} {tags.count(n)}" in dashboard

    # The lockdown figure: persistence page, PDF, XLSX, API.
    lockdown_rows = list(workbook["Lockdowns"].iter_rows(values_only=True))
    assert lockdown_rows[1][2] == lockdown.live_at_start == api["lockdowns"][0]["live_at_start"]
    cells = [str(lockdown.live_at_start)]
    for i, f in enumerate(lockdown.follow_ups):
        assert f.on <= today  # 2021: every follow-up is known by now
        assert lockdown_rows[1][3 + i] == f.live == api["lockdowns"][0]["still_live"][
            str(f.months)]
        assert lockdown_rows[1][6 + i] == float(rounding.share(lockdown.share(f)))
        cells.append(f"{f.live} ({tags.percent(lockdown.share(f))})")
    assert " ".join(cells) in pdf and " ".join(cells) in persistence
    split = lockdown.persistence.comparison
    if split and split.test:
        chi2 = f"χ² = {tags.statistic(split.test.statistic)}"
        assert chi2 in pdf and chi2 in persistence
        assert api["lockdowns"][0]["log_rank"]["chi2"] == float(
            rounding.statistic(split.test.statistic))
