"""assign: maximum-weight b-matching, exact."""

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voisins.matching import (
    DuplicateEdgeError,
    InvalidEdgeError,
    InvalidFieldError,
    assign,
)

from .helpers import brute_force_optimum, lp_optimum


def _total(edges, pairs):
    weight = {(a, b): w for a, b, w in edges}
    return sum(weight[p] for p in pairs)


def _check_capacities(pairs, left_capacity, right_capacity):
    for side, capacity in ((0, left_capacity), (1, right_capacity)):
        counts = {}
        for pair in pairs:
            counts[pair[side]] = counts.get(pair[side], 0) + 1
        for node, count in counts.items():
            assert count <= capacity.get(node, 1)


def test_it_beats_greedy_on_the_classic_case():
    # Greedy takes a-x (10) and is stuck there; the optimum is a-y + b-x = 9 + 9.
    edges = [("a", "x", 10), ("a", "y", 9), ("b", "x", 9)]
    assert sorted(assign(edges)) == [("a", "y"), ("b", "x")]


def test_it_fills_a_capacity_of_two():
    edges = [("a", "x", 5), ("b", "x", 4), ("c", "x", 3), ("c", "y", 1)]
    assert sorted(assign(edges, right_capacity={"x": 2})) == [("a", "x"), ("b", "x"),
                                                              ("c", "y")]


def test_it_lets_a_left_node_take_several():
    edges = [("a", "x", 2), ("a", "y", 2), ("b", "y", 3)]
    assert sorted(assign(edges, left_capacity={"a": 2})) == [("a", "x"), ("b", "y")]


def test_it_leaves_nodes_unmatched_rather_than_lose_weight():
    # Matching everybody (a-y, b-x: 2) is worse than a-x alone (10).
    assert assign([("a", "x", 10), ("a", "y", 1), ("b", "x", 1)]) == [("a", "x")]


def test_capacity_zero_takes_nobody():
    assert assign([("a", "x", 10), ("b", "y", 1)], right_capacity={"x": 0}) == [("b", "y")]
    assert assign([("a", "x", 10)], left_capacity={"a": 0}) == []


def test_it_handles_empty_input():
    assert assign([]) == []
    assert assign([], {"a": 1}, {"x": 2}) == []


def test_it_returns_pairs_in_the_order_of_the_edges():
    edges = [("c", "z", 1), ("a", "x", 1), ("b", "y", 1)]
    assert assign(edges) == [("c", "z"), ("a", "x"), ("b", "y")]


@pytest.mark.parametrize("weight", [0, -1, float("nan"), float("inf"), "3", True, None])
def test_it_rejects_a_bad_weight(weight):
    with pytest.raises(InvalidEdgeError, match="weight"):
        assign([("a", "x", 1), ("b", "y", weight)])


def test_it_rejects_a_duplicate_edge():
    with pytest.raises(DuplicateEdgeError, match="'a', 'x'"):
        assign([("a", "x", 1), ("a", "x", 2)])


def test_it_rejects_a_malformed_edge():
    with pytest.raises(InvalidEdgeError):
        assign([("a", "x")])


@pytest.mark.parametrize("capacity", [-1, 1.5, "2"])
def test_it_rejects_a_bad_capacity(capacity):
    with pytest.raises(InvalidFieldError, match="right_capacity"):
        assign([("a", "x", 1)], right_capacity={"x": capacity})


@pytest.mark.parametrize("seed", range(8))
def test_it_matches_the_lp_optimum_on_random_graphs(seed):
    rng = random.Random(seed)
    n_left, n_right = rng.randint(5, 60), rng.randint(5, 60)
    edges = [(f"l{a}", f"r{b}", round(rng.uniform(0.1, 10), rng.choice([0, 3, 9])) or 0.5)
             for a in range(n_left) for b in range(n_right) if rng.random() < 0.15]
    left_capacity = {f"l{a}": rng.choice([0, 1, 1, 2]) for a in range(n_left)}
    right_capacity = {f"r{b}": rng.choice([0, 1, 2, 3]) for b in range(n_right)
                      if rng.random() < 0.8}
    pairs = assign(edges, left_capacity, right_capacity)
    _check_capacities(pairs, left_capacity, right_capacity)
    optimum = lp_optimum(edges, left_capacity, right_capacity)
    assert math.isclose(_total(edges, pairs), optimum, rel_tol=1e-6, abs_tol=1e-9)


def test_it_keeps_precision_with_weights_of_very_different_sizes():
    edges = [("a", "x", 1e6), ("a", "y", 1e6 - 1e-3), ("b", "x", 2e-3), ("c", "z", 1e-6)]
    assert sorted(assign(edges)) == [("a", "y"), ("b", "x"), ("c", "z")]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3), st.integers(1, 6)),
                max_size=8, unique_by=lambda e: (e[0], e[1])),
       st.dictionaries(st.integers(0, 3), st.integers(0, 2)),
       st.dictionaries(st.integers(0, 3), st.integers(0, 2)))
def test_it_matches_brute_force_on_tiny_graphs(edges, left_capacity, right_capacity):
    pairs = assign(edges, left_capacity, right_capacity)
    _check_capacities(pairs, left_capacity, right_capacity)
    assert len(set(pairs)) == len(pairs)
    assert _total(edges, pairs) == brute_force_optimum(edges, left_capacity, right_capacity)
