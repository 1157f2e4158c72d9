"""The journey of the issue, end to end in a real Chromium against a live server.

A coordinator logs in, finds a waiting family, asks for suggestions and sends a proposal;
the volunteer household accepts it on a phone (its own pages, in Dutch, its account's
language); the family accepts through the personal link the coordinator made, in Arabic
on a phone, so that the match exists; the coordinator records the first meeting; weeks
later the family answers its check-in in Arabic. Every page is checked by axe-core, may
not reach another host nor break the CSP, and is saved in docs/screenshots/.
"""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from voisins.households.services import family_create, volunteer_create
from voisins.matches.models import CheckIn, Match, Proposal

from ..conftest import agreed_to_matching, family_data, volunteer_data
from .conftest import check_accessibility, fits, log_in, phone, screenshot, small_targets

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

@pytest.fixture
def neighbourhood(north, alice, family, victor):
    """Amina's family waits in Schaerbeek (1030); Victor's household, trained and with an
    account, lives there too; a few others live around."""
    for i, (postcode, name) in enumerate([("1210", "Petrenko"), ("1000", "Tesfaye")]):
        family_create(programme=north, **family_data(contact_first_name=f"F{i}",
                                                      contact_last_name=name, postcode=postcode))
    for postcode, name in [("1030", "Janssens"), ("1210", "Lambert")]:
        volunteer_create(programme=north, **volunteer_data(contact_last_name=name,
                                                           postcode=postcode))
    # At intake both agreed to be matched and to share their contact with the other side.
    from voisins.privacy.services import consent_give

    agreed_to_matching(family, victor)
    for household in (family, victor):
        consent_give(household=household, purpose="share_contact")
    return family


def test_from_a_waiting_family_to_its_first_checkin(page, browser, live_server, axe_path,
                                                    csp_errors, alice, victor, neighbourhood):
    family = neighbourhood
    slug = "north"

    # --- The coordinator, at her desk --------------------------------------------------
    log_in(page, alice.email)
    page.wait_for_url(f"**/staff/{slug}/")
    page.get_by_role("navigation", name="Menu principal").locator(
        f'a[href^="{reverse("staff:families", args=[slug])}?status=waiting"]').click()
    page.wait_for_url("**/families/?status=waiting")
    page.locator("#id_q").fill("Haddad")
    page.locator("#rows tbody tr").filter(has_text="Tesfaye").wait_for(state="detached")
    check_accessibility(page, axe_path)
    page.get_by_role("link", name="Amina Haddad").click()
    page.get_by_role("heading", name="Amina Haddad").wait_for()

    # A personal link for the family, made without reloading the page (htmx).
    page.get_by_role("button", name="Créer un lien pour la famille").click()
    family_link = page.locator("#family-links input[readonly]").first
    family_link.wait_for()
    link_url = family_link.input_value()
    assert link_url.startswith(live_server.url + "/f/")
    check_accessibility(page, axe_path)
    screenshot(page, "journey-1-family")

    # Suggestions: who could help this family, and why.
    page.locator(f'a[href="{reverse("matches:suggestions", args=[slug, family.pk])}"]').click()
    row = page.locator("tbody tr").filter(has_text="Victor Peeters")
    row.wait_for()
    assert row.locator("li").count() >= 2  # the reasons are spelled out
    check_accessibility(page, axe_path)
    screenshot(page, "journey-2-suggestions")
    row.get_by_role("button").click()
    page.wait_for_url("**/proposals/*/")
    proposal = Proposal.objects.get(family=family, volunteer=victor)
    assert proposal.status == Proposal.Status.DRAFT
    page.locator(f'form[action="{reverse("matches:proposal_send", args=[slug, proposal.pk])}"]'
                 " button").click()
    page.locator(".message.success").wait_for()
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SENT
    check_accessibility(page, axe_path)
    screenshot(page, "journey-3-proposal-sent")

    # --- The volunteer household, on its phone, in Dutch (its account's language) -------
    context, volunteer_page = phone(browser, live_server, "nl-BE")
    try:
        log_in(volunteer_page, victor.user.email)
        volunteer_page.wait_for_url("**/volunteer/")
        assert volunteer_page.locator("html").get_attribute("lang") == "nl"
        fits(volunteer_page)
        check_accessibility(volunteer_page, axe_path)
        volunteer_page.locator(f'main a[href="{reverse("matches:volunteer_home")}"]').click()
        volunteer_page.wait_for_url("**/me/")
        fits(volunteer_page)
        assert small_targets(volunteer_page) == []
        assert "Amina" in volunteer_page.locator("main").inner_text()
        assert "Haddad" not in volunteer_page.locator("main").inner_text()  # no last name yet
        check_accessibility(volunteer_page, axe_path)
        screenshot(volunteer_page, "journey-4-volunteer-proposal-phone")

        # Saying no without a reason: told next to the field, the comment kept.
        form = volunteer_page.locator(
            f'form[action="{reverse("matches:volunteer_answer", args=[proposal.pk])}"]')
        form.locator("input[value=no]").check()
        form.locator("input[name=comment]").fill("Wij zijn er in juli niet")
        form.locator("button[type=submit]").click()
        volunteer_page.locator(f"#id_p{proposal.pk}_reason_error").wait_for()
        assert form.locator("input[name=comment]").input_value() == "Wij zijn er in juli niet"
        assert form.locator("select[name=reason]").get_attribute("aria-invalid") == "true"
        check_accessibility(volunteer_page, axe_path)

        form.locator("input[value=yes]").check()  # thought again: yes
        form.locator("button[type=submit]").click()
        volunteer_page.locator(".message.success").wait_for()
        fits(volunteer_page)
        screenshot(volunteer_page, "journey-5-volunteer-accepted-phone")
    finally:
        context.close()
    assert not volunteer_page.outside and not volunteer_page.csp
    proposal.refresh_from_db()
    assert proposal.volunteer_answer == "accepted"
    assert proposal.volunteer_comment == "Wij zijn er in juli niet"
    assert not Match.objects.filter(family=family).exists()  # the family has not answered

    # --- The family, on its phone, through its link: it taps its language, Arabic -------
    family_context, family_page = phone(browser, live_server, "fr-BE")
    try:
        _family_accepts(family_page, link_url, axe_path)
        match = Match.objects.get(family=family, volunteer=victor)
        assert match.status == Match.Status.INTRODUCTION
        _coordinator_records_the_meeting(page, axe_path, match)
        _family_answers_its_checkin(family_page, link_url, axe_path, match)
    finally:
        family_context.close()
    assert not family_page.outside and not family_page.csp


def _family_accepts(family_page, link_url: str, axe_path) -> None:
    family_page.goto(link_url)
    family_page.get_by_role("button", name="العربية").click()
    family_page.wait_for_load_state()
    assert family_page.locator("html").get_attribute("dir") == "rtl"
    assert family_page.locator("html").get_attribute("lang") == "ar"
    token = link_url.rstrip("/").rsplit("/", 1)[1]
    neighbour = reverse("matches:family_proposal", kwargs={"token": token})
    family_page.locator(f'main a[href="{neighbour}"]').click()
    family_page.wait_for_url(f"**{neighbour}")
    fits(family_page)
    assert small_targets(family_page) == []
    assert "Victor" in family_page.locator("main").inner_text()
    assert "Peeters" not in family_page.locator("main").inner_text()
    check_accessibility(family_page, axe_path)
    screenshot(family_page, "journey-6-family-proposal-arabic")
    # Mirrored: the radio button stands at the right of its words.
    yes = family_page.locator("main input[value=yes]")
    label = family_page.locator("main label:has(input[value=yes])").bounding_box()
    assert yes.bounding_box()["x"] > label["x"] + label["width"] / 2
    yes.check()
    family_page.locator("main form button[type=submit]").click()
    family_page.locator(".message.success").wait_for()
    fits(family_page)
    assert "+32470112233" in family_page.locator("main").inner_text()  # both said yes
    check_accessibility(family_page, axe_path)
    screenshot(family_page, "journey-7-family-matched-arabic")


def _coordinator_records_the_meeting(page, axe_path, match) -> None:
    """A month has gone by: the coordinator plans the first meeting and records it held."""
    slug = match.programme.slug
    Match.objects.filter(pk=match.pk).update(started_on=timezone.localdate() - timedelta(30))
    page.goto(reverse("matches:match", args=[slug, match.pk]))
    page.locator("#id_plan_planned_at").fill(
        (timezone.localdate() - timedelta(16)).isoformat() + "T17:30")
    page.locator("#id_plan_place").fill("Maison de quartier")
    page.locator(f'form[action="{reverse("matches:intro_plan", args=[slug, match.pk])}"]'
                 " button").click()
    page.locator("#id_held_held_on").fill((timezone.localdate() - timedelta(15)).isoformat())
    page.locator(f'form[action="{reverse("matches:intro_held", args=[slug, match.pk])}"]'
                 " button").click()
    page.locator(".message.success").wait_for()
    match.refresh_from_db()
    assert match.status == Match.Status.ACTIVE
    check_accessibility(page, axe_path)
    screenshot(page, "journey-8-match")


def _family_answers_its_checkin(family_page, link_url: str, axe_path, match) -> None:
    """Two weeks after the meeting, the family answers its check-in, still in Arabic."""
    due = CheckIn.objects.get(match=match, side="family", day_offset=14)
    family_page.goto(link_url)
    family_page.locator(f'main a[href="{urlsplit(link_url).path}check-ins/"]').click()
    family_page.wait_for_url(f"**/check-ins/{due.pk}/")
    fits(family_page)
    assert small_targets(family_page) == []
    assert "Victor" in family_page.get_by_role("heading", level=1).inner_text()
    assert "؟:" not in family_page.locator("main").inner_text()  # no stray colon
    check_accessibility(family_page, axe_path)
    screenshot(family_page, "family-checkin-arabic")

    # Sent without a rating: told next to the field, what was written is kept.
    family_page.locator("textarea[name=worry]").fill("نلتقي قليلاً هذا الشهر")
    family_page.locator("main button[type=submit]").click()
    family_page.locator("#id_rating_error").wait_for()
    assert family_page.locator("textarea[name=worry]").input_value() == \
        "نلتقي قليلاً هذا الشهر"
    check_accessibility(family_page, axe_path)

    family_page.locator('input[name="rating"][value="4"]').check()
    family_page.locator('select[name="frequency"]').select_option("weekly")
    family_page.locator("main button[type=submit]").click()
    family_page.get_by_role("heading", level=1).wait_for()
    fits(family_page)
    home = urlsplit(link_url).path
    assert family_page.locator(f'main a[href="{home}"]').count() == 1  # back to the home
    check_accessibility(family_page, axe_path)
    screenshot(family_page, "family-checkin-arabic-done")
    due.refresh_from_db()
    match.refresh_from_db()
    assert due.rating == 4 and due.frequency == "weekly" and due.answered_by is None
    assert match.needs_attention and match.attention_reasons == ["worry"]
