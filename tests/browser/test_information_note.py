"""Issue 18, the volunteer's information note: a volunteer household without an account
reads the note through its personal link on a phone, in Arabic (right to left), with the
insurance in force, and acknowledges it in one click; the coordinator sees on the
programme's home how many have not, and who."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.volunteering.conftest import NOTE
from voisins.familypages.services import household_link_create, household_link_token
from voisins.households.services import volunteer_create
from voisins.volunteering.services import information_note_publish, insurance_policy_create

from ..conftest import volunteer_data
from .conftest import PHONE, check_accessibility, fits, log_in, phone, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_household_acknowledges_the_note_on_its_phone_and_the_coordinator_sees_who_has_not(
        browser, live_server, page, axe_path, north, alice):
    samira = volunteer_create(programme=north, **volunteer_data(
        contact_first_name="Samira", contact_last_name="Benali",
        languages=[{"code": "ar", "level": "native"}, {"code": "fr", "level": "basic"}]))
    volunteer_create(programme=north, **volunteer_data(contact_first_name="Lotte",
                                                       contact_last_name="Claes"))
    today = timezone.localdate()
    insurance_policy_create(programme=north, insurer="Ethias", policy_number="45.201.377",
                            covers=["civil_liability", "bodily_accidents"],
                            valid_from=today - timedelta(days=100),
                            valid_to=today + timedelta(days=265))
    information_note_publish(programme=north, by=alice,
                             published_at=timezone.now() - timedelta(days=3), **NOTE)
    token = household_link_token(household_link_create(household=samira, by=alice))

    context, household = phone(browser, live_server, "fr-BE")
    try:
        household.goto(f"/v/{token}/")
        assert household.locator("html").get_attribute("lang") == "ar"
        household.locator("#note-link").click()
        household.wait_for_url(f"**/v/{token}/note/")
        assert household.locator("html").get_attribute("dir") == "rtl"
        text = household.locator("article.note").inner_text()
        assert "Ethias" in text and "458" in text and "Voisins du Nord" in text
        fits(household)
        check_accessibility(household, axe_path)
        screenshot(household, "information-note-link")
        household.locator("#acknowledge").click()
        household.locator("#acknowledged").wait_for()
        fits(household)
        check_accessibility(household, axe_path)
        screenshot(household, "information-note-acknowledged")
        assert household.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        context.close()
    assert not household.outside and not household.csp

    log_in(page, alice.email)
    page.goto("/staff/north/")
    assert page.locator("#note-pending").inner_text().strip() == "1"
    page.locator("#note-pending").locator("xpath=..").get_by_role("link").click()
    page.wait_for_url("**/volunteering/north/")
    check_accessibility(page, axe_path)
    screenshot(page, "information-note-overview")
    page.goto("/volunteering/north/not-acknowledged/")
    rows = page.locator("#pending tbody").inner_text()
    assert "Lotte" in rows and "Samira" not in rows
    check_accessibility(page, axe_path)
    screenshot(page, "information-note-not-acknowledged")
