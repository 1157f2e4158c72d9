"""propose: the global optimum, every constraint kept."""

import math
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voisins.matching import (
    DuplicateIdError,
    InvalidFieldError,
    Weights,
    plan,
    propose,
)

from .helpers import (
    check_proposals,
    feasible_edges,
    households,
    lp_optimum,
    make_family,
    make_volunteer,
    random_instance,
)


def _total(proposals):
    return sum(p.score for p in proposals)


def _capacities(volunteers):
    return {v.id: v.capacity for v in volunteers}


def test_it_beats_greedy_by_giving_the_versatile_volunteer_to_the_family_only_it_can_help():
    families = [make_family("f1", needs={"homework", "transport"}),
                make_family("f2", needs={"homework"})]
    volunteers = [make_volunteer("v1", offers={"homework", "transport"}),
                  make_volunteer("v2", offers={"transport"})]
    proposals = propose(families, volunteers)
    assert {(p.family_id, p.volunteer_id) for p in proposals} == {("f1", "v2"), ("f2", "v1")}
    check_proposals(families, volunteers, proposals)


def test_it_gives_a_volunteer_of_capacity_two_two_families():
    families = [make_family("f1"), make_family("f2"), make_family("f3", languages={"ar"})]
    volunteers = [make_volunteer("v1", capacity=2)]
    proposals = propose(families, volunteers)
    assert sorted(p.family_id for p in proposals) == ["f1", "f2"]
    check_proposals(families, volunteers, proposals)


def test_it_proposes_nobody_to_a_volunteer_with_capacity_zero():
    assert propose([make_family()], [make_volunteer(capacity=0)]) == []


def test_it_handles_no_volunteers_no_families_and_no_feasible_pair():
    assert propose([make_family()], []) == []
    assert propose([], [make_volunteer()]) == []
    assert propose([make_family(languages={"ti"})], [make_volunteer()]) == []


def test_it_respects_exclude():
    families = [make_family("f1")]
    volunteers = [make_volunteer("v1"), make_volunteer("v2", lat=50.86)]
    proposals = propose(families, volunteers, exclude=[("f1", "v1")])
    assert [(p.family_id, p.volunteer_id) for p in proposals] == [("f1", "v2")]


def test_it_rejects_duplicate_family_ids():
    with pytest.raises(DuplicateIdError, match="family") as error:
        propose([make_family("f1"), make_family("f1")], [make_volunteer()])
    assert error.value.ids == ("f1",)


def test_it_rejects_duplicate_volunteer_ids():
    with pytest.raises(DuplicateIdError, match="volunteer"):
        propose([make_family()], [make_volunteer("v1"), make_volunteer("v1", capacity=0)])


@pytest.mark.parametrize("bad", [0, -1, 2.5, "50"])
def test_it_rejects_a_bad_max_candidates(bad):
    with pytest.raises(InvalidFieldError, match="max_candidates"):
        propose([make_family()], [make_volunteer()], max_candidates=bad)


def test_it_accepts_integer_ids_and_mixed_ids():
    families = [make_family(2), make_family("f")]
    volunteers = [make_volunteer(10), make_volunteer("v", capacity=1)]
    proposals = propose(families, volunteers)
    check_proposals(families, volunteers, proposals)
    assert len(proposals) == 2


@pytest.mark.parametrize("seed", range(6))
def test_it_reaches_the_lp_optimum_of_all_feasible_pairs(seed):
    families, volunteers = random_instance(seed, 60 + 10 * seed, 50 + 7 * seed)
    exclude = [(f.id, v.id) for f, v in zip(families[::3], volunteers[::2], strict=False)]
    weights = Weights(waiting=seed % 3, walk_km=0.5 + seed / 10)
    proposals = propose(families, volunteers, exclude, weights=weights, max_candidates=None)
    check_proposals(families, volunteers, proposals, exclude, weights)
    edges = feasible_edges(families, volunteers, exclude, weights)
    assert len(edges) > 40
    optimum = lp_optimum(edges, right_capacity=_capacities(volunteers))
    assert math.isclose(_total(proposals), optimum, rel_tol=1e-6)


def test_the_cap_only_costs_where_a_family_has_more_than_k_candidates():
    families, volunteers = random_instance(11, 80, 80, spread_km=2)
    uncapped = plan(families, volunteers, max_candidates=None)
    capped = plan(families, volunteers, max_candidates=3)
    generous = plan(families, volunteers, max_candidates=10_000)
    check_proposals(families, volunteers, capped.proposals)
    assert capped.feasible_pairs == uncapped.feasible_pairs == uncapped.candidate_pairs
    assert capped.candidate_pairs < uncapped.candidate_pairs
    assert capped.total_score <= uncapped.total_score + 1e-9
    assert generous.total_score == pytest.approx(uncapped.total_score, rel=1e-12)
    # The capped optimum is the optimum over each family's 3 best candidates.
    edges = feasible_edges(families, volunteers)
    best = []
    for f in families:
        mine = sorted((e for e in edges if e[0] == f.id), key=lambda e: (-e[2], e[1]))
        best += mine[:3]
    optimum = lp_optimum(best, right_capacity=_capacities(volunteers))
    assert math.isclose(capped.total_score, optimum, rel_tol=1e-6)


@settings(max_examples=60, deadline=None)
@given(households(max_families=6, max_volunteers=5))
def test_every_result_keeps_every_constraint_and_is_optimal(instance):
    families, volunteers = instance
    proposals = propose(families, volunteers, max_candidates=None)
    check_proposals(families, volunteers, proposals)
    edges = feasible_edges(families, volunteers)
    optimum = lp_optimum(edges, right_capacity=_capacities(volunteers))
    assert math.isclose(_total(proposals), optimum, rel_tol=1e-6, abs_tol=1e-9)
    capped = propose(families, volunteers, max_candidates=1)
    check_proposals(families, volunteers, capped)
    assert _total(capped) <= _total(proposals) + 1e-9


@settings(max_examples=25, deadline=None)
@given(households(max_families=4, max_volunteers=4, anywhere=True))
def test_it_keeps_every_constraint_anywhere_on_earth(instance):
    families, volunteers = instance
    proposals = propose(families, volunteers, max_candidates=None)
    check_proposals(families, volunteers, proposals)
    optimum = lp_optimum(feasible_edges(families, volunteers),
                         right_capacity=_capacities(volunteers))
    assert math.isclose(_total(proposals), optimum, rel_tol=1e-6, abs_tol=1e-9)


def test_equal_scores_give_the_same_answer_every_time():
    families = [make_family(f"f{i}") for i in range(4)]
    volunteers = [make_volunteer(f"v{i}") for i in range(3)]
    first = propose(families, volunteers)
    assert len(first) == 3
    assert [(p.family_id, p.volunteer_id) for p in propose(families, volunteers)] == [
        (p.family_id, p.volunteer_id) for p in first]
    check_proposals(families, volunteers, first)


@settings(max_examples=30, deadline=None)
@given(households(max_families=4, max_volunteers=4), st.data())
def test_any_duplicate_id_raises(instance, data):
    families, volunteers = instance
    if len(families) >= 2:
        twin = replace(families[-1], id=families[0].id)
        with pytest.raises(DuplicateIdError, match="family"):
            propose([*families, twin], volunteers)
    if len(volunteers) >= 2:
        k = data.draw(st.integers(1, len(volunteers) - 1))
        twin = replace(volunteers[k], id=volunteers[0].id)
        with pytest.raises(DuplicateIdError, match="volunteer"):
            propose(families, [*volunteers, twin])
