"""Maximum-weight bipartite b-matching, exactly, through a min-cost flow.

The graph given to OR-Tools' ``SimpleMinCostFlow`` is::

    source --(capacity c_l, cost 0)--> left l --(1, -weight)--> right r --(c_r, 0)--> sink
    source --(total supply, cost 0)--> sink            # the bypass: nobody must be matched

with the source supplying ``sum(c_l)``. A min-cost flow sends each unit either through
one edge (earning its weight) or through the bypass (earning nothing), so it is a
maximum-weight b-matching, not a maximum-cardinality one (which is what
``solve_max_flow_with_min_cost`` would give).

OR-Tools needs integer costs. Weights are multiplied by the largest scale ``s`` that keeps
its arithmetic inside int64 (about ``2**59 / (n * w_max)`` for ``n`` nodes) and rounded.
Rounding moves each weight by at most ``1 / (2 s)``, so the matching found is within
``M / s`` of the true optimum, ``M`` being the largest possible number of pairs: with
``n = M = 200 000`` that is ``1e-7`` of the largest weight, far below ``1e-6`` of the
total. The running time barely depends on ``s`` (measured from ``s = 1e2`` to ``1e9``).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping

import numpy as np
from ortools.graph.python import min_cost_flow

from .errors import DuplicateEdgeError, InvalidEdgeError, InvalidFieldError, SolverError
from .parallel import fork_map, resolve_workers

_INT64_HEADROOM = 2**61


def _scale(weight: np.ndarray, max_pairs: int, n_nodes: int) -> float:
    """The largest factor that keeps OR-Tools' arithmetic inside int64.

    OR-Tools multiplies costs by (number of nodes + 1) internally, and the total cost of a
    flow is at most ``max_pairs`` times the largest cost; both stay below 2**61 / 4.
    """
    max_cost = _INT64_HEADROOM // (4 * max(n_nodes + 1, max_pairs, 1))
    return max_cost / float(weight.max())


def solve_b_matching(
    left: np.ndarray,
    right: np.ndarray,
    weight: np.ndarray,
    left_cap: np.ndarray,
    right_cap: np.ndarray,
) -> np.ndarray:
    """Maximum-weight b-matching on integer-indexed arrays; the engine's inner solver.

    Parameters
    ----------
    left, right : numpy.ndarray of int
        Endpoints of each edge, indices into ``left_cap`` and ``right_cap``. No pair may
        repeat (checked by :func:`assign`).
    weight : numpy.ndarray of float
        Positive, finite weights.
    left_cap, right_cap : numpy.ndarray of int
        How many edges each node may take (``>= 0``).

    Returns
    -------
    numpy.ndarray of bool
        Which edges are chosen.

    Raises
    ------
    SolverError
        The solver did not report an optimum (a bug, not an input error).

    Notes
    -----
    Cost-scaling push-relabel (OR-Tools), ``O(n^2 m log(n C))`` in the worst case for
    ``n`` nodes, ``m`` edges and cost range ``C``; a few seconds for a million edges.
    """
    m = len(weight)
    chosen = np.zeros(m, dtype=bool)
    if m == 0:
        return chosen
    usable = np.flatnonzero((left_cap[left] > 0) & (right_cap[right] > 0))
    if len(usable) == 0:
        return chosen
    lefts, l_idx = np.unique(left[usable], return_inverse=True)
    rights, r_idx = np.unique(right[usable], return_inverse=True)
    w = weight[usable].astype(np.float64)
    n_left, n_right = len(lefts), len(rights)
    # A node never takes more edges than it has.
    l_cap = np.minimum(left_cap[lefts], np.bincount(l_idx, minlength=n_left)).astype(np.int64)
    r_cap = np.minimum(right_cap[rights], np.bincount(r_idx, minlength=n_right)).astype(np.int64)
    n_nodes = n_left + n_right + 2
    source, sink = n_left + n_right, n_left + n_right + 1

    scale = _scale(w, min(int(l_cap.sum()), int(r_cap.sum())), n_nodes)
    cost = -np.rint(w * scale).astype(np.int64)

    supply = int(l_cap.sum())
    tails = np.concatenate([
        l_idx, np.full(n_left, source), n_left + np.arange(n_right), [source],
    ]).astype(np.int32)
    heads = np.concatenate([
        n_left + r_idx, np.arange(n_left), np.full(n_right, sink), [sink],
    ]).astype(np.int32)
    capacities = np.concatenate([
        np.ones(len(usable), dtype=np.int64), l_cap, r_cap, [supply],
    ]).astype(np.int64)
    costs = np.concatenate([cost, np.zeros(n_left + n_right + 1, dtype=np.int64)])

    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
    flow.set_nodes_supplies(
        np.array([source, sink], dtype=np.int32), np.array([supply, -supply], dtype=np.int64)
    )
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise SolverError(f"min-cost flow ended with status {status!r}")
    chosen[usable] = flow.flows(np.arange(len(usable), dtype=np.int32)) > 0
    return chosen


PARALLEL_ARCS = 200_000
"""Edges from which the graph is solved as :data:`SOLVE_GROUPS` groups of components."""
SOLVE_GROUPS = 2


def solve_b_matching_in_parts(
    left: np.ndarray,
    right: np.ndarray,
    weight: np.ndarray,
    left_cap: np.ndarray,
    right_cap: np.ndarray,
    workers: int | None = None,
    *,
    left_rank: np.ndarray | None = None,
    right_rank: np.ndarray | None = None,
) -> np.ndarray:
    """:func:`solve_b_matching`, with the connected components solved in groups, the
    groups at the same time in forked processes (:mod:`voisins.matching.parallel`).

    ``left_rank`` and ``right_rank`` (permutations of the node indices, for example
    :func:`~voisins.matching.geo.spatial_rank` of the households) renumber the nodes
    and sort the edges for the solver: neighbours on the map become neighbours in its
    arrays, a third faster on a national instance. The optimum does not depend on them
    (which of several equal optima is found may).

    Components share no node, so the optimum of the whole graph is the union of their
    optima. From :data:`PARALLEL_ARCS` edges the components are packed, largest first,
    into :data:`SOLVE_GROUPS` groups (each to the group with the fewest edges so far).
    The groups depend on the graph only, not on ``workers``: one process solves them
    one after the other and finds exactly what two find (among several optima of equal
    total, the solver's choice depends on the graph it is given).

    Notes
    -----
    ``O(n + m)`` for the components (``scipy.sparse.csgraph``) on top of the solves;
    on a map of a country the largest component is a big city, so the gain of a second
    process is bounded by that city's share of the edges.
    """
    m = len(weight)
    if left_rank is not None or right_rank is not None:
        left_rank = np.arange(len(left_cap)) if left_rank is None else left_rank
        right_rank = np.arange(len(right_cap)) if right_rank is None else right_rank
        new_left, new_right = left_rank[left], right_rank[right]
        order = np.lexsort((new_right, new_left))
        left_cap_new = np.empty_like(left_cap)
        left_cap_new[left_rank] = left_cap
        right_cap_new = np.empty_like(right_cap)
        right_cap_new[right_rank] = right_cap
        chosen = np.zeros(m, dtype=bool)
        chosen[order] = solve_b_matching_in_parts(
            new_left[order], new_right[order], weight[order], left_cap_new, right_cap_new,
            workers)
        return chosen
    if m < PARALLEL_ARCS:
        return solve_b_matching(left, right, weight, left_cap, right_cap)
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n_left = len(left_cap)
    n = n_left + len(right_cap)
    graph = coo_matrix((np.ones(m, dtype=np.int8), (left, right + n_left)), shape=(n, n))
    _count, label = connected_components(graph, directed=False)
    component = label[left]
    arcs = np.bincount(component)
    group_of = np.zeros(len(arcs), dtype=np.int64)
    load = np.zeros(SOLVE_GROUPS, dtype=np.int64)
    for c in np.argsort(-arcs, kind="stable"):
        if arcs[c] == 0:
            break
        g = int(np.argmin(load))
        group_of[c] = g
        load[g] += arcs[c]
    group = group_of[component]
    parts = [np.flatnonzero(group == g) for g in range(SOLVE_GROUPS) if load[g] > 0]

    def solve(edges: np.ndarray) -> np.ndarray:
        return solve_b_matching(left[edges], right[edges], weight[edges], left_cap, right_cap)

    n_workers = resolve_workers(workers, float(m), PARALLEL_ARCS)
    solved = fork_map(solve, parts) if n_workers > 1 else [solve(part) for part in parts]
    chosen = np.zeros(m, dtype=bool)
    for edges, part in zip(parts, solved, strict=True):
        chosen[edges] = part
    return chosen


def _capacities(name: str, capacities: Mapping[Hashable, int] | None, ids: list) -> np.ndarray:
    if capacities is None:
        return np.ones(len(ids), dtype=np.int64)
    if not isinstance(capacities, Mapping):
        raise InvalidFieldError(name, f"must be a mapping of id to capacity, got {capacities!r}")
    out = np.ones(len(ids), dtype=np.int64)
    for i, id_ in enumerate(ids):
        cap = capacities.get(id_, 1)
        if isinstance(cap, bool) or not isinstance(cap, (int, np.integer)) or cap < 0:
            raise InvalidFieldError(name, f"capacity of {id_!r} must be an integer >= 0, "
                                    f"got {cap!r}", value=cap)
        out[i] = cap
    return out


def assign(
    edges: Iterable[tuple[Hashable, Hashable, float]],
    left_capacity: Mapping[Hashable, int] | None = None,
    right_capacity: Mapping[Hashable, int] | None = None,
) -> list[tuple[Hashable, Hashable]]:
    """Maximum-total-weight b-matching of a bipartite graph.

    Chooses a set of edges of largest total weight such that each left node ``l`` is in
    at most ``left_capacity[l]`` chosen edges and each right node ``r`` in at most
    ``right_capacity[r]``. Nodes may stay unmatched: the result maximises weight, not the
    number of pairs.

    Parameters
    ----------
    edges : iterable of (left_id, right_id, weight)
        Weights must be finite and > 0; a (left_id, right_id) pair may appear once.
    left_capacity, right_capacity : mapping of id to int, optional
        How many pairs each node may take; an id that is absent takes 1, 0 takes none.

    Returns
    -------
    list of (left_id, right_id)
        The chosen pairs, in the order of ``edges``.

    Raises
    ------
    InvalidEdgeError
        An edge that is not a triple, or a weight that is not a finite number > 0.
    DuplicateEdgeError
        The same (left_id, right_id) twice.
    InvalidFieldError
        A capacity that is not an integer >= 0.

    Notes
    -----
    Exact: a min-cost flow (OR-Tools, cost-scaling push-relabel) on ``n`` nodes and ``m``
    edges, with weights scaled to integers so finely that the loss is below ``1e-7`` of the
    largest weight for graphs of 200 000 nodes (see the module docstring). Worst case
    ``O(n^2 m log(n C))``; in practice a few seconds per million edges. Building the input
    is ``O(m)`` in Python.

    Examples
    --------
    Greedy would take the heaviest edge (a, x) and end with 3; the optimum is 4:

    >>> assign([("a", "x", 3), ("a", "y", 2), ("b", "x", 2)])
    [('a', 'y'), ('b', 'x')]

    A right node with capacity 2 takes both:

    >>> assign([("a", "x", 3), ("a", "y", 2), ("b", "x", 2)], right_capacity={"x": 2})
    [('a', 'x'), ('b', 'x')]
    >>> assign([])
    []
    """
    left_ids: dict[Hashable, int] = {}
    right_ids: dict[Hashable, int] = {}
    lefts, rights, weights = [], [], []
    seen: set[tuple[Hashable, Hashable]] = set()
    for edge in edges:
        try:
            left_id, right_id, weight = edge
        except (TypeError, ValueError):
            raise InvalidEdgeError(
                f"edge {edge!r} is not a (left_id, right_id, weight) triple") from None
        if (
            isinstance(weight, bool)
            or not isinstance(weight, (int, float, np.integer, np.floating))
            or not math.isfinite(weight)
            or weight <= 0
        ):
            raise InvalidEdgeError(
                f"edge ({left_id!r}, {right_id!r}): weight must be a finite number > 0, "
                f"got {weight!r}"
            )
        if (left_id, right_id) in seen:
            raise DuplicateEdgeError(f"edge ({left_id!r}, {right_id!r}) is given twice")
        seen.add((left_id, right_id))
        lefts.append(left_ids.setdefault(left_id, len(left_ids)))
        rights.append(right_ids.setdefault(right_id, len(right_ids)))
        weights.append(float(weight))
    left_cap = _capacities("left_capacity", left_capacity, list(left_ids))
    right_cap = _capacities("right_capacity", right_capacity, list(right_ids))
    if not weights:
        return []
    left_arr = np.array(lefts, dtype=np.int64)
    right_arr = np.array(rights, dtype=np.int64)
    chosen = solve_b_matching(left_arr, right_arr, np.array(weights), left_cap, right_cap)
    left_of = list(left_ids)
    right_of = list(right_ids)
    return [(left_of[lefts[i]], right_of[rights[i]]) for i in np.flatnonzero(chosen)]
