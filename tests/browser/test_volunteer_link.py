"""A volunteer household without an account answers a proposal through its personal link,
on a phone, in its own language (issue 15, item 1)."""

import re

import pytest
from django.core import mail

from voisins.households.services import volunteer_create
from voisins.matches.models import Proposal
from voisins.matches.services import proposal_send

from ..conftest import agreed_to_matching, volunteer_data
from .conftest import PHONE, check_accessibility, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_volunteer_household_without_account_answers_its_proposal_on_a_phone(
        browser, live_server, axe_path, north, family, alice):
    joke = volunteer_create(programme=north, **volunteer_data(
        contact_first_name="Joke", contact_last_name="Janssens", email="joke@example.org",
        languages=[{"code": "nl", "level": "native"}, {"code": "fr", "level": "basic"}]))
    assert joke.user is None
    agreed_to_matching(family, joke)
    proposal = Proposal.objects.create(programme=north, family=family, volunteer=joke,
                                       score=6, distance_km=0.6, created_by=alice)
    mail.outbox.clear()
    proposal_send(proposal=proposal, by=alice)
    [message] = [m for m in mail.outbox if m.to == ["joke@example.org"]]
    link = re.search(r"https?://[^/\s]+(/v/\S+)", message.body)[1]
    home = link.split("/proposals/")[0] + "/"

    # The browser speaks French; the household's pages speak Dutch, its language.
    context = browser.new_context(base_url=live_server.url, locale="fr-BE", viewport=PHONE,
                                  is_mobile=True, has_touch=True, device_scale_factor=2)
    context.set_default_timeout(10_000)
    page = context.new_page()
    outside = []
    page.on("request", lambda r: outside.append(r.url)
            if not r.url.startswith(live_server.url) and not r.url.startswith("data:") else None)
    try:
        page.goto(home)
        assert page.locator("html").get_attribute("lang") == "nl"
        assert "Joke" in page.get_by_role("heading", level=1).inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        check_accessibility(page, axe_path)
        screenshot(page, "volunteer-link-home")

        page.locator("#answer-proposal").click()
        page.wait_for_url(f"**{link}")
        assert "Amina" in page.content() and "Haddad" not in page.content()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        check_accessibility(page, axe_path)
        screenshot(page, "volunteer-link-proposal")

        page.locator(f"#id_p{proposal.pk}_answer input[value=yes]").check()
        page.locator(f"form[action$='/proposals/{proposal.pk}/answer/'] button").click()
        page.get_by_role("status").wait_for()
        check_accessibility(page, axe_path)
        screenshot(page, "volunteer-link-answered")

        # What Voisins holds about it, and a password to log in without the link.
        page.goto(home)
        page.get_by_role("link", name="Wat Voisins over u bijhoudt").click()
        assert "joke@example.org" in page.content()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        check_accessibility(page, axe_path)
        screenshot(page, "volunteer-link-data")
        page.goto(home)
        page.get_by_role("link", name="Een wachtwoord kiezen").click()
        assert page.locator("#id_email").input_value() == "joke@example.org"
        check_accessibility(page, axe_path)
        screenshot(page, "volunteer-link-password")
    finally:
        context.close()
    assert not outside
    proposal.refresh_from_db()
    assert proposal.volunteer_answer == "accepted" and proposal.volunteer_answered_by is None


def test_a_coordinator_sends_a_volunteer_households_link_and_records_its_phone_answer(
        page, axe_path, csp_errors, north, family, alice):
    from django.urls import reverse


    marie = volunteer_create(programme=north, **volunteer_data(email="marie@example.org"))
    agreed_to_matching(family, marie)
    proposal = Proposal.objects.create(programme=north, family=family, volunteer=marie,
                                       score=6, distance_km=0.6, created_by=alice)
    proposal_send(proposal=proposal, by=alice)
    log_in(page, alice)
    page.wait_for_url("**/staff/north/")
    page.goto(reverse("staff:volunteer", args=["north", marie.pk]))
    page.get_by_role("button", name="Créer un lien pour le ménage").click()
    page.get_by_role("button", name="Fermer ce lien").wait_for()  # htmx, no reload
    assert "/v/" in page.locator("#volunteer-links input[readonly]").first.input_value()
    check_accessibility(page, axe_path)
    screenshot(page, "volunteer-links-staff")

    page.goto(reverse("matches:proposal", args=["north", proposal.pk]))
    page.locator("#id_v_answer input[value=yes]").check()
    page.get_by_label("Anything to add", exact=False).or_(
        page.locator("#id_v_comment")).first.fill("Au téléphone, ravie")
    page.locator("form[action$='/volunteer-answer/'] button").click()
    page.get_by_text("recorded by", exact=False).or_(
        page.get_by_text("enregistré", exact=False)).first.wait_for()
    check_accessibility(page, axe_path)
    screenshot(page, "proposal-volunteer-answer")
    proposal.refresh_from_db()
    assert proposal.volunteer_answer == "accepted" and proposal.volunteer_answered_by == alice
    assert not csp_errors
