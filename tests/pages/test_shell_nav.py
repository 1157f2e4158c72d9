"""The staff navigation lists what a coordinator does in a day, only pages that exist."""

import pytest
from django.urls import reverse

from voisins.workspace import nav
from voisins.workspace.nav import NavItem, nav_for

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_it_links_the_pages_that_exist(client, alice, north):
    client.force_login(alice)
    response = client.get(reverse("staff:programme", args=["north"]), **EN)
    html = response.content.decode()
    assert 'aria-label="Main"' in html
    assert f'href="{reverse("staff:families", args=["north"])}?status=waiting"' in html
    assert f'href="{reverse("staff:volunteers", args=["north"])}"' in html
    assert f'href="{reverse("workspace:map", args=["north"])}"' in html


def test_it_skips_entries_whose_page_does_not_exist_yet(alice, north, monkeypatch):
    monkeypatch.setattr(nav, "NAV_ITEMS", (
        NavItem("staff:volunteers", "Volunteers", "view_households"),
        NavItem("nowhere:yet", "Not built yet", "view_households"),
    ))
    assert [i["label"] for i in nav_for(alice, north)] == ["Volunteers"]


def test_it_shows_a_page_as_soon_as_its_url_name_exists(alice, north, monkeypatch):
    monkeypatch.setattr(nav, "NAV_ITEMS", nav.NAV_ITEMS + (
        NavItem("staff:import", "Import", "import_households"),))
    assert any(i["label"] == "Import" for i in nav_for(alice, north))


def test_it_shows_a_viewer_the_reports_only(vera, north):
    assert [i["url"] for i in nav_for(vera, north)] == [reverse("evaluation:dashboard",
                                                                args=["north"])]


def test_it_marks_the_current_page(client, alice, north):
    client.force_login(alice)
    url = reverse("workspace:map", args=["north"])
    html = client.get(url, **EN).content.decode()
    assert f'<a href="{url}" aria-current="page">' in html


@pytest.mark.parametrize("name", ["landing"])
def test_it_shows_no_navigation_to_anonymous_visitors(client, db, name):
    html = client.get(reverse("account_login"), **EN).content.decode()
    assert 'aria-label="Main"' not in html
