"""Issue 15, "Done means", walked in a real Chromium on the demo programme as `make run`
makes it: the same command with half the households and fewer matches (the same kinds of
households; with fewer matches some feasible pairs are left to propose).

The coordinator sends a proposal between a volunteer household without an account (it has
an e-mail address) and a family with only a mobile number (its pages in Arabic). The
e-mail goes to the mail backend, the SMS to a file under a temporary `var/sms/` (the file
backend `make run` uses); each carries a signed link. Each household opens its link on a
phone, without logging in, and says yes; each then sees the other's contact details; and
the coordinator's confirmation said exactly who was told how. Screenshots:
docs/screenshots/reach-*.png.
"""

import io
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from voisins.households.models import FamilyHousehold
from voisins.households.services import household_update
from voisins.matches import bridge, selectors
from voisins.matches.models import Match, Proposal
from voisins.messaging.selectors import channel_for
from voisins.programmes.models import Programme

from .conftest import check_accessibility, fits, log_in, phone, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The Makefile's demo (`make run`: 120 families, 100 volunteers, 25 matches, 8 proposals,
# 80 ended), smaller.
DEMO = ["--families", "60", "--volunteers", "50", "--matches", "8", "--proposals", "3",
        "--ended", "30", "--journey", "--seed", "1"]
NOTE = "Vous habitez à deux rues l'un de l'autre ; le mercredi vous convient à tous les deux."


def _demo() -> tuple[Programme, str, str]:
    out = io.StringIO()
    call_command("demo", *DEMO, stdout=out)
    login = re.search(r"^login: (\S+) password: (\S+)$", out.getvalue(), re.M)
    return Programme.objects.get(slug="demo"), login.group(1), login.group(2)


def _pair(programme: Programme):
    """A waiting family reached only by SMS whose pages are in Arabic, and a volunteer
    household without an account, reached by e-mail, that the engine suggests for it."""
    volunteers = {v.pk: v for v in selectors.matchable_volunteers(programme)}
    excluded = selectors.excluded_pairs(programme)
    families = FamilyHousehold.objects.filter(programme=programme, status="waiting",
                                              email="").order_by("pk")
    for prefer_arabic in (True, False):
        for family in families:
            if channel_for(family)[0] != "sms" or selectors.family_not_proposable(family) or (
                    prefer_arabic and family.page_language != "ar"):
                continue
            for suggestion in bridge.suggest_for(programme, family, list(volunteers.values()),
                                                 excluded, k=10):
                volunteer = volunteers[suggestion.volunteer_id]
                if volunteer.user_id is None and channel_for(volunteer)[0] == "email":
                    return family, volunteer
    raise AssertionError("the demo has no such pair")


def _link(text: str, kind: str) -> str:
    return re.search(rf"(https?://\S+/{kind}/\S+?/\S*)", text).group(1).rstrip('".')


def test_a_proposal_reaches_a_household_without_account_and_a_family_by_sms(
        page, browser, live_server, axe_path, settings, tmp_path):
    sms_dir = tmp_path / "var" / "sms"
    settings.VOISINS_SMS = {**settings.VOISINS_SMS, "BACKEND": "file",
                            "FILE_PATH": str(sms_dir)}
    settings.VOISINS = {**settings.VOISINS, "SITE_URL": live_server.url}
    programme, email, password = _demo()
    family, volunteer = _pair(programme)
    if family.page_language != "ar":
        # The few pairs left free are not Arabic-speaking families: the coordinator sets
        # this one's pages to Arabic, as at intake.
        household_update(household=family, changes={"page_language": "ar"})
        family.refresh_from_db()
    mail.outbox.clear()

    # The coordinator proposes the pair, adds a word for both, and sends it.
    log_in(page, email, password)
    page.goto(reverse("matches:suggestions", args=[programme.slug, family.pk]))
    page.locator(f'form:has(input[name=volunteer][value="{volunteer.pk}"]) button').click()
    page.wait_for_load_state()
    proposal = Proposal.objects.get(family=family, volunteer=volunteer)
    assert page.url.endswith(reverse("matches:proposal", args=[programme.slug, proposal.pk]))
    page.locator("textarea[name=note], input[name=note]").fill(NOTE)
    page.locator("main form:has([name=note]) button[type=submit]").click()
    page.wait_for_load_state()
    send = reverse("matches:proposal_send", args=[programme.slug, proposal.pk])
    page.locator(f'form[action="{send}"] button').click()
    page.wait_for_load_state()
    confirmation = page.locator(".message").first.inner_text()
    assert (f"Le ménage bénévole ({volunteer.contact_first_name}) : e-mail envoyé. "
            f"La famille ({family.contact_first_name}) : SMS envoyé.") in confirmation
    screenshot(page, "reach-1-coordinator-sent")

    # An e-mail to the volunteer household's own address, an SMS file to the family.
    [email_message] = [m for m in mail.outbox if m.to == [volunteer.email]]
    assert NOTE in email_message.body
    assert programme.message_signature in email_message.body
    volunteer_url = _link(email_message.body, "v")
    [sms_file] = list(sms_dir.glob("*.txt"))
    sms_text = sms_file.read_text(encoding="utf-8")
    assert f"To: {family.phone}" in sms_text
    family_url = _link(sms_text, "f")

    # The volunteer household opens its link on a phone, no login, and says yes.
    context, household = phone(browser, live_server, "fr-BE")
    household.goto(volunteer_url)
    assert "/accounts/login/" not in household.url
    household.get_by_text(NOTE).wait_for()
    screenshot(household, "reach-2-volunteer-proposal")
    check_accessibility(household, axe_path)
    household.locator("input[name=answer][value=yes]").check()
    household.locator("main form button[type=submit]").click()
    household.wait_for_load_state()
    assert Proposal.objects.get(pk=proposal.pk).volunteer_answer == "accepted"

    # The family opens the SMS's link on its phone, in Arabic, and says yes.
    family_context, family_page = phone(browser, live_server, "ar")
    family_page.goto(family_url)
    assert family_page.locator("html").get_attribute("lang") == "ar"
    assert family_page.locator("html").get_attribute("dir") == "rtl"
    screenshot(family_page, "reach-3-family-proposal-ar")
    check_accessibility(family_page, axe_path)
    family_page.locator("input[name=answer][value=yes]").check()
    family_page.locator("main form button[type=submit]").click()
    family_page.wait_for_load_state()
    match = Match.objects.get(proposal=proposal)

    # Both said yes: each household's page shows the other's contact details.
    contact = family_page.locator("#contact").inner_text()
    assert volunteer.contact_first_name in contact and volunteer.email in contact
    fits(family_page)
    screenshot(family_page, "reach-4-family-contact-ar")
    household.goto(live_server.url + reverse(
        "matches:volunteer_link_match", args=[volunteer_url.split("/v/")[1].split("/")[0],
                                              match.pk]))
    contact = household.locator("#contact").inner_text()
    assert family.contact_first_name in contact and family.contact_last_name in contact
    assert family.phone[-6:] in contact.replace(" ", "")
    fits(household)
    screenshot(household, "reach-5-volunteer-contact")
    for p in (household, family_page):
        assert not p.outside and not p.csp
    context.close()
    family_context.close()
