"""The journey's demo data: deterministic, gives the funnel figures, runs once."""

import io

import pytest
from django.core.management import CommandError, call_command

from voisins.ops.household_demo import generate
from voisins.programmes.models import Programme
from voisins.recruitment.selectors import funnel, funnel_total
from voisins.training.selectors import volunteers_who_completed_required_training


def test_it_fills_the_journey_of_a_demo_programme(db):
    generate(families=10, volunteers=15, seed=3, slug="demo")
    call_command("journey_demo", "demo", "--seed", "3", stdout=io.StringIO())
    programme = Programme.objects.get(slug="demo")
    total = funnel_total(funnel(programme))
    assert total.counts["signed_up"] == 15 and total.counts["visited"] >= 15
    assert programme.training_modules.filter(required=True).count() == 3
    trained = set(volunteers_who_completed_required_training(programme).values_list(
        "status", flat=True))
    assert trained <= {"trained", "available", "matched", "paused"}
    # Five resources of the journey, and the poster of the files demo (issue 18).
    assert programme.public_texts.count() == 3 and programme.resources.count() == 6
    before = programme.visits.count()
    call_command("journey_demo", "demo", stdout=io.StringIO())
    assert programme.visits.count() == before


def test_an_unknown_programme_is_a_clear_error(db):
    with pytest.raises(CommandError, match="voisins demo"):
        call_command("journey_demo", "nowhere", stdout=io.StringIO())
