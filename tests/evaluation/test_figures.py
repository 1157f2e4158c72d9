"""Every figure true and the same everywhere (issue 14): one rounding rule, never truncated;
the funder report's households page, title, file name and XLSX formats; small counts
suppressed; the lockdown figure."""

import html
import io
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from pypdf import PdfReader

from voisins import rounding
from voisins.evaluation import reports, selectors
from voisins.evaluation.templatetags import evaluation_tags as tags
from voisins.matches.models import ProgrammePause
from voisins.mediation.services import case_open

from .conftest import make_family, make_match, make_volunteer

# --- Rounding: half up on the written number, never truncated ------------------------------

written = st.decimals(min_value=0, max_value=10_000, places=4, allow_nan=False,
                      allow_infinity=False)


@given(written, st.integers(min_value=0, max_value=3))
def test_rounding_never_truncates_and_goes_half_up(value, digits):
    as_float = float(value)
    rounded = rounding.round_half_up(as_float, digits)
    step = Decimal(1).scaleb(-digits)
    exact = Decimal(repr(as_float))
    # Never further than half a step from the number as written, ties go up.
    assert abs(rounded - exact) <= step / 2
    assert rounded == exact.quantize(step, rounding=ROUND_HALF_UP)
    down = exact.quantize(step, rounding="ROUND_DOWN")
    if exact - down >= step / 2:  # at or past the half: up, never truncated
        assert rounded == down + step


@given(st.floats(min_value=0, max_value=1, allow_nan=False))
def test_a_share_rounds_to_the_nearest_whole_percent(share):
    points = rounding.percent_points(share)
    assert abs(points - Decimal(repr(share)) * 100) <= Decimal("0.5")
    assert rounding.share(share) == points / 100


def test_the_figures_of_the_issue_round_as_a_reader_would():
    assert rounding.months(5.29) == Decimal("5.3")
    assert rounding.months(5.25) == Decimal("5.3")  # half up
    assert rounding.percent_points(0.448) == 45
    assert rounding.percent_points(0.445) == 45
    assert rounding.percent_points(0.957) == 96
    assert rounding.share(0.957) == Decimal("0.96")
    assert rounding.p_value(0.04349) == Decimal("0.043")
    assert rounding.significant(0.0496) is False  # shows as 0.050
    assert rounding.significant(0.0004) is True
    assert [rounding.small_count(n) for n in (0, 1, 4, 5, 80)] == [0, None, None, 5, 80]


def test_the_filters_round_instead_of_truncating():
    assert tags.percent(0.448) == "45 %"
    assert tags.percent(None) == "—"
    assert tags.months(5.29) == "5.3 months"
    assert tags.months(None) == "not reached"
    assert tags.pvalue(0.0004) == "p < 0.001"
    assert tags.pvalue(0.04349) == "p = 0.043"
    assert tags.statistic(3.845) == "3.85"
    assert tags.signed_mean(0.4) == "+0.40" and tags.signed_mean(-0.255) == "-0.26"
    assert tags.days(74.5) == "75"
    assert tags.count(None) == "< 5" and tags.count(7) == "7"
    with translation.override("fr"):
        assert tags.months(5.29) == "5,3 mois"
        assert tags.pvalue(0.04349) == "p = 0,043"


def _log_rank_sentence(df: int) -> str:
    from voisins.evaluation.survival import Comparison, LogRank

    result = type("R", (), {"overall": True, "curves": (), "comparison": Comparison(
        (), LogRank(3.8449, 0.0004, df))})()
    return html.unescape(Template('{% include "evaluation/_persistence.html" %}').render(
        Context({"result": result})))


def test_the_log_rank_sentence_says_p_once_and_agrees_in_number():
    one = _log_rank_sentence(1)
    assert "χ² = 3.84 (1 degree of freedom), p < 0.001." in one
    assert "p = &lt;" not in one and "p = <" not in one
    assert "(2 degrees of freedom)" in _log_rank_sentence(2)
    with translation.override("fr"):
        assert "(1 degré de liberté)" in _log_rank_sentence(1)
        assert "(2 degrés de liberté)" in _log_rank_sentence(2)


# --- The funder report's pages, title, file name and formats --------------------------------

def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def households(north):
    """7 waiting families, 1 matched; 6 available volunteer households, 1 matched."""
    volunteers = [make_volunteer(north, i) for i in range(7)]
    for v in volunteers[1:]:
        type(v).objects.filter(pk=v.pk).update(status="available")
    families = [make_family(north, i) for i in range(8)]
    type(families[0]).objects.filter(programme=north).update(status="waiting")
    make_match(north, families[0], volunteers[0], timezone.localdate() - timedelta(days=30))
    type(families[0]).objects.filter(pk=families[0].pk).update(status="matched")
    type(volunteers[0]).objects.filter(pk=volunteers[0].pk).update(status="matched")
    return north


def test_the_households_page_puts_each_count_under_its_own_header(households):
    report = reports.report_build(programme=households, period=selectors.default_period(),
                                  language="en")
    text = pdf_text(reports.report_pdf(report))
    lines = text.splitlines()
    families = lines.index("Families by status Number")
    volunteers = lines.index("Volunteer households by status Number")
    assert families < volunteers
    family_rows = lines[families + 1:volunteers]
    volunteer_rows = lines[volunteers + 1:volunteers + 8]
    assert "Waiting 7" in family_rows and "Matched < 5" in family_rows
    assert "Available 6" in volunteer_rows and "Matched < 5" in volunteer_rows
    # Headers do not run into each other.
    assert "bénévolNombre" not in text and "householdsNumber" not in text


def test_a_dutch_report_has_a_dutch_title_and_the_periods_file_name(client, vera, households):
    client.force_login(vera)
    response = client.get(reverse("evaluation:reports", args=["north"]), {
        "format": "pdf", "language": "nl", "start": "2025-01-01", "end": "2025-12-31"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="north-2025-01-01-2025-12-31-nl.pdf"')
    title = PdfReader(io.BytesIO(response.content)).metadata.title
    assert title.startswith("Voisins Nord – verslag over de periode")
    assert "Rapport" not in title and "report" not in title
    response = client.get(reverse("evaluation:reports", args=["north"]), {
        "format": "xlsx", "language": "en", "start": "2025-01-01", "end": "2025-12-31"})
    assert response["Content-Disposition"] == (
        'attachment; filename="north-2025-01-01-2025-12-31-en.xlsx"')


@pytest.fixture
def persisting(north):
    """Twelve matches over two years, half of them ended: shares that are not round."""
    today = timezone.localdate()
    volunteer = make_volunteer(north, 1)
    for i in range(12):
        family = make_family(north, i)
        start = today - timedelta(days=700 - 37 * i)
        make_match(north, family, volunteer, start,
                   start + timedelta(days=40 + 23 * i) if i % 2 == 0 else None)
    return north


def test_xlsx_shares_are_percentages_rounded_as_on_the_page(persisting):
    report = reports.report_build(programme=persisting, period=selectors.Period(),
                                  language="en")
    workbook = load_workbook(io.BytesIO(reports.report_xlsx(report)))
    summary = {row[0].value: row[1] for row in workbook["Summary"].iter_rows() if row[0].value}
    overall = report.persistence.overall
    for milestone in overall.milestones:
        cell = summary[f"Still going at {milestone.months} months"]
        if milestone.share is None:
            assert cell.value is None
            continue
        assert cell.number_format == "0%"
        assert Decimal(repr(cell.value)) == rounding.share(milestone.share)
    median = summary["Median duration (months)"]
    assert median.number_format == "0.0"
    assert Decimal(repr(median.value)) == rounding.months(overall.median_months)
    curve = list(workbook["Persistence"].iter_rows(values_only=False))
    shares = [c for row in curve for c in row[4:8] if isinstance(c.value, float)]
    assert shares and all(c.number_format == "0%" for c in shares)


# --- Small counts ---------------------------------------------------------------------------

def test_one_safeguarding_case_is_never_printed_for_a_funder(client, alice, vera, north):
    case_open(programme=north, kind="safeguarding", summary="Worry", opened_by="staff")
    for _ in range(6):
        case_open(programme=north, kind="practical", summary="Keys", opened_by="staff")
    period = selectors.default_period()
    report = reports.report_build(programme=north, period=period, language="en")
    text = pdf_text(reports.report_pdf(report))
    assert "Safeguarding: a concern about a child < 5" in text
    assert "Practical problem 6" in text
    workbook = load_workbook(io.BytesIO(reports.report_xlsx(report)))
    cases = {row[0]: row[1] for row in workbook["Activities"].iter_rows(values_only=True)}
    assert cases["safeguarding: a concern about a child"] == "< 5"
    assert cases["practical problem"] == 6
    url = reverse("evaluation:dashboard", args=["north"])
    client.force_login(vera)
    viewer = client.get(url).content.decode()
    label = "<td>Protection de l’enfant : une inquiétude concernant un enfant</td>"
    assert f"{label}<td>&lt; 5</td>" in viewer
    client.force_login(alice)
    coordinator = client.get(url).content.decode()
    assert f"{label}<td>1</td>" in coordinator


# --- The lockdown figure --------------------------------------------------------------------

def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()) + timedelta(hours=9))


@pytest.fixture
def lockdown(north):
    """A pause from 16 March to 18 May 2020 and seven matches around it (see the test)."""
    ProgrammePause.objects.create(programme=north, message="Confinement",
                                  started_at=_at(date(2020, 3, 16)),
                                  ended_at=_at(date(2020, 5, 18)))
    volunteer = make_volunteer(north, 1)
    spans = {
        "A": (date(2019, 1, 1), None),  # live throughout
        "B": (date(2019, 6, 1), date(2020, 3, 16)),  # ended the day it began: not live
        "C": (date(2020, 1, 1), date(2020, 6, 30)),  # live at the start, gone by +3
        "D": (date(2020, 2, 1), date(2020, 8, 18)),  # ended on the +3 day: not live then
        "E": (date(2020, 3, 16), date(2020, 10, 1)),  # started that day; live at +3, not +6
        "F": (date(2020, 4, 1), None),  # started during the pause: not counted
        "G": (date(2019, 5, 5), date(2020, 12, 31)),  # live at +3 and +6
    }
    for i, (start, end) in enumerate(spans.values()):
        make_match(north, make_family(north, i), volunteer, start, end)
    return north


def test_the_lockdown_figure_counts_the_matches_that_came_through(lockdown):
    [figure] = selectors.lockdowns(programme=lockdown, today=date(2021, 1, 1))
    assert (figure.began, figure.resumed) == (date(2020, 3, 16), date(2020, 5, 18))
    assert figure.live_at_start == 5  # A, C, D, E, G
    assert [(f.months, f.on, f.live) for f in figure.follow_ups] == [
        (3, date(2020, 8, 18), 3),  # A, E, G
        (6, date(2020, 11, 18), 2),  # A, G
        (12, date(2021, 5, 18), None),  # after "today": not yet known
    ]
    assert [figure.share(f) for f in figure.follow_ups] == [0.6, 0.4, None]
    # Next to it, the Kaplan–Meier split on the day it began: 5 before (A, B, C, D, G),
    # 2 on or after (E, F) — too few to draw.
    [before] = figure.persistence.curves
    assert before.n == 5 and len(figure.persistence.comparison.hidden) == 1


def test_a_pause_still_running_has_nothing_known_after_it(lockdown):
    ProgrammePause.objects.filter(programme=lockdown).update(ended_at=None)
    [figure] = selectors.lockdowns(programme=lockdown, today=date(2021, 1, 1))
    assert figure.resumed is None and figure.live_at_start == 5
    assert [f.live for f in figure.follow_ups] == [None, None, None]


def test_the_lockdown_figure_is_in_the_page_the_pdf_and_the_xlsx(client, vera, lockdown):
    report = reports.report_build(programme=lockdown, period=selectors.Period(),
                                  language="en")
    text = pdf_text(reports.report_pdf(report))
    assert "Matches through a lockdown" in text
    workbook = load_workbook(io.BytesIO(reports.report_xlsx(report)))
    rows = list(workbook["Lockdowns"].iter_rows(values_only=True))
    assert rows[1][:3] == (datetime(2020, 3, 16), datetime(2020, 5, 18), 5)
    assert rows[1][3:6] == (3, 2, 1)  # by today, 18 May 2021 is known: only A
    assert rows[1][6] == 0.6 and workbook["Lockdowns"]["G2"].number_format == "0%"
    client.force_login(vera)
    page = client.get(reverse("evaluation:persistence", args=["north"])).content.decode()
    # The page is in French (the default language of these pages).
    assert "Les binômes à travers un confinement" in page
    assert "Binômes en cours à son début" in page


def test_the_api_gives_the_periods_figures_without_small_counts_to_a_viewer(
        client, alice, vera, households):
    from ..conftest import bearer

    url = "/api/v1/programmes/north/statistics"
    viewer = client.get(url, **bearer(vera)).json()["evaluation"]
    assert viewer["families_by_status"]["waiting"] == 7
    assert viewer["families_by_status"]["matched"] is None  # 1: a small count
    assert viewer["matches_started"] == 1  # matches are not people: as in the report
    coordinator = client.get(url, **bearer(alice)).json()["evaluation"]
    assert coordinator["families_by_status"]["matched"] == 1
    old = client.get(url, {"start": "2000-01-01", "end": "2000-12-31"}, **bearer(vera))
    assert old.json()["evaluation"]["matches_started"] == 0
    bad = client.get(url, {"start": "2025-13-01"}, **bearer(vera))
    assert bad.status_code == 422 and "start" in bad.content.decode()
