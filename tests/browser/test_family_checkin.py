"""A family answers its check-in in Arabic on a phone, in a real Chromium: from its home,
through "How is it going?", to the thank-you page, all through its one personal link."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from voisins.familypages.services import family_link_create, family_link_token
from voisins.households.models import FamilyHousehold
from voisins.matches.models import CheckIn
from voisins.matches.services import introduction_plan, introduction_record

from .conftest import check_accessibility, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


def _fits_the_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"


def test_a_family_answers_its_checkin_in_arabic_on_a_phone(page, axe_path, csp_errors, alice,
                                                          live_match):
    FamilyHousehold.objects.filter(pk=live_match.family_id).update(page_language="ar")
    introduction_plan(match=live_match, planned_at=timezone.now(), place="Parc", by=alice)
    live_match.started_on = timezone.localdate() - timedelta(days=30)
    live_match.save()
    introduction_record(match=live_match, held_on=timezone.localdate() - timedelta(days=15),
                        by=alice)
    due = CheckIn.objects.get(match=live_match, side="family", day_offset=14)
    token = family_link_token(family_link_create(family=live_match.family))
    page.set_viewport_size(PHONE)

    page.goto(reverse("familypages:home", kwargs={"token": token}))
    _fits_the_phone(page)
    # "How is it going?" on the home page leads to the check-in that is due.
    page.locator(f'a[href="{reverse("matches:family_checkin", kwargs={"token": token})}"]'
                 ).click()
    page.wait_for_url(f"**/check-ins/{due.pk}/")
    _fits_the_phone(page)
    assert "Victor" in page.get_by_role("heading", level=1).inner_text()
    check_accessibility(page, axe_path)
    screenshot(page, "family-checkin-arabic")

    # Tap the answers: 4 (well), meeting every week, a worry written in Arabic.
    page.locator('input[name="rating"][value="4"]').check()
    page.locator('select[name="frequency"]').select_option("weekly")
    page.locator('textarea[name="worry"]').fill("نلتقي قليلاً هذا الشهر")
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    _fits_the_phone(page)
    assert page.locator(f'main a[href="/f/{token}/"]').count() == 1  # back to the home
    check_accessibility(page, axe_path)
    screenshot(page, "family-checkin-arabic-done")

    due.refresh_from_db()
    live_match.refresh_from_db()
    assert due.rating == 4 and due.frequency == "weekly" and due.answered_by is None
    assert live_match.needs_attention and live_match.attention_reasons == ["worry"]
