"""Why a family waits: the binding rule and the smallest changes, checked against the
engine's own `feasible` on hand-made cases and seeded random pools."""

from __future__ import annotations

import random

import pytest

from voisins.matching import feasible, propose
from voisins.matching.errors import InvalidFieldError
from voisins.matching.waiting import (
    CHANGE_KINDS,
    REASONS,
    WaitingIndex,
    apply_change,
    explain_waiting,
    why_waiting,
)

from .helpers import make_family, make_volunteer, random_instance

EAST_1KM = 1 / (111.2 * 0.631)  # degrees of longitude per km at Brussels' latitude


def test_it_says_when_nobody_lives_within_reach_and_which_radius_would_reach_them():
    family = make_family(radius_km=3)
    far = make_volunteer("far", lon=4.3517 + 3.9 * EAST_1KM, radius_km=6)
    waiting = why_waiting(family, [far])
    assert waiting.reason == "no_household_in_reach"
    change = waiting.changes[0]
    assert (change.kind, change.value, change.volunteer_ids) == ("family_radius", 4.0, ("far",))


def test_it_names_the_household_whose_own_radius_is_too_small():
    family = make_family(radius_km=5)
    shy = make_volunteer("shy", lon=4.3517 + 2.2 * EAST_1KM, radius_km=1)
    waiting = why_waiting(family, [shy])
    assert waiting.reason == "no_household_in_reach"
    assert [(c.kind, c.value, c.volunteer_ids) for c in waiting.changes] == [
        ("volunteer_radius", 2.5, ("shy",))]


@pytest.mark.parametrize(("volunteer", "reason", "kind", "value"), [
    (dict(languages=("fr",)), "no_shared_language", "family_language", "fr"),
    (dict(availability=("sun-pm", "mon-eve")), "no_shared_slot", "family_slot", "mon-eve"),
    (dict(offers=("transport",)), "no_offer_for_needs", "volunteer_offer", "homework"),
    (dict(capacity=0), "only_full", "volunteer_capacity", 1),
])
def test_the_first_rule_that_leaves_nobody_is_the_reason(volunteer, reason, kind, value):
    family = make_family(languages=("prs",), needs=("homework",), availability=("sat-am",))
    base = dict(languages=("prs", "fr"), offers=("homework",), availability=("sat-am",))
    base.update(volunteer)
    waiting = why_waiting(family, [make_volunteer("v", **base)])
    assert waiting.reason == reason
    assert [(c.kind, c.value, c.volunteer_ids) for c in waiting.changes] == [(kind, value, ("v",))]


def test_households_not_ready_are_counted_and_named_by_what_they_lack():
    family = make_family()
    pool = [make_volunteer("a"), make_volunteer("b"), make_volunteer("c", languages=("nl",))]
    waiting = why_waiting(family, pool, unavailable={"a": "training", "b": "screening",
                                                      "c": "training"})
    assert waiting.reason == "only_unavailable"
    assert waiting.counts["offer"] == 2 and waiting.counts["ready"] == 0
    assert {(c.kind, c.value, c.volunteer_ids) for c in waiting.changes} == {
        ("volunteer_ready", "training", ("a",)), ("volunteer_ready", "screening", ("b",))}


def test_a_household_declined_before_is_no_change_to_offer():
    waiting = why_waiting(make_family(), [make_volunteer("v")], exclude=[("f1", "v")])
    assert waiting.reason == "only_declined"
    assert waiting.changes == ()


def test_places_taken_by_families_that_score_higher_are_told_with_the_scores():
    near = make_family("near", needs=("homework",))
    farther = make_family("farther", lon=4.3517 + 2 * EAST_1KM, needs=("homework",))
    volunteer = make_volunteer("v", capacity=1)
    proposals = propose([near, farther], [volunteer])
    assert [p.family_id for p in proposals] == ["near"]
    [waiting] = explain_waiting([near, farther], [volunteer], proposals)
    assert waiting.family_id == "farther" and waiting.reason == "taken"
    assert waiting.params["their_score"] >= waiting.params["best_score"]
    assert waiting.changes[0].kind == "volunteer_capacity"


def test_a_fitting_household_with_room_left_is_not_called_taken():
    waiting = why_waiting(make_family(), [make_volunteer("v", capacity=2)])
    assert waiting.reason == "room_left"


def test_an_empty_pool_is_its_own_reason():
    assert why_waiting(make_family(), []).reason == "no_households"


def test_it_refuses_an_unavailable_household_that_is_not_in_the_pool():
    with pytest.raises(InvalidFieldError, match="unavailable"):
        WaitingIndex([make_volunteer("v")], unavailable={"ghost": "training"})


def _brute_funnel(family, volunteers, unavailable, exclude):
    from voisins.matching import distance_km

    counts = {}
    left = list(volunteers)
    rules = [
        ("in_reach", lambda v: distance_km(family, v) <= min(family.radius_km, v.radius_km)),
        ("language", lambda v: bool(family.languages & v.languages)),
        ("slot", lambda v: bool(family.availability & v.availability)),
        ("offer", lambda v: bool(family.needs & v.offers)),
        ("ready", lambda v: v.id not in unavailable),
        ("room", lambda v: v.capacity > 0),
        ("not_declined", lambda v: (family.id, v.id) not in exclude),
    ]
    for name, rule in rules:
        left = [v for v in left if rule(v)]
        counts[name] = len(left)
    return counts


@pytest.mark.parametrize("seed", range(12))
def test_on_random_pools_every_claim_agrees_with_feasible(seed):
    families, volunteers = random_instance(seed, 40, 25, spread_km=6.0)
    rng = random.Random(seed)
    unavailable = {v.id: rng.choice(["training", "screening"]) for v in volunteers
                   if rng.random() < 0.2}
    exclude = {(f.id, v.id) for f in families for v in volunteers if rng.random() < 0.02}
    ready = [v for v in volunteers if v.id not in unavailable]
    proposals = propose(families, ready, exclude=exclude)
    by_id = {v.id: v for v in volunteers}
    explained = explain_waiting(families, volunteers, proposals, exclude=exclude,
                                unavailable=unavailable, max_changes=len(CHANGE_KINDS) + 5)
    proposed = {p.family_id for p in proposals}
    assert {w.family_id for w in explained} == {f.id for f in families} - proposed
    families_by_id = {f.id: f for f in families}
    for waiting in explained:
        family = families_by_id[waiting.family_id]
        assert waiting.reason in REASONS
        assert dict(waiting.counts) == _brute_funnel(family, volunteers, unavailable, exclude)
        fitting = [v for v in ready if feasible(family, v, exclude)]
        if waiting.reason in ("taken", "room_left"):
            assert fitting
        else:
            assert not fitting
        for change in waiting.changes:
            assert change.kind in CHANGE_KINDS and change.volunteer_ids
            assert change.reaches >= len(change.volunteer_ids)
            for vid in change.volunteer_ids:
                f2, v2 = apply_change(change, family, by_id[vid])
                assert feasible(f2, v2, exclude), (waiting, change, vid)
                if change.kind == "volunteer_ready":
                    assert unavailable[vid] == change.value
                elif waiting.reason not in ("taken", "room_left"):
                    assert not feasible(family, by_id[vid], exclude) or vid in unavailable


def test_the_smallest_family_radius_is_the_smallest_that_reaches_anyone():
    family = make_family(radius_km=1)
    pool = [make_volunteer(f"v{km}", lon=4.3517 + km * EAST_1KM, radius_km=10)
            for km in (1.7, 2.3, 4.1)]
    change = why_waiting(family, pool).changes[0]
    assert change.kind == "family_radius" and change.value == 2.0
    assert change.volunteer_ids == ("v1.7",)


def test_a_change_names_the_nearest_households_and_counts_them_all():
    family = make_family(radius_km=10, availability=("sat-am",))
    pool = [make_volunteer(f"v{i:02d}", lon=4.3517 + (0.1 * i) * EAST_1KM, radius_km=10,
                           availability=("sun-pm",)) for i in range(30)]
    [change] = why_waiting(family, pool).changes
    assert (change.kind, change.value, change.reaches) == ("family_slot", "sun-pm", 30)
    assert change.volunteer_ids == tuple(f"v{i:02d}" for i in range(20))
