"""The README's pictures are of the demo programme that `make run` makes (issue 16, item 6):
real-looking data, made through the real services and the engine, seen by its coordinator.

Each picture is also a check that the page shows what a coordinator opens it for."""

import pytest
from django.core.management import call_command

from voisins.accounts.models import User
from voisins.households.models import FamilyHousehold
from voisins.matches.models import Match

from ..conftest import PASSWORD
from .conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAKE_RUN = {"families": 120, "volunteers": 100, "matches": 25, "proposals": 8, "ended": 80,
            "journey": True, "seed": 1}
COORDINATOR = "coordinator@demo.voisins.example"


@pytest.fixture
def demo():
    call_command("demo", **MAKE_RUN, stdout=None)
    user = User.objects.get(email=COORDINATOR)
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])  # a known password instead of the printed one
    return user


def test_the_readme_pictures_show_the_demo_programme_as_its_coordinator_sees_it(page, demo):
    log_in(page, COORDINATOR)

    page.goto("/staff/demo/")
    assert page.locator("h1").count() == 1
    # The menu holds on one line at 1280 px, with the demo's counts in it.
    tops = page.locator(".main-nav li").evaluate_all(
        "els => els.map(e => Math.round(e.getBoundingClientRect().top))")
    assert max(tops) - min(tops) < 15, tops
    screenshot(page, "readme-programme")

    page.get_by_role("navigation", name="Principal").get_by_role(
        "link", name="Familles en attente").click()
    rows = page.locator("main table tbody tr")
    rows.first.wait_for()
    assert rows.count() >= 20  # the list is full of waiting families
    screenshot(page, "readme-families")

    waiting = (FamilyHousehold.objects.filter(programme__slug="demo", status="waiting")
               .order_by("waiting_since", "pk").first())
    page.goto(f"/staff/demo/families/{waiting.pk}/")
    page.get_by_role("heading", name=str(waiting)).first.wait_for()
    page.locator("#why-waiting strong").wait_for()  # why it still waits, loaded after the page
    screenshot(page, "readme-family")

    page.goto("/staff/demo/proposals/?status=sent")  # sent, each side's answer awaited
    assert page.locator("main table tbody tr").count() == 8
    screenshot(page, "readme-proposals")

    page.goto("/staff/demo/matching/gaps/")
    screenshot(page, "readme-gaps")

    match = (Match.objects.filter(programme__slug="demo", status__in=Match.LIVE)
             .exclude(checkins=None).order_by("pk").first())
    page.goto(f"/staff/demo/matches/{match.pk}/")
    screenshot(page, "readme-match")
