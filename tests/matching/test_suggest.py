"""suggest: the k best volunteers for one family."""

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voisins.matching import (
    DuplicateIdError,
    InvalidFieldError,
    VolunteerIndex,
    Weights,
    feasible,
    score,
    suggest,
)
from voisins.matching.search import id_sort_key

from .helpers import families, make_family, make_volunteer, random_instance, volunteers


def _brute_force(family, volunteers, k, exclude=(), weights=None):
    weights = weights or Weights()
    ranked = sorted(
        ((score(family, v, weights=weights), v.id) for v in volunteers
         if feasible(family, v, set(exclude))),
        key=lambda sv: (-sv[0], id_sort_key(sv[1])),
    )
    return [v_id for _, v_id in ranked[:k]]


def test_it_ranks_the_nearest_first_when_all_else_is_equal():
    family = make_family(radius_km=5)
    volunteers = [make_volunteer(f"v{i}", lat=50.8466 + d, radius_km=5)
                  for i, d in enumerate([0.03, 0.01, 0.02])]
    assert [p.volunteer_id for p in suggest(family, volunteers)] == ["v1", "v2", "v0"]


def test_it_breaks_ties_by_volunteer_id():
    volunteers = [make_volunteer(id_) for id_ in ["c", "a", "b"]]
    assert [p.volunteer_id for p in suggest(make_family(), volunteers, k=2)] == ["a", "b"]


def test_it_returns_fewer_than_k_when_fewer_are_feasible_and_none_for_k_zero():
    volunteers = [make_volunteer("v1"), make_volunteer("v2", languages={"nl"})]
    assert [p.volunteer_id for p in suggest(make_family(), volunteers, k=5)] == ["v1"]
    assert suggest(make_family(), volunteers, k=0) == []
    assert suggest(make_family(), [], k=3) == []


def test_it_respects_exclude_and_capacity_zero():
    volunteers = [make_volunteer("v1"), make_volunteer("v2"), make_volunteer("v3", capacity=0)]
    proposals = suggest(make_family(), volunteers, exclude=[("f1", "v1")])
    assert [p.volunteer_id for p in proposals] == ["v2"]


def test_it_rejects_a_bad_k_and_duplicate_volunteers():
    with pytest.raises(InvalidFieldError, match="k"):
        suggest(make_family(), [make_volunteer()], k=-1)
    with pytest.raises(DuplicateIdError):
        suggest(make_family(), [make_volunteer(), make_volunteer()])


@pytest.mark.parametrize("seed", range(4))
def test_it_is_the_top_k_of_brute_force(seed):
    families, volunteers = random_instance(seed, 25, 120)
    index = VolunteerIndex(volunteers)
    weights = Weights(needs=seed + 1)
    for family in families:
        exclude = [(family.id, v.id) for v in volunteers[seed::7]]
        expected = _brute_force(family, volunteers, 10, exclude, weights)
        got = index.suggest(family, k=10, exclude=exclude, weights=weights)
        assert [p.volunteer_id for p in got] == expected
        assert got == suggest(family, volunteers, 10, exclude, weights=weights)
        for p in got:
            v = volunteers[index.position[p.volunteer_id]]
            assert p.score == pytest.approx(score(family, v, weights=weights), rel=1e-12)


@settings(max_examples=60, deadline=None)
@given(families("f"), st.lists(volunteers("v"), max_size=6), st.integers(0, 4))
def test_it_matches_brute_force_on_generated_households(family, vols, k):
    vols = [replace(v, id=f"v{i}") for i, v in enumerate(vols)]
    assert [p.volunteer_id for p in suggest(family, vols, k)] == _brute_force(family, vols, k)
