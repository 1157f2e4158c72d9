"""Every staff list, dashboard and API list costs the same number of queries whatever the
amount of data: each page is counted with a little data, then with more, and the counts
must be equal. (A count that grows is an N+1 query: one more query per row shown.)"""

from datetime import timedelta
from itertools import count

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from voisins.community import services as community
from voisins.evaluation import services as evaluation
from voisins.households.services import family_create, volunteer_create
from voisins.matches.models import Proposal
from voisins.matches.services import proposal_send
from voisins.mediation.services import case_open
from voisins.recruitment import services as recruitment
from voisins.training import services as training

from ..conftest import PASSWORD, agreed_to_matching, bearer, family_data, volunteer_data
from .conftest import matches_with_checkins_due

STAFF_PAGES = [
    "/staff/north/", "/staff/north/families/", "/staff/north/volunteers/",
    "/staff/north/follow-up/", "/staff/north/matching/", "/staff/north/proposals/",
    "/staff/north/matches/", "/staff/north/check-ins/", "/staff/north/cases/",
    "/staff/north/map/", "/staff/north/map/households.geojson", "/search/?q=Haddad",
    "/recruitment/north/", "/recruitment/north/news/", "/recruitment/north/campaigns/",
    "/recruitment/north/referrals/", "/training/north/", "/community/north/events/",
    "/community/north/resources/", "/evaluation/north/", "/evaluation/north/persistence/",
    "/evaluation/north/surveys/", "/evaluation/north/surveys/results/",
    "/evaluation/north/reports/", "/evaluation/north/meetings/",
]
API_LISTS = [
    "/api/v1/programmes", "/api/v1/programmes/north/families",
    "/api/v1/programmes/north/volunteers", "/api/v1/programmes/north/referrals",
    "/api/v1/programmes/north/statistics",
]
serial = count()


def grow(programme, coordinator, referrer, k: int) -> None:
    """`k` more of everything these pages list."""
    now = timezone.now()
    for _ in range(k):
        i = next(serial)
        family_create(programme=programme, **family_data(contact_first_name=f"Waiting{i}"))
        volunteer_create(programme=programme, **volunteer_data(contact_first_name=f"Free{i}"))
        [match] = matches_with_checkins_due(programme, coordinator, 1)
        for status in ("draft", "sent"):
            proposal = Proposal.objects.create(
                programme=programme, score=5, distance_km=1,
                family=family_create(programme=programme, **family_data(
                    contact_first_name=f"Proposed{i}")),
                volunteer=volunteer_create(programme=programme, **volunteer_data(
                    contact_first_name=f"Asked{i}", email=f"asked{i}@example.org")))
            if status == "sent":
                agreed_to_matching(proposal.family, proposal.volunteer)
                proposal_send(proposal=proposal, by=coordinator)
        case_open(programme=programme, kind="practical", summary="The bus pass.",
                  opened_by="staff", by=coordinator, match=match)
        recruitment.news_post_create(programme=programme, author=coordinator, language="en",
                                     title=f"News {i}", body="b")
        recruitment.campaign_create(programme=programme, name=f"Poster {i}", channel="other")
        recruitment.referral_create(programme=programme, referrer=referrer,
                                    consent_given_by="the mother", **family_data(
                                        contact_first_name=f"Referred{i}"))
        module = training.training_module_create(programme=programme, title=f"Module {i}",
                                                 required=False)
        training.training_session_create(module=module, starts_at=now + timedelta(days=3),
                                         ends_at=now + timedelta(days=3, hours=2),
                                         place="Hall", capacity=10)
        community.event_create(programme=programme, kind="shared-meal", title=f"Meal {i}",
                               starts_at=now + timedelta(days=5),
                               ends_at=now + timedelta(days=5, hours=2), place="Hall")
        community.resource_save(programme=programme, kind="guide", title=f"Guide {i}",
                                url="https://example.org/g", description="d",
                                languages=["fr"], target_group="volunteers",
                                indicators=["academic-skills"])
        evaluation.meeting_plan(programme=programme, year=2000 + i,
                                planned_at=now + timedelta(days=7), place="Hall")


def counts(client, urls, **headers) -> dict[str, int]:
    result = {}
    for url in urls:
        client.get(url, **headers)  # warm caches (content types, translations, session)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, **headers)
        assert response.status_code == 200, (url, response.status_code)
        result[url] = len(queries)
    return result


@pytest.mark.django_db
def test_lists_and_dashboards_cost_the_same_queries_with_more_data(
        client, north, alice, rita, django_capture_on_commit_callbacks):
    headers = {"HTTP_ACCEPT_LANGUAGE": "en"}
    api = bearer(alice)
    client.login(email="alice@example.org", password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        grow(north, alice, rita, 1)
    small = counts(client, STAFF_PAGES, **headers) | counts(client, API_LISTS, **api)
    with django_capture_on_commit_callbacks(execute=True):
        grow(north, alice, rita, 3)
    large = counts(client, STAFF_PAGES, **headers) | counts(client, API_LISTS, **api)
    grown = {url: (small[url], large[url]) for url in small if small[url] != large[url]}
    assert grown == {}, "queries that grow with the data (small, large): " + repr(grown)
