"""The volunteer journey in a real browser: a campaign link, the sign-up form with its
error summary, the coordinator's funnel and campaign, the volunteer's own page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from voisins.community import services as community
from voisins.recruitment import services as recruitment
from voisins.training import services as training

from ..conftest import make_user
from .conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_signs_up_through_a_campaign(page, north):
    recruitment.public_text_save(
        programme=north, language="en", tagline="Neighbours who give some time",
        about="Local households meet refugee families nearby.",
        how_to_join="Sign up, meet us, follow the training.",
        how_to_refer="Partners refer families with their consent.")
    recruitment.news_post_create(programme=north, author=None, language="en",
                                 title="Shared meal on Saturday", body="Everyone welcome.")
    campaign = recruitment.campaign_create(programme=north, name="Poster", channel="other")
    page.goto("/p/north/?lang=en")
    page.get_by_role("heading", name="Voisins Nord").wait_for()
    screenshot(page, "public-page")
    page.goto(f"/p/north/c/{campaign.code}/?lang=en")
    page.locator("input[name=email]").fill("marc@example.org")
    page.locator("input[name=contact_first_name]").fill("Marc")
    page.locator("input[name=contact_last_name]").fill("Peeters")
    page.locator("input[name=postcode]").fill("9999")
    page.locator("input[name=adult_birth_years]").fill("1970")
    page.locator("select[name=language_1]").select_option("fr")
    page.locator("select[name=level_1]").select_option("native")
    page.locator("input[name=offers][value=homework]").check()
    page.locator("input[name=availability][value=wed-pm]").check()
    page.locator("textarea[name=motivation]").fill("We have time on Wednesdays.")
    box = page.locator("input[name=website]").bounding_box()   # the honeypot is off-screen
    assert box is None or box["x"] + box["width"] <= 0
    page.locator("main form button[type=submit]").click()
    summary = page.locator(".error-summary")
    summary.wait_for()
    text = summary.inner_text()
    assert "Postcode" in text and "privacy notice" in text
    screenshot(page, "join-errors")
    page.locator("input[name=postcode]").fill("1030")
    page.locator("input[name=consent]").check()
    page.locator("main form button[type=submit]").click()
    page.get_by_role("heading", name="Check your e-mail").wait_for()
    assert campaign.signups.count() == 1


def test_a_coordinator_reads_the_funnel_and_prints_a_qr_code(page, alice, north):
    campaign = recruitment.campaign_create(programme=north, name="Press release",
                                           channel="press")
    for _ in range(6):
        recruitment.visit_record(programme=north, campaign=campaign)
    log_in(page, alice.email)
    page.goto("/recruitment/north/")
    page.locator("img.chart").first.wait_for()
    assert page.locator("img.chart").first.evaluate("img => img.naturalWidth") > 0
    screenshot(page, "recruitment-funnel")
    page.goto(f"/recruitment/north/campaigns/{campaign.pk}/")
    assert page.locator("img.qr").evaluate("img => img.naturalWidth") > 0
    screenshot(page, "campaign")


def test_a_volunteer_uses_their_page(page, north, volunteer):
    volunteer.user = make_user("marie@example.org", first_name="Marie")
    volunteer.save()
    start = timezone.now() + timedelta(days=6)
    module = training.training_module_create(programme=north, title="Asylum procedure",
                                             required=True)
    training.training_session_create(module=module, starts_at=start,
                                     ends_at=start + timedelta(hours=2), place="Hall",
                                     capacity=10)
    event = community.event_create(programme=north, kind="shared-meal", title="Shared meal",
                                   starts_at=start, ends_at=start + timedelta(hours=2),
                                   place="Community hall", capacity=1)
    community.invitations_send(event=event, users=[volunteer.user])
    recruitment.charter_publish(programme=north, version="1", text="I respect the family.")
    log_in(page, "marie@example.org")
    page.wait_for_url("**/volunteer/")
    page.locator(f"form[action='/community/invitations/{event.invitations.get().pk}/answer/']"
                 " button[value='1']").click()
    page.wait_for_url("**/volunteer/")
    screenshot(page, "volunteer-portal")
    assert event.invitations.get().status == "going"
