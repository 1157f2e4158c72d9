"""Issue 20 (part B), done means: a network coordinator who holds no programme role
finds "Network" in the menu, opens the network's dashboard (on a desk, and on a phone),
and downloads its PDF; every page of the PDF is rendered to PNG
(docs/screenshots/network-report-*.png) to be looked at."""

import io
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from django.utils import timezone

from voisins.networks.demo import network_demo
from voisins.networks.services import network_staff_set

from ..conftest import make_user
from .conftest import SCREENSHOTS, check_accessibility, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def nadia(north, south, alice):
    nadia = make_user("nadia@example.org", first_name="Nadia", language="fr")
    network, _members = network_demo(programmes=[north, south], by=alice,
                                     until=timezone.localdate(), months=14)
    network_staff_set(network=network, user=nadia, role="network_coordinator")
    return nadia


def test_the_network_dashboard_and_its_pdf(browser, live_server, axe_path, page, nadia,
                                           tmp_path):
    log_in(page, nadia)
    page.goto("/staff/")
    page.get_by_role("link", name="Réseau", exact=True).first.click()
    page.wait_for_url("**/networks/")
    page.get_by_role("link", name="Réseau Voisins").click()
    page.wait_for_url("**/networks/reseau-voisins/")
    check_accessibility(page, axe_path)
    screenshot(page, "network-home")
    page.get_by_role("link", name="Tableau de bord du réseau").click()
    page.wait_for_url("**/dashboard/")
    body = page.content()
    assert "Voisins Nord" in body and "Voisins Sud" not in body and "programme B" in body
    assert "Test du log-rank" in body
    check_accessibility(page, axe_path)
    screenshot(page, "network-dashboard")

    # A bad period: refused, naming the field.
    page.locator("#id_end").evaluate("e => e.type = 'text'")
    page.locator("#id_end").fill("2025-13")
    page.get_by_role("button", name="Afficher").click()
    assert "Au mois" in page.get_by_role("alert").first.inner_text()
    page.go_back()

    with page.expect_download() as download:
        page.get_by_role("link", name="PDF pour les financeurs").click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    from pypdf import PdfReader

    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Voisins Nord" in text and "Voisins Sud" not in text
    (tmp_path / "report.pdf").write_bytes(pdf)
    for old in SCREENSHOTS.glob("network-report-*.png"):
        old.unlink()
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        pytest.skip("pdftoppm (poppler-utils) is needed to look at the report's pages")
    subprocess.run([pdftoppm, "-png", "-r", "70", str(tmp_path / "report.pdf"),
                    str(SCREENSHOTS / "network-report")], check=True)
    assert sorted(SCREENSHOTS.glob("network-report-*.png"))

    # On a phone: nothing wider than the screen.
    context = browser.new_context(base_url=live_server.url, locale="fr-BE", viewport=PHONE,
                                  is_mobile=True, has_touch=True)
    phone = context.new_page()
    try:
        log_in(phone, nadia)
        phone.goto("/networks/reseau-voisins/dashboard/")
        screenshot(phone, "network-dashboard-phone")
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    finally:
        context.close()
    assert date.today()
