"""A coordinator records a family's consent to share its contact details in a real
Chromium (axe-core, no CSP violation); the matched volunteer then sees them."""

import pytest

from voisins.privacy.models import Consent

from .conftest import check_accessibility, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_records_consent_and_the_volunteer_sees_the_contact(
        page, axe_path, csp_errors, alice, live_match, browser, live_server):
    family = live_match.family
    family.phone = "+32488776655"
    family.save()
    log_in(page, alice)
    page.wait_for_url("**/staff/north/")
    page.goto(f"/staff/north/families/{family.pk}/")
    page.locator(f'a[href="/staff/north/families/{family.pk}/consents/"]').click()
    page.locator("select[name=purpose]").select_option("share_contact")
    page.locator("input[name=given_by_name]").fill("Hassan")
    check_accessibility(page, axe_path)
    page.locator("form.card button[type=submit]").click()
    page.get_by_text("Hassan").wait_for()
    check_accessibility(page, axe_path)
    screenshot(page, "consents")
    assert Consent.objects.get(family=family, purpose="share_contact").recorded_by == alice

    volunteer = browser.new_context(base_url=live_server.url, locale="fr-BE").new_page()
    log_in(volunteer, live_match.volunteer.user)
    volunteer.goto(f"/me/matches/{live_match.pk}/")
    volunteer.get_by_text("+32488776655").wait_for()
    volunteer.context.close()
