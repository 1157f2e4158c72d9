"""Issue 16, item 6 in a browser: a list exported as it is filtered, draft proposals sent
in one action, the header on one line at 1280 px, and a list printed without the shell."""

import csv
import io

import pytest
from openpyxl import load_workbook

from voisins.households.services import family_create, volunteer_create
from voisins.matches.models import Proposal

from ..conftest import agreed_to_matching, family_data, volunteer_data
from .conftest import SCREENSHOTS, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def drafts(north, alice):
    made = []
    for n, (first, vol) in enumerate((("Nour", "Marie"), ("Dilan", "Luc"), ("Oksana", "Inès"))):
        family = family_create(programme=north, **family_data(
            contact_first_name=first, contact_last_name=f"Famille{n}",
            email=f"f{n}@example.org"))
        volunteer = volunteer_create(programme=north, **volunteer_data(
            contact_first_name=vol, contact_last_name=f"Voisin{n}", email=f"v{n}@example.org"))
        agreed_to_matching(family, volunteer)
        made.append(Proposal.objects.create(programme=north, family=family,
                                            volunteer=volunteer, score=9 - n,
                                            distance_km=0.5 + n, created_by=alice))
    return made


def test_a_coordinator_sends_the_selected_proposals_in_one_action(page, alice, drafts):
    log_in(page, alice)
    page.goto("/staff/north/proposals/")
    page.get_by_label("Sélectionner Nour Famille0 – Marie Voisin0").check()
    page.get_by_label("Sélectionner Oksana Famille2 – Inès Voisin2").check()
    screenshot(page, "proposals-bulk-selected")
    page.get_by_role("button", name="Envoyer les propositions sélectionnées").click()
    page.get_by_text("2 propositions envoyées").wait_for()
    screenshot(page, "proposals-bulk-sent")
    assert sorted(Proposal.objects.filter(status="sent").values_list("pk", flat=True)) == [
        drafts[0].pk, drafts[2].pk]
    # The sent list shows when each went out and until when each side may answer.
    page.goto("/staff/north/proposals/?status=sent")
    assert page.get_by_role("columnheader", name="Envoyée le").is_visible()
    assert page.get_by_role("columnheader", name="Répondre avant le").is_visible()


def test_a_filtered_list_downloads_as_csv_and_xlsx(page, alice, drafts):
    log_in(page, alice)
    page.goto("/staff/north/families/?status=waiting&q=Nour")
    page.get_by_text("1 ménage").wait_for()
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    text = download.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["Référence", "Prénom", "Nom"]
    assert [r[1] for r in rows[1:]] == ["Nour"]
    with page.expect_download() as download:
        page.get_by_role("link", name="XLSX").click()
    with open(download.value.path(), "rb") as file:
        sheet = load_workbook(io.BytesIO(file.read())).active
    assert [c.value for c in sheet[2]][1] == "Nour"
    screenshot(page, "families-export")


def test_the_staff_header_holds_on_one_line_at_1280_px(page, alice, drafts):
    log_in(page, alice)
    page.goto("/staff/north/")
    header = page.locator(".site-header")
    tops = header.evaluate(
        "h => Array.from(h.children).filter(c => c.offsetParent)"
        ".map(c => Math.round(c.getBoundingClientRect().top))")
    height = header.evaluate("h => h.getBoundingClientRect().height")
    assert height < 70, height
    assert max(tops) - min(tops) < 15, tops  # every part on the same line
    # The menu below it too: every entry a coordinator has, on one line.
    items = page.locator(".main-nav li").evaluate_all(
        "els => els.map(e => Math.round(e.getBoundingClientRect().top))")
    assert len(items) >= 12 and max(items) - min(items) < 15, items
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "staff-header-1280.png"),
                    clip={"x": 0, "y": 0, "width": 1280, "height": 120})


def test_a_printed_list_has_no_navigation_and_the_whole_table(page, alice, drafts):
    log_in(page, alice)
    page.goto("/staff/north/proposals/")
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator(".main-nav").is_visible()
    assert not page.get_by_role("button", name="Envoyer les propositions sélectionnées"
                                ).is_visible()
    table = page.locator("table").first
    assert table.evaluate("t => t.scrollWidth <= t.parentElement.clientWidth + 1")
    screenshot(page, "proposals-print")
