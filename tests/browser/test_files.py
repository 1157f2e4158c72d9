"""Files where people need them (issue 18): the coordinator uploads a handout to a
training module and a trained volunteer household downloads it from its personal link on
a phone; the coordinator attaches a letter to a mediation case and downloads it."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from voisins.familypages.links import household_link_token
from voisins.familypages.services import household_link_create
from voisins.files.models import StoredFile
from voisins.mediation.services import case_open
from voisins.training.services import (
    registration_create,
    training_module_create,
    training_session_create,
)

from ..files.samples import pdf
from .conftest import check_accessibility, screenshot
from .test_lists_export_and_bulk import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


def test_a_handout_goes_from_the_coordinator_to_a_trained_household(
        browser, page, live_server, axe_path, tmp_path, north, alice, victor):
    module = training_module_create(programme=north, title="Rôle et limites", required=True)
    start = timezone.now() + timedelta(days=3)
    session = training_session_create(module=module, starts_at=start,
                                      ends_at=start + timedelta(hours=2),
                                      place="Maison de quartier", capacity=10)
    registration_create(session=session, volunteer=victor)
    handout = tmp_path / "Rôle et limites.pdf"
    handout.write_bytes(pdf("handout"))

    log_in(page, alice)
    page.goto("/training/north/")
    page.locator(f"#file-{module.pk}").set_input_files(str(handout))
    page.locator(f"form[action$='/modules/{module.pk}/handouts/'] button").click()
    page.get_by_text("« Rôle et limites.pdf » est enregistré.").wait_for()
    check_accessibility(page, axe_path)
    screenshot(page, "files-handout-uploaded")
    stored = StoredFile.objects.get(module=module)

    # Victor's household opens its personal link on a phone (its pages speak Dutch).
    token = household_link_token(household_link_create(household=victor, by=alice))
    context = browser.new_context(base_url=live_server.url, locale="nl-BE", viewport=PHONE,
                                  is_mobile=True, has_touch=True, accept_downloads=True)
    context.set_default_timeout(10_000)
    phone = context.new_page()
    try:
        phone.goto(f"/v/{token}/")
        assert phone.get_by_role("heading", name="Hand-outs").is_visible()
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        check_accessibility(phone, axe_path)
        screenshot(phone, "files-handout-on-the-household-link")
        with phone.expect_download() as info:
            phone.get_by_role("link", name="Rôle et limites.pdf").click()
        download = info.value
        assert download.suggested_filename == "Rôle et limites.pdf"
        assert Path(download.path()).read_bytes() == pdf("handout")
        assert download.url.endswith(f"/v/{token}/files/{stored.uuid}/")
    finally:
        context.close()


def test_a_case_attachment_is_uploaded_and_downloaded_by_the_coordinator(
        page, axe_path, tmp_path, live_match, alice):
    case = case_open(programme=live_match.programme, kind="practical", opened_by="staff",
                     summary="La famille a reçu un courrier.", by=alice, match=live_match)
    letter = tmp_path / "courrier.pdf"
    letter.write_bytes(pdf("letter"))
    lying = tmp_path / "photo.pdf"
    lying.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)

    log_in(page, alice)
    page.goto(f"/staff/north/cases/{case.pk}/")
    # A file whose name lies about its content is refused, with the reason.
    page.locator("#file-case").set_input_files(str(lying))
    page.locator(f"form[action$='/cases/{case.pk}/files/'] button").click()
    page.get_by_text("Le nom indique .pdf mais le contenu est PNG", exact=False).wait_for()
    assert not StoredFile.objects.exists()

    page.locator("#file-case").set_input_files(str(letter))
    page.locator(f"form[action$='/cases/{case.pk}/files/'] button").click()
    page.get_by_text("« courrier.pdf » est enregistré.").wait_for()
    check_accessibility(page, axe_path)
    screenshot(page, "files-case-attachment")
    with page.expect_download() as info:
        page.get_by_role("link", name="courrier.pdf").click()
    assert Path(info.value.path()).read_bytes() == pdf("letter")
