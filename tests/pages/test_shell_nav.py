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


def test_every_entry_lands_on_a_page(client, alice, north):
    client.force_login(alice)
    items = nav_for(alice, north)
    assert len(items) == len(nav.NAV_ITEMS)  # all of them resolve, a coordinator sees all
    for item in items:
        assert client.get(item["url"], **EN).status_code == 200, item["url"]


def test_it_counts_what_waits_in_each_list_as_the_list_counts_it(client, alice, bob, north,
                                                                 live_match):
    from datetime import timedelta

    from django.utils import timezone

    from voisins.households.services import family_create, volunteer_create
    from voisins.matches.models import CheckIn, Match, Proposal
    from voisins.mediation.services import case_open

    from ..conftest import family_data, volunteer_data

    waiting = [family_create(programme=north, **family_data(contact_first_name=f"W{i}"))
               for i in range(3)]
    other = volunteer_create(programme=north, **volunteer_data(contact_first_name="Luc"))
    Proposal.objects.create(programme=north, family=waiting[0], volunteer=other, score=3)
    Match.objects.filter(pk=live_match.pk).update(needs_attention=True,
                                                  attention_reasons=["worry"])
    CheckIn.objects.create(match=live_match, side="family", day_offset=14,
                           due_on=timezone.localdate() - timedelta(days=3))
    case_open(programme=north, kind="practical", summary="s", opened_by="staff", by=alice,
              match=live_match)
    counts = {i["url"]: i["count"] for i in nav_for(alice, north)}
    assert counts == {
        reverse("staff:families", args=["north"]) + "?status=waiting": 3,
        reverse("matches:proposals", args=["north"]): 1,
        reverse("matches:matches", args=["north"]) + "?attention=1": 1,
        reverse("matches:checkins_overdue", args=["north"]): 1,
        reverse("mediation:cases", args=["north"]): 1,
        # Amina's family has no digital channel: the match is to be told by phone.
        reverse("staff:to_call", args=["north"]): 1,
        reverse("matches:dashboard", args=["north"]): None,
        reverse("staff:volunteers", args=["north"]): None,
        reverse("training:overview", args=["north"]): None,
        reverse("community:events", args=["north"]): None,
        reverse("staff:group_messages", args=["north"]): None,
        reverse("workspace:map", args=["north"]): None,
        reverse("evaluation:dashboard", args=["north"]): None,
    }
    # The lists say the same.
    client.force_login(alice)
    html = client.get(reverse("staff:families", args=["north"]), {"status": "waiting"},
                      **EN).content.decode()
    assert "3 households" in html
    # A mediator counts only what is assigned to them: nothing yet.
    assert {i["count"] for i in nav_for(bob, north)} == {0}
    html = client.get(reverse("staff:programme", args=["north"]), **EN).content.decode()
    assert 'class="count">3<' in html


def test_the_entry_with_filters_is_current_only_with_them(client, alice, north):
    client.force_login(alice)
    url = reverse("staff:families", args=["north"])
    html = client.get(url, {"status": "waiting"}, **EN).content.decode()
    assert f'<a href="{url}?status=waiting" aria-current="page">' in html
    html = client.get(url, **EN).content.decode()
    assert 'aria-current="page"' not in html.split('aria-label="Main"')[1].split("</nav>")[0]


def test_the_counts_are_kept_until_something_is_written(alice, north,
                                                        django_assert_num_queries):
    from voisins.households.models import FamilyHousehold
    from voisins.households.services import family_create
    from voisins.workspace.selectors import cached_nav_counts

    from ..conftest import family_data

    keys = ["waiting", "proposals", "attention", "checkins", "cases"]
    first = cached_nav_counts(north, alice, keys)
    with django_assert_num_queries(0):
        assert cached_nav_counts(north, alice, keys) == first
    # A family saved (here without any request): counted at once.
    family_create(programme=north, **family_data(contact_first_name="Nour"))
    assert cached_nav_counts(north, alice, keys)["waiting"] == first["waiting"] + 1
    # A bulk update sends no signal: the counts stay until a request writes…
    FamilyHousehold.objects.filter(programme=north).update(status="matched")
    assert cached_nav_counts(north, alice, keys)["waiting"] == first["waiting"] + 1


def test_a_request_that_writes_makes_every_page_count_again(client, alice, north):
    from voisins.households.models import FamilyHousehold
    from voisins.households.services import family_create
    from voisins.workspace.selectors import cached_nav_counts

    from ..conftest import family_data

    family_create(programme=north, **family_data(contact_first_name="Nour"))
    assert cached_nav_counts(north, alice, ["waiting"]) == {"waiting": 1}
    FamilyHousehold.objects.filter(programme=north).update(status="matched")
    client.force_login(alice)
    # Any form sent, even one refused, may have changed rows in bulk.
    client.post(reverse("staff:settings", args=["north"]), {}, **EN)
    assert cached_nav_counts(north, alice, ["waiting"]) == {"waiting": 0}


def test_a_finished_task_makes_every_page_count_again(alice, north):
    from voisins.households.models import FamilyHousehold
    from voisins.households.services import family_create
    from voisins.ops.tasks import prune_finished_tasks
    from voisins.workspace.selectors import cached_nav_counts

    from ..conftest import family_data

    family_create(programme=north, **family_data(contact_first_name="Nour"))
    assert cached_nav_counts(north, alice, ["waiting"]) == {"waiting": 1}
    FamilyHousehold.objects.filter(programme=north).update(status="matched")
    # (Here the task runs at once, in this process; a worker's tasks send the same signal.)
    prune_finished_tasks.enqueue()
    assert cached_nav_counts(north, alice, ["waiting"]) == {"waiting": 0}


def test_each_user_has_their_own_counts(alice, bob, north, live_match):
    from voisins.matches.models import Match
    from voisins.workspace.selectors import cached_nav_counts

    Match.objects.filter(pk=live_match.pk).update(needs_attention=True,
                                                  attention_reasons=["worry"])
    assert cached_nav_counts(north, alice, ["attention"]) == {"attention": 1}
    # The mediator is assigned nothing: the coordinator's figure is not theirs.
    assert cached_nav_counts(north, bob, ["attention"]) == {"attention": 0}


def test_with_the_cache_away_pages_still_count_and_forms_still_save(client, alice, north,
                                                                    monkeypatch):
    from voisins.lists import counts
    from voisins.workspace import selectors

    class Away:
        def __getattr__(self, name):
            def refuse(*args, **kwargs):
                raise ConnectionError("Redis stopped")
            return refuse

    monkeypatch.setattr(counts, "cache", Away())
    assert selectors.cached_nav_counts(north, alice, ["waiting"]) == {"waiting": 0}
    counts.nav_counts_changed()  # no exception: the write goes on
    client.force_login(alice)
    assert client.get(reverse("staff:programme", args=["north"]), **EN).status_code == 200


def test_the_follow_up_dashboard_counts_from_the_same_cache(alice, north, live_match):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from voisins.matches.models import Match
    from voisins.matches.selectors import dashboard

    first = dashboard(north, alice)
    with CaptureQueriesContext(connection) as queries:
        again = dashboard(north, alice)
    assert again["counts"] == first["counts"]
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)
    match = Match.objects.get(pk=live_match.pk)
    match.needs_attention, match.attention_reasons = True, ["worry"]
    match.save()  # a saved match: counted again at once
    assert dashboard(north, alice)["counts"]["attention"] == first["counts"]["attention"] + 1
