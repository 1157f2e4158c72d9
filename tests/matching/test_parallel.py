"""Big matchings run in two processes: same result as in one, errors come back."""

import os

import pytest

from voisins.matching import InvalidFieldError, VolunteerIndex, Weights, plan, propose
from voisins.matching import search as search_module
from voisins.matching.assignment import solve_b_matching, solve_b_matching_in_parts
from voisins.matching.parallel import can_fork, fork_map, resolve_workers

from .helpers import check_proposals, random_instance

needs_fork = pytest.mark.skipif(not can_fork(), reason="fork unavailable or threads running")


@needs_fork
def test_fork_map_runs_the_tasks_in_other_processes_and_keeps_their_order():
    results = fork_map(lambda task: (task * 2, os.getpid()), [1, 2, 3])
    assert [value for value, _ in results] == [2, 4, 6]
    assert results[0][1] == os.getpid() and len({pid for _, pid in results}) == 3


@needs_fork
def test_an_error_in_a_worker_is_raised_in_the_caller():
    def task(n):
        if n == 1:
            raise ValueError("bad task 1")
        return n

    with pytest.raises(ValueError, match="bad task 1") as error:
        fork_map(task, [0, 1])
    assert any("worker process" in note for note in error.value.__notes__)


@needs_fork
def test_two_workers_find_the_same_proposals_as_one(monkeypatch):
    families, volunteers = random_instance(5, 150, 120, spread_km=3)
    exclude = [(f.id, v.id) for f, v in zip(families[::4], volunteers[::3], strict=False)]
    weights = Weights(waiting=1.5)
    one = plan(families, volunteers, exclude, weights=weights, workers=1)
    # Small blocks and batches, so that each worker runs several.
    monkeypatch.setattr(search_module, "PAIR_BUDGET", 500)
    monkeypatch.setattr(search_module, "BLOCK_FAMILIES", 16)
    two = plan(families, volunteers, exclude, weights=weights, workers=2)
    three = plan(families, volunteers, exclude, weights=weights, workers=3)
    assert three.proposals == one.proposals
    # Pairs come out in the same order, whatever the blocks and the workers.
    index = VolunteerIndex(volunteers)
    edges = [index.edges(families, exclude, weights=weights, workers=w) for w in (1, 2)]
    monkeypatch.setattr(search_module, "BLOCK_FAMILIES", 4096)
    edges.append(index.edges(families, exclude, weights=weights, workers=1))
    for other in edges[1:]:
        assert (other.family == edges[0].family).all()
        assert (other.volunteer == edges[0].volunteer).all()
        assert (other.score == edges[0].score).all()
    assert two.proposals == one.proposals and two.total_score == one.total_score
    assert two.feasible_pairs == one.feasible_pairs
    check_proposals(families, volunteers, two.proposals, exclude, weights)


@needs_fork
def test_independent_components_solved_apart_give_the_whole_optimum(monkeypatch):
    import numpy as np

    from voisins.matching import assignment

    monkeypatch.setattr(assignment, "PARALLEL_ARCS", 100)

    rng = np.random.default_rng(3)
    # Three separate clusters of a random bipartite graph.
    left, right = [], []
    for cluster in range(3):
        for _ in range(200):
            left.append(cluster * 40 + rng.integers(0, 40))
            right.append(cluster * 30 + rng.integers(0, 30))
    pairs = sorted(set(zip(left, right, strict=True)))
    left = np.array([p[0] for p in pairs])
    right = np.array([p[1] for p in pairs])
    weight = rng.uniform(0.5, 9, len(pairs))
    left_cap, right_cap = np.ones(120, dtype=np.int64), rng.integers(0, 3, 90)
    whole = solve_b_matching(left, right, weight, left_cap, right_cap)
    parts = solve_b_matching_in_parts(left, right, weight, left_cap, right_cap, workers=2)
    assert weight[parts].sum() == pytest.approx(weight[whole].sum(), rel=1e-12)
    # One process solves the same groups and finds the same pairs.
    alone = solve_b_matching_in_parts(left, right, weight, left_cap, right_cap, workers=1)
    assert (alone == parts).all()
    assert np.bincount(left[parts], minlength=120).max() <= 1
    assert (np.bincount(right[parts], minlength=90) <= right_cap).all()


def test_workers_are_chosen_only_for_big_work_and_a_free_core(monkeypatch):
    from voisins.matching import parallel

    assert resolve_workers(None, 10, threshold=1000) == 1
    assert resolve_workers(1, 10**9, threshold=1000) == 1
    if can_fork() and len(os.sched_getaffinity(0)) > 1:
        monkeypatch.setattr(parallel, "_load", lambda: 0.9)
        assert resolve_workers(None, 10**9, threshold=1000) == 2
        monkeypatch.setattr(parallel, "_load", lambda: 6.0)  # a busy shared machine
        assert resolve_workers(None, 10**9, threshold=1000) == 1
        assert resolve_workers(2, 10**9, threshold=1000) == 2


@pytest.mark.parametrize("bad", [0, -1, 1.5, "2", True])
def test_a_bad_number_of_workers_is_refused(bad):
    families, volunteers = random_instance(1, 3, 3)
    with pytest.raises(InvalidFieldError, match="workers"):
        propose(families, volunteers, workers=bad)
