"""Issue 18, done means: a volunteer household records an expense through its personal
link on a phone, in its language; the coordinator approves it and downloads the yearly
statement (rendered to PNG: docs/screenshots/expenses-statement-*.png) and the
accountant's export."""

import io
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from voisins.expenses.models import Expense
from voisins.expenses.services import ceiling_year_save
from voisins.familypages.services import household_link_create, household_link_token

from ..conftest import PASSWORD
from .conftest import SCREENSHOTS, check_accessibility, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


def _phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="fr-BE", viewport=PHONE,
                                  is_mobile=True, has_touch=True, device_scale_factor=2)
    context.set_default_timeout(10_000)
    return context


def test_an_expense_recorded_on_a_phone_is_approved_and_lands_in_the_statement(
        browser, live_server, axe_path, page, north, alice, victor, live_match, tmp_path):
    today = timezone.localdate()
    ceiling_year_save(year=today.year, day_ceiling=Decimal("44.02"),
                      year_ceiling=Decimal("1760.83"), km_rate=Decimal("0.4326"))
    token = household_link_token(household_link_create(household=victor, by=alice))

    # Victor's household reads Dutch (its account's language); the phone speaks French.
    context = _phone(browser, live_server)
    phone = context.new_page()
    try:
        phone.goto(f"/v/{token}/")
        phone.get_by_role("link", name="Mijn onkosten").click()
        phone.wait_for_url(f"**/v/{token}/expenses/")
        assert phone.locator("html").get_attribute("lang") == "nl"
        phone.locator("#id_amount").fill("12.50")
        phone.locator("#id_description").fill("Tramtickets naar de bibliotheek")
        phone.get_by_role("button", name="Registreren").click()
        phone.get_by_role("status").wait_for()
        assert "12.50 €" in phone.content() or "12,50 €" in phone.content()
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        check_accessibility(phone, axe_path)
        screenshot(phone, "expenses-link-recorded")

        # Near the day's ceiling: a warning first, recorded only once confirmed.
        phone.locator("#id_amount").fill("30")
        phone.locator("#id_description").fill("Museum")
        phone.get_by_role("button", name="Registreren").click()
        phone.get_by_role("alert").wait_for()
        check_accessibility(phone, axe_path)
        screenshot(phone, "expenses-link-warning")
        assert Expense.objects.count() == 1
        # Past the ceiling: refused, naming the field.
        phone.locator("#id_amount").fill("40")
        phone.get_by_role("button", name="Toch registreren").click()
        assert phone.locator("#id_amount[aria-invalid=true]").count() == 1
        screenshot(phone, "expenses-link-refused")
        assert Expense.objects.count() == 1

        # The same page in Arabic, right to left, still on a phone.
        phone.get_by_role("button", name="العربية").click()
        phone.wait_for_function("document.documentElement.dir === 'rtl'")
        assert phone.locator("html").get_attribute("lang") == "ar"
        assert "مصاريفي" in phone.get_by_role("heading", level=1).inner_text()
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        check_accessibility(phone, axe_path)
        screenshot(phone, "expenses-link-arabic")
    finally:
        context.close()

    # The coordinator approves it and downloads the statement and the export.
    page.goto("/accounts/login/")
    page.get_by_label("Courriel").fill(alice.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url("**/staff/**")
    page.goto("/staff/north/expenses/")
    check_accessibility(page, axe_path)
    page.get_by_role("button", name="Approuver").click()
    page.get_by_role("status").wait_for()
    screenshot(page, "expenses-coordinator-approved")
    expense = Expense.objects.get()
    assert expense.status == "approved" and expense.decided_by == alice

    with page.expect_download() as download:
        page.get_by_role("link", name="relevé").click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    with page.expect_download() as download:
        page.get_by_role("link", name=f"Export pour le comptable {today.year} (XLSX)").click()
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    rows = list(sheet.values)
    assert rows[1][3] == "Tramtickets naar de bibliotheek" and rows[1][7] == 12.5

    # The statement, page by page, as a reader sees it.
    (tmp_path / "statement.pdf").write_bytes(pdf)
    for old in SCREENSHOTS.glob("expenses-statement-*.png"):
        old.unlink()
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        pytest.skip("pdftoppm (poppler-utils) is needed to look at the statement's pages")
    subprocess.run([pdftoppm, "-png", "-r", "70", str(tmp_path / "statement.pdf"),
                    str(SCREENSHOTS / "expenses-statement")], check=True)
    pages = sorted(SCREENSHOTS.glob("expenses-statement-*.png"))
    assert pages
    from pypdf import PdfReader

    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Tramtickets" in text and "12,50" in text and "44,02" in text
