"""The pages people use, in a real Chromium: the coordinator's day, a volunteer on a phone,
a family in Arabic. Every page is checked by axe-core and may not reach another host."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from voisins.familypages.links import family_link_token
from voisins.familypages.services import family_link_create
from voisins.households.models import FamilyHousehold
from voisins.households.services import family_create, volunteer_create

from ..conftest import family_data, make_user, volunteer_data
from .conftest import PHONE, check_accessibility, log_in, phone, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def neighbourhood(north, family, volunteer):
    """A few more households around Schaerbeek and Saint-Josse, for the lists and the map."""
    for i, (postcode, name) in enumerate([("1210", "Petrenko"), ("1030", "Karimi"),
                                          ("1000", "Tesfaye"), ("1050", "Rahimi")]):
        family_create(programme=north, **family_data(contact_first_name=f"F{i}",
                                                      contact_last_name=name, postcode=postcode))
    for postcode, name in [("1210", "Janssens"), ("1000", "Lambert"), ("1180", "Peeters")]:
        volunteer_create(programme=north, **volunteer_data(contact_last_name=name,
                                                           postcode=postcode))


def test_a_coordinator_finds_a_waiting_family_and_the_volunteers_near_it(
        page, axe_path, csp_errors, alice, neighbourhood):
    log_in(page, alice)
    page.wait_for_url("**/staff/north/")
    check_accessibility(page, axe_path)

    nav = page.get_by_role("navigation", name="Menu principal")
    nav.get_by_role("link", name="Familles en attente").click()
    page.wait_for_url("**/families/?status=waiting")
    page.locator("#id_q").fill("Hadd")
    expect(page.get_by_role("link", name="Tesfaye", exact=False)).to_have_count(0)  # htmx
    page.get_by_role("link", name="Amina Haddad").wait_for()
    check_accessibility(page, axe_path)
    screenshot(page, "families")

    page.get_by_role("link", name="Amina Haddad").click()
    page.get_by_role("heading", name="Amina Haddad").wait_for()
    page.get_by_role("button", name="Créer un lien pour la famille").click()
    page.get_by_role("button", name="Fermer ce lien").wait_for()  # htmx, no reload
    check_accessibility(page, axe_path)
    screenshot(page, "family")

    page.get_by_role("link", name="Bénévoles à portée", exact=False).click()
    # Drawn without any tile server: 31 communes, the radius, the family, 3 volunteers.
    expect(page.locator(".map path.leaflet-interactive")).to_have_count(31 + 2 + 3)
    page.get_by_label("Rayon (km)").fill("1")
    page.get_by_label("Rayon (km)").press("Enter")
    page.get_by_text("dans un rayon de 1.0 km", exact=False).or_(
        page.get_by_text("dans un rayon de 1,0 km", exact=False)).first.wait_for()
    check_accessibility(page, axe_path)
    screenshot(page, "radius")

    nav.get_by_role("link", name="Carte").click()
    expect(page.locator(".map path.leaflet-interactive")).not_to_have_count(0)
    page.wait_for_timeout(300)
    check_accessibility(page, axe_path)
    screenshot(page, "map")

    page.get_by_role("search").get_by_label("Rechercher", exact=False).first.fill("1210")
    page.get_by_role("search").get_by_role("button", name="Rechercher").first.click()
    page.get_by_role("link", name="F0 Petrenko").wait_for()
    page.get_by_role("link", name="Marie Janssens").wait_for()
    check_accessibility(page, axe_path)
    screenshot(page, "search")


def test_a_volunteer_uses_voisins_on_a_phone(browser, live_server, axe_path, north):
    volunteer = make_user("marie@example.org", first_name="Marie")
    household = volunteer_create(programme=north, **volunteer_data())
    household.user = volunteer
    household.save(update_fields=["user"])
    context, page = phone(browser, live_server, "fr-BE")
    try:
        log_in(page, volunteer)
        page.wait_for_url("**/volunteer/")  # a volunteer household lands on its portal
        check_accessibility(page, axe_path)
        # Nothing wider than the screen, and every control big enough for a thumb.
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        small = page.evaluate("""() => [...document.querySelectorAll('button, select')]
            .filter(e => e.offsetParent !== null && e.getBoundingClientRect().height < 24)
            .map(e => e.outerHTML.slice(0, 80))""")
        assert small == []
        screenshot(page, "volunteer-phone")
    finally:
        context.close()
    assert not page.outside


def test_a_family_reads_its_page_in_arabic_on_a_phone(browser, live_server, axe_path, family):
    FamilyHousehold.objects.filter(pk=family.pk).update(page_language="ar")
    token = family_link_token(family_link_create(family=family))
    context, page = phone(browser, live_server, "ar")
    try:
        page.goto(reverse("familypages:home", kwargs={"token": token}))
        assert page.locator("html").get_attribute("dir") == "rtl"
        heading = page.get_by_role("heading", level=1)
        assert "Amina" in heading.inner_text()
        # Mirrored: the heading starts at the right edge of the screen.
        box = heading.bounding_box()
        text_right = page.evaluate("""() => { const r = document.createRange();
            r.selectNodeContents(document.querySelector('h1'));
            return r.getBoundingClientRect().right; }""")
        assert text_right > box["x"] + box["width"] - 20
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        check_accessibility(page, axe_path)
        screenshot(page, "family-arabic")

        page.get_by_role("button", name="Українська").click()
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == "uk"
        assert page.locator("html").get_attribute("dir") == "ltr"
        check_accessibility(page, axe_path)
        screenshot(page, "family-ukrainian")

        page.goto(reverse("familypages:home", kwargs={"token": token[:-3] + "abc"}))
        page.get_by_role("heading", level=1).wait_for()
        check_accessibility(page, axe_path)
        screenshot(page, "family-link-problem")
    finally:
        context.close()
    assert not page.outside
