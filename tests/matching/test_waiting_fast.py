"""The vectorised paths of "why waiting" (families explained in blocks, every pair of a
block in one set of arrays) and of ``proposable`` (nothing scored) against the plain
ones they replaced: the same answers, to the last household named, on random pools
drawn by hypothesis — near the antimeridian and the poles too, where the index searches
whole bands — with households not ready, declined pairs and a batch's proposals."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voisins.matching import propose
from voisins.matching import waiting as waiting_module
from voisins.matching.waiting import CHANGE_KINDS, WaitingIndex

from .helpers import random_instance

CENTRES = [(50.8466, 4.3517), (0.0, 179.995), (0.0, -179.995), (71.0, 25.0), (-33.9, 18.4),
           (89.99, 0.0)]


@st.composite
def pools(draw):
    seed = draw(st.integers(0, 10_000))
    n_families = draw(st.integers(1, 40))
    n_volunteers = draw(st.integers(0, 40))
    families, volunteers = random_instance(
        seed, n_families, n_volunteers, spread_km=draw(st.sampled_from([0.5, 3.0, 8.0, 30.0])),
        center=draw(st.sampled_from(CENTRES)))
    rng = random.Random(seed)
    share = draw(st.sampled_from([0.0, 0.2, 0.6]))
    unavailable = {v.id: rng.choice(["training", "screening", "paused"])
                   for v in volunteers if rng.random() < share}
    exclude = {(f.id, v.id) for f in families for v in volunteers
               if rng.random() < draw(st.sampled_from([0.0, 0.05, 0.3]))}
    return families, volunteers, unavailable, exclude


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pool=pools(), block=st.sampled_from([1, 3, 1024]), pairs=st.sampled_from([1, 60, 10**6]),
       max_changes=st.sampled_from([1, 5, len(CHANGE_KINDS) + 5]))
def test_the_vectorised_explanations_are_those_of_one_family_at_a_time(pool, block, pairs,
                                                                       max_changes):
    families, volunteers, unavailable, exclude = pool
    ready = [v for v in volunteers if v.id not in unavailable]
    proposals = propose(families, ready, exclude=exclude) if ready else []
    assigned = waiting_module._assigned(proposals)
    proposed = {p.family_id for p in proposals}
    left = [f for f in families if f.id not in proposed]
    index = WaitingIndex(volunteers, unavailable)
    saved = waiting_module.BLOCK_FAMILIES, waiting_module.BLOCK_PAIRS
    # Several blocks, one family a block, blocks cut by their number of pairs.
    waiting_module.BLOCK_FAMILIES, waiting_module.BLOCK_PAIRS = block, pairs
    try:
        fast = index.explain_many(left, assigned=assigned, exclude=exclude,
                                  max_changes=max_changes, vectorised=True)
    finally:
        waiting_module.BLOCK_FAMILIES, waiting_module.BLOCK_PAIRS = saved
    plain = index.explain_many(left, assigned=assigned, exclude=exclude,
                               max_changes=max_changes, vectorised=False)
    assert fast == plain


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pool=pools(), block=st.sampled_from([1, 3, 1024]))
def test_proposable_without_scores_says_what_the_scored_search_says(pool, block):
    families, volunteers, unavailable, exclude = pool
    index = WaitingIndex(volunteers, unavailable)
    saved = waiting_module.BLOCK_FAMILIES
    waiting_module.BLOCK_FAMILIES = block
    try:
        fast = index.proposable(families, exclude=exclude)
    finally:
        waiting_module.BLOCK_FAMILIES = saved
    assert fast.tolist() == index.proposable(families, exclude=exclude,
                                             vectorised=False).tolist()


@pytest.mark.parametrize("seed", range(3))
def test_a_few_hundred_families_in_several_blocks_get_the_plain_answers(seed, monkeypatch):
    families, volunteers = random_instance(seed, 300, 200, spread_km=12.0)
    rng = random.Random(seed)
    unavailable = {v.id: "training" for v in volunteers if rng.random() < 0.2}
    exclude = {(f.id, v.id) for f in families for v in volunteers if rng.random() < 0.01}
    index = WaitingIndex(volunteers, unavailable)
    monkeypatch.setattr(waiting_module, "BLOCK_FAMILIES", 64)
    fast = index.explain_many(families, exclude=exclude, max_changes=9)  # blocks: 300
    assert fast == index.explain_many(families, exclude=exclude, max_changes=9,
                                      vectorised=False)
    assert {w.reason for w in fast} >= {"room_left"}
    assert index.proposable(families, exclude=exclude).tolist() == index.proposable(
        families, exclude=exclude, vectorised=False).tolist()


@settings(max_examples=200, deadline=None)
@given(sets=st.lists(st.sets(st.integers(0, 30), min_size=1, max_size=12), max_size=60),
       limit=st.integers(1, 25))
def test_the_lazy_greedy_choice_of_recruits_is_the_plain_one(sets, limit):
    import numpy as np

    from voisins.matching.gaps import _greedy, _greedy_plain

    best = [(len(s), f"area{i % 7}", i, np.array(sorted(s), dtype=np.int64))
            for i, s in enumerate(sets)]
    best.sort(key=lambda b: (-b[0], b[1], b[2]))
    lazy_covered, plain_covered = np.zeros(31, dtype=bool), np.zeros(31, dtype=bool)
    lazy = _greedy(best, lazy_covered, limit)
    plain = _greedy_plain(best, plain_covered, limit)
    assert [(a, p) for a, p, _m in lazy] == [(a, p) for a, p, _m in plain]
    assert lazy_covered.tolist() == plain_covered.tolist()
