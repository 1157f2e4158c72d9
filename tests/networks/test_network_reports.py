"""The network's figures read the same on the page, in the PDF and in the XLSX, and none
of them names a programme that did not agree to be named."""

import html
import io
import os
import shutil
import subprocess
from datetime import date

import pytest
from django.urls import reverse

from voisins.networks import reports, selectors

from .conftest import PERIOD, YEAR

pytestmark = pytest.mark.django_db
PDFTOTEXT = shutil.which("pdftotext") or "pdftotext"


def _report(network, language="en"):
    period = selectors.period_of(date(YEAR, 1, 1), date(YEAR, 12, 1))
    return reports.report_build(network=network, period=period, language=language)


def test_page_pdf_and_xlsx_show_the_same_figures(client, network, nico):
    from openpyxl import load_workbook

    figures = _report(network).figures()
    assert len(figures) > 40
    client.force_login(nico)
    page = html.unescape(client.get(reverse("networks:dashboard", kwargs={
        "network": network.slug}), PERIOD, HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert page.count("< 5") >= 0
    for key, text in figures.items():
        assert text in page, key
    pdf = client.get(reverse("networks:report", kwargs={
        "network": network.slug, "extension": "pdf"}), PERIOD, HTTP_ACCEPT_LANGUAGE="en")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = subprocess.run([PDFTOTEXT, "-layout", "-", "-"], input=pdf.content,
                          capture_output=True, check=True).stdout.decode()
    flat = " ".join(text.split())
    if os.environ.get("NETWORK_PDF_OUT"):
        with open(os.environ["NETWORK_PDF_OUT"], "wb") as out:
            out.write(pdf.content)
    for key, value in figures.items():
        assert " ".join(value.split()) in flat, key
    xlsx = client.get(reverse("networks:report", kwargs={
        "network": network.slug, "extension": "xlsx"}), PERIOD, HTTP_ACCEPT_LANGUAGE="en")
    book = load_workbook(io.BytesIO(xlsx.content))
    report = _report(network)
    sheet = list(book[_sheet(book, 1)].iter_rows(values_only=True))
    for r, row in enumerate(report.matches.rows):
        assert list(sheet[r + 1][1:]) == [c.sheet for c in row.cells]
    assert list(sheet[-1][1:]) == [c.sheet for c in report.matches.totals]
    persistence = list(book[_sheet(book, 3)].iter_rows(values_only=True))
    for i, (label, cells) in enumerate(report.persistence_rows):
        assert persistence[i + 1][0] == label
        assert list(persistence[i + 1][1:len(cells) + 1]) == [c.sheet for c in cells]


def _sheet(book, index):
    return book.sheetnames[index]


def test_no_output_names_a_programme_not_named(client, network, nadia):
    client.force_login(nadia)
    for name, kwargs in (("dashboard", {}), ("report", {"extension": "pdf"}),
                         ("report", {"extension": "xlsx"}), ("practice_sheet", {})):
        response = client.get(reverse(f"networks:{name}", kwargs={
            "network": network.slug, **kwargs}), PERIOD)
        body = response.content
        if kwargs.get("extension") == "pdf":
            body = subprocess.run([PDFTOTEXT, "-", "-"], input=body, capture_output=True,
                                  check=True).stdout
        if kwargs.get("extension") == "xlsx":
            from openpyxl import load_workbook

            book = load_workbook(io.BytesIO(body))
            body = " ".join(str(c) for s in book for row in s.iter_rows(values_only=True)
                            for c in row).encode()
        text = body.decode()
        assert "Voisins Sud" not in text and "Voisins Liège" not in text, name
        assert "Voisins Nord" in text or name == "practice_sheet", name


def test_small_counts_are_suppressed_on_every_output(network):
    from voisins.networks.services import member_join, network_create, publication_store

    from .factory import month_payload

    report = _report(network)
    for table in (report.matches, report.funnel):
        for row in table.rows:
            for cell in row.cells:
                assert cell.value is None or cell.value == 0 or cell.value >= 5
    # A network where one programme started 3 matches: "< 5", never 3.
    small = network_create(name="Petit réseau", by=network.staff.first().user)
    member = member_join(network=small, programme=network.members.first().programme,
                         by=None, named=True)
    publication_store(member=member, payload=month_payload(
        date(YEAR, 3, 1), started=3, active=3, funnel=(9, 3, 3, 3, 3)))
    report = _report(small)
    assert report.matches.rows[0].cells[0].text == "< 5"
    assert report.matches.totals[0].text == "hidden"
    assert report.overall is None and report.curves == ()


def test_the_practice_sheet_quotes_the_pooled_figures(client, network, nico):
    client.force_login(nico)
    response = client.get(reverse("networks:practice_sheet", kwargs={
        "network": network.slug}), HTTP_ACCEPT_LANGUAGE="en")
    body = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "3 programmes" in body and "Bruxelles, Liège, Namur" in body
    report = reports.report_build(network=network, period=selectors.published_span(network),
                                  language="en")
    started = sum(f.started for f in report.pooled.members.values())
    assert f"{started} matches have started" in body
    md = client.get(reverse("networks:practice_sheet", kwargs={"network": network.slug}),
                    {"format": "md"})
    assert md["Content-Type"].startswith("text/markdown") and b"# R" in md.content
