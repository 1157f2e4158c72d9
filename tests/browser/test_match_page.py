"""The match page in a real Chromium (issue 16, item 5): every answer of every check-in
readable on a laptop (1280 px), on a phone (390 px, each check-in a block of labelled
lines, nothing wider than the screen) and on paper (print media: the check-ins as a full
table, the forms left out); a mediation case opened from the page lands on this match.
Screenshots in docs/screenshots/ (match-page-1280.png, match-page-phone.png,
match-page-print.png, family-page-print.png)."""

import pytest
from django.urls import reverse

from tests.test_match_page import follow
from voisins.mediation.models import Case

from .conftest import check_accessibility, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def followed_match(live_match, alice, bob):
    return follow(live_match, alice, bob)
WORRY = "Our son is tired after school"


def _every_answer_in_view(page, width: int) -> None:
    for text in (WORRY, "Homework on Wednesdays", "Warm first meeting, tea at the park"):
        box = page.get_by_text(text).first.bounding_box()
        assert box is not None and box["width"] > 0, text
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1, (text, box)
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_match_page_reads_on_a_laptop_on_a_phone_and_on_paper(
        browser, live_server, page, axe_path, csp_errors, alice, followed_match, tmp_path):
    log_in(page, alice)
    page.wait_for_url("**/staff/north/")
    url = reverse("matches:match", args=["north", followed_match.pk])
    page.goto(url)
    headers = page.locator("table.checkins thead th")
    assert headers.count() == 7
    for i in range(7):
        assert headers.nth(i).is_visible()
    _every_answer_in_view(page, 1280)
    check_accessibility(page, axe_path)
    screenshot(page, "match-page-1280")

    # On paper: the check-ins stay a table with every column; no form, no menu.
    page.emulate_media(media="print")
    assert page.locator("table.checkins thead").is_visible()
    assert not page.locator("nav.main-nav").is_visible()
    assert not page.locator("form[action$='/end/']").is_visible()
    _every_answer_in_view(page, 1280)
    screenshot(page, "match-page-print")
    pdf = tmp_path / "match.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=False)
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 10_000
    page.goto(reverse("staff:family", args=["north", followed_match.family_id]))
    assert not page.locator("form[action$='/status/']").is_visible()
    screenshot(page, "family-page-print")
    page.emulate_media(media="screen")

    # On a phone: each check-in a block, every answer with its label, nothing cut off.
    phone = browser.new_context(base_url=live_server.url, locale="fr-BE", viewport=PHONE,
                                is_mobile=True, has_touch=True, device_scale_factor=2,
                                storage_state=page.context.storage_state())
    try:
        small = phone.new_page()
        small.goto(url)
        # The column headings are left for screen readers; each cell carries its label.
        assert small.locator("table.checkins thead").bounding_box()["height"] <= 1
        worry_cell = small.locator("td[data-label='Inquiétude']", has_text=WORRY)
        label = small.evaluate("e => getComputedStyle(e, '::before').content",
                               worry_cell.element_handle())
        assert "Inquiétude" in label
        _every_answer_in_view(small, PHONE["width"])
        check_accessibility(small, axe_path)
        screenshot(small, "match-page-phone")
    finally:
        phone.close()


def test_a_case_opened_from_the_match_page_is_about_that_match(page, alice, followed_match):
    log_in(page, alice)
    page.wait_for_url("**/staff/north/")
    page.goto(reverse("matches:match", args=["north", followed_match.pk]))
    page.get_by_role("link", name="Ouvrir un dossier de médiation").first.click()
    chosen = page.locator("#id_new_match option:checked").inner_text()
    assert chosen.startswith("Amina Haddad – Victor Peeters")
    page.locator("#id_new_kind").select_option("practical")
    page.locator("#id_new_summary").fill("The bike lent is broken.")
    page.get_by_role("button", name="Ouvrir", exact=True).click()
    case = Case.objects.get(kind="practical")
    page.wait_for_url(f"**{reverse('mediation:case', args=['north', case.pk])}")
    assert case.match_id == followed_match.pk
    page.get_by_role("link", name="Amina Haddad ↔ Victor Peeters").click()
    page.wait_for_url(f"**/matches/{followed_match.pk}/")
