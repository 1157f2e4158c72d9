"""Issue 20 §5, the programme's side: the coordinator gives the address of a network run
on another instance and its publication token, sees the connection tested (here it
fails: nothing listens there) and the reason in words, on a desktop and on a phone in
Arabic (right to left); the token is never shown back."""

import pytest

from voisins.networks.services import network_link_set

from .conftest import check_accessibility, fits, log_in, phone, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TOKEN = "vnp_" + "k" * 43


def test_the_coordinator_links_the_programme_to_a_network_elsewhere(
        browser, live_server, page, axe_path, north, alice):
    log_in(page, alice.email)
    page.goto(f"/networks/links/{north.slug}/")
    check_accessibility(page, axe_path)
    page.locator("input[name=url]").fill("http://127.0.0.1:9")
    page.locator("input[name=token]").fill(TOKEN)
    page.locator("input[name=network_name]").fill("Réseau wallon")
    page.get_by_role("button", name="Enregistrer et tester").click()
    page.wait_for_load_state()
    text = page.locator("main").inner_text()
    assert "Enregistré, mais la connexion a échoué" in text
    assert "Réseau wallon" in text and TOKEN not in page.content()
    check_accessibility(page, axe_path)
    screenshot(page, "network-links")


def test_the_link_page_fits_a_phone_in_arabic(browser, live_server, north, alice):
    alice.language = "ar"
    alice.save(update_fields=["language"])
    network_link_set(programme=north, url="http://127.0.0.1:9", token=TOKEN,
                     network_name="Réseau wallon", by=alice)
    context, coordinator = phone(browser, live_server, "ar")
    try:
        log_in(coordinator, alice.email)
        coordinator.goto(f"/networks/links/{north.slug}/")
        assert coordinator.locator("html").get_attribute("dir") == "rtl"
        fits(coordinator)
        screenshot(coordinator, "network-links-phone-ar")
    finally:
        context.close()
