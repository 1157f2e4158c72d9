"""Issue 16, item 6: every count on the programme page is the count of the list it links
to; the follow-up dashboard is in the main menu."""

import re

from django.urls import reverse

from voisins.households.models import FamilyHousehold
from voisins.households.services import family_create

from ..conftest import family_data

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def cards(html: str) -> list[tuple[int, str]]:
    """(figure, link) of every card of the programme page."""
    found = re.findall(r'<span class="figure">([\d\s,\u202f\xa0]+)</span><br>\s*<a href="([^"]+)"',
                       html)
    return [(int(re.sub(r"\D", "", n)), href.replace("&amp;", "&")) for n, href in found]


def test_every_card_counts_what_its_list_shows(client, alice, north, sent_proposal,
                                               draft_proposal, volunteer):
    # An archived waiting family (from an imported history) is counted nowhere.
    old = family_create(programme=north, **family_data(contact_first_name="Old"))
    FamilyHousehold.objects.filter(pk=old.pk).update(archived=True)
    family_create(programme=north, **family_data(contact_first_name="Nour"))
    client.force_login(alice)
    html = client.get(reverse("staff:programme", args=["north"]), **EN).content.decode()
    seen = cards(html)
    assert len(seen) > 10
    assert any("status=sent" in href for _n, href in seen)
    for n, href in seen:
        response = client.get(href, **EN)
        assert response.status_code == 200, href
        assert response.context["page"].paginator.count == n, href


def test_sent_proposals_are_counted_apart_from_those_to_review(client, alice, sent_proposal):
    client.force_login(alice)
    html = client.get(reverse("staff:programme", args=["north"]), **EN).content.decode()
    url = reverse("matches:proposals", args=["north"])
    assert (1, f"{url}?status=sent") in cards(html)


def test_archived_households_are_listed_only_when_asked(client, alice, north):
    old = family_create(programme=north, **family_data(contact_first_name="Old"))
    FamilyHousehold.objects.filter(pk=old.pk).update(archived=True)
    client.force_login(alice)
    url = reverse("staff:families", args=["north"])
    assert client.get(url, **EN).context["page"].paginator.count == 0
    assert client.get(url, {"archived": "on"}, **EN).context["page"].paginator.count == 1


def test_the_follow_up_dashboard_is_in_the_main_menu(client, alice, bob, north):
    client.force_login(alice)
    html = client.get(reverse("staff:programme", args=["north"]), **EN).content.decode()
    menu = html.split('class="main-nav"')[1].split("</nav>")[0]
    assert reverse("matches:dashboard", args=["north"]) in menu
    client.force_login(bob)  # a mediator does not run the follow-up of the programme
    html = client.get(reverse("matches:matches", args=["north"]), **EN).content.decode()
    assert reverse("matches:dashboard", args=["north"]) not in html
