"""A volunteer's capacity is never exceeded, even when many acceptances arrive at once."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation

from voisins.households.services import family_create
from voisins.matches.models import Match, Proposal
from voisins.matches.services import proposal_answer, proposal_send

from .conftest import agreed_to_matching, family_data
from .threads import in_parallel

PARALLEL = 50


def _proposals(north, volunteer, n):
    proposals = []
    for i in range(n):
        family = family_create(programme=north, **family_data(contact_first_name=f"F{i}"))
        agreed_to_matching(family, volunteer)
        proposal = Proposal.objects.create(programme=north, family=family, volunteer=volunteer,
                                           score=1, distance_km=0.5)
        proposal = proposal_send(proposal=proposal)
        proposal_answer(proposal=proposal, side="volunteer", accept=True)
        proposals.append(proposal)
    return proposals


def test_the_second_acceptance_for_a_full_volunteer_is_refused(north, volunteer, alice):
    first, second = _proposals(north, volunteer, 2)
    proposal_answer(proposal=first, side="family", accept=True, by=alice)
    with translation.override("en"), pytest.raises(ValidationError, match="no room left"):
        proposal_answer(proposal=second, side="family", accept=True, by=alice)
    second.refresh_from_db()
    assert second.status == "sent" and second.family_answer == ""
    assert Match.objects.filter(volunteer=volunteer).count() == 1


def test_ending_a_match_frees_the_capacity(north, volunteer, alice):
    from voisins.matches.services import match_end

    first, second = _proposals(north, volunteer, 2)
    proposal_answer(proposal=first, side="family", accept=True, by=alice)
    match_end(match=first.match, reason="goal-reached", by=alice)
    proposal_answer(proposal=second, side="family", accept=True, by=alice)
    assert Match.objects.filter(volunteer=volunteer, status="introduction").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_parallel_acceptances_for_capacity_one_exactly_one_succeeds(north, volunteer,
                                                                         alice, client):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so it proves nothing here")
    proposals = _proposals(north, volunteer, PARALLEL)
    barrier = threading.Barrier(PARALLEL)
    statuses: list[int] = []
    lock = threading.Lock()

    def accept(proposal: Proposal) -> None:
        from django.test import Client

        c = Client(HTTP_ACCEPT_LANGUAGE="en")
        c.force_login(alice)
        barrier.wait(timeout=30)
        response = c.post(f"/staff/north/proposals/{proposal.pk}/family-answer/",
                          {"answer": "yes"}, follow=True)
        ok = "The family&#x27;s answer is recorded." in response.content.decode()
        with lock:
            statuses.append(1 if ok else 0)

    in_parallel(accept, ((p,) for p in proposals), timeout=60)
    assert len(statuses) == PARALLEL
    assert sum(statuses) == 1
    assert Match.objects.filter(volunteer=volunteer).count() == 1
    assert Proposal.objects.filter(volunteer=volunteer, status="accepted").count() == 1
    assert Proposal.objects.filter(volunteer=volunteer, status="sent").count() == PARALLEL - 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_parallel_acceptances_through_the_api_never_exceed_the_capacity(
        north, volunteer, alice):
    """The same race through the API, for a household that offered room for two."""
    from django.test import Client

    from tests.conftest import bearer
    from voisins.households.models import VolunteerHousehold

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so it proves nothing here")
    VolunteerHousehold.objects.filter(pk=volunteer.pk).update(capacity=2)
    volunteer.refresh_from_db()
    proposals = _proposals(north, volunteer, PARALLEL)
    headers = bearer(alice)
    barrier = threading.Barrier(PARALLEL)
    statuses: list[int] = []
    lock = threading.Lock()

    def accept(proposal: Proposal) -> None:
        barrier.wait(timeout=30)
        response = Client().post(f"/api/v1/proposals/{proposal.pk}/family-answer",
                                 data={"accept": True}, content_type="application/json",
                                 **headers)
        with lock:
            statuses.append(response.status_code)

    in_parallel(accept, ((p,) for p in proposals), timeout=90)
    assert sorted(statuses) == [200] * 2 + [409] * (PARALLEL - 2)
    assert Match.objects.filter(volunteer=volunteer).count() == 2
    assert Proposal.objects.filter(volunteer=volunteer, status="sent").count() == PARALLEL - 2
