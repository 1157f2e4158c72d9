"""Every staff list runs the same number of SQL queries whatever its length.

Each list page is requested with a little data, then again after every kind of record it
lists has grown tenfold: the number of queries must not change (no query per row), and
stays under a small budget.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from voisins.community.services import event_create, resource_save
from voisins.households.services import family_create, volunteer_create
from voisins.matches.models import CheckIn, Match, Proposal
from voisins.mediation.services import callback_request, case_open
from voisins.recruitment.services import campaign_create, news_post_create, referral_create
from voisins.training.services import training_module_create, training_session_create

from ..conftest import family_data, volunteer_data
from ..evaluation.conftest import make_match

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
BUDGET = 16

# URL name → query string: every list a coordinator reads, with its usual filters.
LISTS = {
    "staff:programme": "",
    "staff:families": "",
    "staff:families ": "?status=waiting&sort=waiting",
    "staff:families  ": "?q=Fam&need=homework&sort=name&page=2",
    "staff:volunteers": "?sort=postcode",
    "matches:dashboard": "",
    "matches:proposals": "",
    "matches:proposals ": "?status=&sort=-distance&q=Vol",
    "matches:matches": "",
    "matches:matches ": "?attention=1&sort=family",
    "matches:checkins_overdue": "?sort=family",
    "mediation:cases": "",
    "mediation:cases ": "?status=&kind=practical&q=Fam",
    "community:events": "",
    "community:resources": "",
    "training:overview": "",
    "recruitment:overview": "",
    "recruitment:campaigns": "",
    "recruitment:news": "",
    "recruitment:referrals": "?sort=-referred",
    "workspace:map": "",
    "workspace:map_households": "",
}
NO_SLUG = {"workspace:search": "?q=Fam"}


def grow(programme, alice, start: int, stop: int) -> None:
    """Add households, proposals, matches (with overdue check-ins and warnings), cases,
    events, resources, trainings, campaigns, news and referrals numbered start..stop-1."""
    now = timezone.now()
    for n in range(start, stop):
        family = family_create(programme=programme, **family_data(
            contact_first_name=f"Fam{n}", contact_last_name=f"Ily{n}", postcode="1030"))
        matched = family_create(programme=programme, **family_data(
            contact_first_name=f"Mat{n}", contact_last_name=f"Ched{n}", postcode="1210"))
        volunteer = volunteer_create(programme=programme, **volunteer_data(
            contact_first_name=f"Vol{n}", contact_last_name=f"Unteer{n}"))
        Proposal.objects.create(programme=programme, family=family, volunteer=volunteer,
                                score=5 + n / 100, distance_km=n / 10, created_by=alice)
        match = make_match(programme, matched, volunteer, timezone.localdate() - timedelta(days=60))
        Match.objects.filter(pk=match.pk).update(
            mediator=alice, needs_attention=True, attention_reasons=["worry", "missed"])
        CheckIn.objects.bulk_create([
            CheckIn(match=match, side=side, day_offset=14,
                    due_on=timezone.localdate() - timedelta(days=20))
            for side in ("family", "volunteer")])
        case = case_open(programme=programme, kind="practical", summary=f"Case {n}",
                         opened_by="staff", by=alice, match=match)
        callback_request(case=case, requested_by="family", when="evening", language="ar")
        start_at = now + timedelta(days=n + 1)
        event_create(programme=programme, kind="shared-meal", title=f"Meal {n}",
                     starts_at=start_at, ends_at=start_at + timedelta(hours=2),
                     place="Hall", capacity=10)
        resource_save(programme=programme, kind="guide", title=f"Guide {n}", body="b",
                      languages=["fr"], target_group="volunteers")
        module = training_module_create(programme=programme, title=f"Module {n}")
        training_session_create(module=module, starts_at=start_at,
                                ends_at=start_at + timedelta(hours=2), place="Hall",
                                capacity=10)
        campaign_create(programme=programme, name=f"Campaign {n}", channel="press")
        news_post_create(programme=programme, author=alice, language="en",
                         title=f"News {n}", body="b")
        referral_create(programme=programme, referrer=alice, consent_given_by="the mother",
                        **family_data(contact_first_name=f"Ref{n}",
                                      contact_last_name=f"Erred{n}", status="referred"))


def count_queries(client) -> dict[str, int]:
    counts = {}
    urls = {name: reverse(name.strip(), args=["north"]) + query
            for name, query in LISTS.items()}
    urls |= {name: reverse(name) + query for name, query in NO_SLUG.items()}
    for name, url in urls.items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, **EN)
        assert response.status_code == 200, (url, response.status_code)
        counts[f"{name.strip()}{LISTS.get(name, NO_SLUG.get(name))}"] = len(queries)
    return counts


@pytest.mark.django_db
def test_no_list_runs_a_query_per_row(client, north, alice):
    client.force_login(alice)
    grow(north, alice, 0, 3)
    small = count_queries(client)
    grow(north, alice, 3, 33)
    large = count_queries(client)
    grew = {url: (small[url], large[url]) for url in small if large[url] != small[url]}
    assert not grew, f"queries grew with the list (3 rows → 33 rows): {grew}"
    over = {url: n for url, n in large.items() if n > BUDGET}
    assert not over, f"lists over {BUDGET} queries: {over}"
