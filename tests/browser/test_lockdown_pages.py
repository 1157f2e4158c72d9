"""The lockdown as people see it, in a real Chromium: a family's page in Arabic says that the
programme is paused, with the team's French message isolated in the right-to-left text, and
every staff page of the programme carries the banner. Checked by axe-core; screenshots in
docs/screenshots/ (family-arabic-paused.png, staff-paused-banner.png)."""

import pytest
from django.urls import reverse

from voisins.familypages.links import family_link_token
from voisins.familypages.services import family_link_create
from voisins.households.models import FamilyHousehold
from voisins.matches.services import programme_pause_all

from .conftest import PHONE, check_accessibility, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MESSAGE = "Confinement : restez chez vous. Appelez votre voisin si vous le souhaitez."


def test_a_family_reads_in_arabic_that_the_programme_is_paused(browser, live_server,
                                                               axe_path, live_match, alice):
    family = live_match.family
    FamilyHousehold.objects.filter(pk=family.pk).update(page_language="ar", status="matched")
    programme_pause_all(programme=live_match.programme, message=MESSAGE, by=alice)
    token = family_link_token(family_link_create(family=family))
    context = browser.new_context(base_url=live_server.url, locale="ar", viewport=PHONE,
                                  is_mobile=True, has_touch=True, device_scale_factor=2)
    page = context.new_page()
    try:
        page.goto(reverse("familypages:home", kwargs={"token": token}))
        assert page.locator("html").get_attribute("dir") == "rtl"
        notice = page.locator("section.banner.paused")
        assert "البرنامج متوقف" in notice.inner_text()
        quote = notice.locator("blockquote")
        assert quote.get_attribute("dir") == "auto"
        # The French message keeps its own direction: its full stop ends the line on the
        # right, not at the start of the right-to-left block.
        assert page.evaluate("e => getComputedStyle(e).direction",
                             quote.element_handle()) == "ltr"
        assert page.locator("h1 bdi").inner_text() == "Amina"
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        check_accessibility(page, axe_path)
        screenshot(page, "family-arabic-paused")
    finally:
        context.close()


def test_every_staff_page_of_a_paused_programme_shows_the_banner(page, axe_path, csp_errors,
                                                                 live_match, alice):
    programme_pause_all(programme=live_match.programme, message=MESSAGE, by=alice)
    log_in(page, alice)
    for url in (reverse("staff:programme", args=["north"]),
                reverse("matches:matches", args=["north"]),
                reverse("matches:dashboard", args=["north"])):
        page.goto(url)
        banner = page.locator("p.banner.paused")
        assert "Le programme est en pause depuis le" in banner.inner_text()
        check_accessibility(page, axe_path)
    page.goto(reverse("staff:programme", args=["north"]))
    screenshot(page, "staff-paused-banner")
