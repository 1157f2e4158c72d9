"""Helpers for the evaluation tests: matches with chosen dates, written as history is."""

from datetime import date

import pytest

from voisins.households.services import family_create, volunteer_create
from voisins.matches.models import Match, Proposal

from ..conftest import family_data, volunteer_data


def make_match(programme, family, volunteer, start: date, end: date | None = None,
               reason: str = "") -> Match:
    proposal = Proposal.objects.create(
        programme=programme, family=family, volunteer=volunteer,
        status=Proposal.Status.ACCEPTED, volunteer_answer="accepted", family_answer="accepted",
    )
    return Match.objects.create(
        programme=programme, proposal=proposal, family=family, volunteer=volunteer,
        status=Match.Status.ENDED if end else Match.Status.ACTIVE, started_on=start,
        ended_on=end, end_reason=reason or ("other" if end else ""),
    )


def make_family(programme, n: int, **overrides):
    data = family_data(contact_first_name=f"Fam{n}", contact_last_name=f"Ily{n}",
                       reference=f"F{n}", **overrides)
    return family_create(programme=programme, **data)


def make_volunteer(programme, n: int, **overrides):
    data = volunteer_data(contact_first_name=f"Vol{n}", contact_last_name=f"Unteer{n}",
                          reference=f"V{n}", **overrides)
    return volunteer_create(programme=programme, **data)


@pytest.fixture
def matched(north):
    """A family and a volunteer of "north" in an active match started a year ago."""
    family = make_family(north, 1)
    volunteer = make_volunteer(north, 1)
    return make_match(north, family, volunteer, date(2024, 1, 15))


@pytest.fixture(autouse=True)
def _english():
    """Labels compared in these tests are the English source strings."""
    from django.utils import translation

    with translation.override("en"):
        yield
