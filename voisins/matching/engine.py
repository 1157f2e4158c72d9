"""The engine's two questions: who could help this family (:func:`suggest`), and which
pairs to propose to everyone at once (:func:`propose`)."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from .assignment import solve_b_matching_in_parts
from .errors import InvalidFieldError
from .geo import spatial_rank
from .model import Family, Proposal, Volunteer
from .parallel import check_workers
from .picking import check_count, proposals_for, suggest_edges
from .rules import Exclude
from .search import VolunteerIndex, check_unique, id_sort_key
from .weights import DEFAULT_WEIGHTS, Weights

DEFAULT_MAX_CANDIDATES = 50


def _index(volunteers: Iterable[Volunteer] | VolunteerIndex) -> VolunteerIndex:
    return volunteers if isinstance(volunteers, VolunteerIndex) else VolunteerIndex(volunteers)


def suggest(
    family: Family,
    volunteers: Iterable[Volunteer] | VolunteerIndex,
    k: int = 10,
    exclude: Exclude = (),
    *,
    weights: Weights | None = None,
) -> list[Proposal]:
    """The ``k`` feasible volunteers with the highest score for one family, best first.

    Parameters
    ----------
    family : Family
    volunteers : iterable of Volunteer, or VolunteerIndex
        Pass a :class:`VolunteerIndex` built once to answer many families quickly.
    k : int, default 10
        How many to return at most (0 returns none).
    exclude : iterable of (family_id, volunteer_id), default ()
        Pairs never to suggest.
    weights : Weights, optional

    Returns
    -------
    list of Proposal
        Sorted by score, highest first; equal scores by volunteer id (integers before
        strings). Fewer than ``k`` when fewer are feasible.

    Raises
    ------
    DuplicateIdError
        Two volunteers with the same id.
    InvalidFieldError
        ``k`` is not an integer >= 0.

    Notes
    -----
    Building the index is ``O(n log n)`` for ``n`` volunteers; the query is
    ``O(c + k log k)`` for ``c`` volunteers in the strips around the family, plus the
    reasons of the ``k`` proposals.

    Examples
    --------
    >>> f = Family(id="f1", lat=50.8466, lon=4.3517, languages={"ar", "fr"},
    ...            needs={"homework"}, availability={"wed-pm"}, radius_km=3)
    >>> near = Volunteer(id="near", lat=50.8500, lon=4.3517, languages={"fr"},
    ...                  offers={"homework"}, availability={"wed-pm"}, radius_km=3)
    >>> far = Volunteer(id="far", lat=50.8700, lon=4.3517, languages={"fr"},
    ...                 offers={"homework"}, availability={"wed-pm"}, radius_km=3)
    >>> [(p.volunteer_id, round(p.distance_km, 2)) for p in suggest(f, [far, near])]
    [('near', 0.38), ('far', 2.6)]
    """
    weights = weights or DEFAULT_WEIGHTS
    index = _index(volunteers)
    edges = suggest_edges(index, family, k, exclude, weights)
    return proposals_for([family], index.volunteers, edges, weights)


class _Clock:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self._wall, self._cpu = time.perf_counter(), time.process_time()

    def lap(self, name: str) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        self.timings[name] = wall - self._wall
        self.timings[f"{name}_cpu"] = cpu - self._cpu
        self._wall, self._cpu = wall, cpu


@dataclass
class MatchingPlan:
    """The result of :func:`plan`: the proposals and what it took to find them."""

    proposals: list[Proposal]
    total_score: float
    feasible_pairs: int
    """Feasible pairs found (before keeping each family's best ``max_candidates``)."""
    candidate_pairs: int
    """Pairs given to the solver."""
    timings: dict[str, float] = field(default_factory=dict)
    """Wall-clock seconds spent in ``index``, ``search`` (with scoring), ``solve`` and
    ``reasons``, and the CPU seconds of this process in each (``index_cpu``…); a worker
    process's CPU is not included (see :mod:`voisins.matching.parallel`)."""


def plan(
    families: Iterable[Family],
    volunteers: Iterable[Volunteer] | VolunteerIndex,
    exclude: Exclude = (),
    *,
    weights: Weights | None = None,
    max_candidates: int | None = DEFAULT_MAX_CANDIDATES,
    workers: int | None = None,
) -> MatchingPlan:
    """:func:`propose`, with the total score, the pair counts and the time of each step.

    Parameters
    ----------
    families, volunteers, exclude, weights, max_candidates, workers
        As for :func:`propose`.

    Returns
    -------
    MatchingPlan
        ``proposals`` exactly as :func:`propose` returns them, their ``total_score``, the
        ``feasible_pairs`` found and the ``candidate_pairs`` given to the solver, and
        ``timings``. For a dry run, a summary, or the benchmark.

    Raises
    ------
    DuplicateIdError, InvalidFieldError
        As for :func:`propose`.

    Notes
    -----
    Same complexity as :func:`propose`, which calls it.

    Examples
    --------
    >>> f = Family(id="f1", lat=50.85, lon=4.35, languages={"fr"}, needs={"transport"},
    ...            availability={"sat-am"}, radius_km=2)
    >>> v = Volunteer(id="v1", lat=50.85, lon=4.35, languages={"fr"}, offers={"transport"},
    ...               availability={"sat-am"}, radius_km=2)
    >>> result = plan([f], [v])
    >>> len(result.proposals), result.feasible_pairs, round(result.total_score, 4)
    (1, 1, 7.1667)
    """
    weights = weights or DEFAULT_WEIGHTS
    check_count("max_candidates", max_candidates, allow_none=True, minimum=1)
    check_workers(workers)
    families = list(families)
    for f in families:
        if not isinstance(f, Family):
            raise InvalidFieldError("families", f"expected Family, got {f!r}")
    check_unique("family", [f.id for f in families])
    clock = _Clock()
    index = _index(volunteers)
    clock.lap("index")
    edges = index.edges(families, exclude, weights=weights, max_candidates=max_candidates,
                        workers=workers)
    clock.lap("search")
    vols = index.volunteers
    capacity = np.array([v.capacity for v in vols], dtype=np.int64)
    chosen = solve_b_matching_in_parts(
        edges.family, edges.volunteer, edges.score, np.ones(len(families), dtype=np.int64),
        capacity, workers,
        left_rank=spatial_rank(lat=[f.lat for f in families], lon=[f.lon for f in families]),
        right_rank=spatial_rank(lat=[v.lat for v in vols], lon=[v.lon for v in vols]))
    clock.lap("solve")
    proposals = proposals_for(families, index.volunteers, edges.subset(chosen), weights)
    proposals.sort(key=lambda p: (-p.score, id_sort_key(p.family_id)))
    clock.lap("reasons")
    return MatchingPlan(
        proposals=proposals,
        total_score=float(sum(p.score for p in proposals)),
        feasible_pairs=edges.found,
        candidate_pairs=len(edges),
        timings=clock.timings,
    )


def propose(
    families: Iterable[Family],
    volunteers: Iterable[Volunteer] | VolunteerIndex,
    exclude: Exclude = (),
    *,
    weights: Weights | None = None,
    max_candidates: int | None = DEFAULT_MAX_CANDIDATES,
    workers: int | None = None,
) -> list[Proposal]:
    """Proposals for everyone at once: the feasible pairs of largest total score.

    Every family gets at most one volunteer, no volunteer more families than its
    capacity, and the sum of the scores is the largest possible over all feasible pairs
    (to a relative 1e-7), except that a family with more than ``max_candidates``
    feasible volunteers is only matched among its ``max_candidates`` best-scoring ones.

    Parameters
    ----------
    families : iterable of Family
        Ids must be unique.
    volunteers : iterable of Volunteer, or VolunteerIndex
        Ids must be unique.
    exclude : iterable of (family_id, volunteer_id), default ()
        Pairs never to propose.
    weights : Weights, optional
    max_candidates : int or None, default 50
        Candidates kept per family (best score first, then volunteer id); None keeps
        every feasible pair. On realistic data the cap of 50 costs far less than 0.1 %
        of the total score (see ``docs/benchmarks.md``) and makes the solve several
        times faster.
    workers : int or None, default None
        Processes to run the search and the solve in. None uses two on a multi-core
        machine for big instances, when this process runs no other thread (forking a
        threaded process is unsafe); 1 runs everything here. The result does not
        depend on it. See :mod:`voisins.matching.parallel`.

    Returns
    -------
    list of Proposal
        Sorted by score, highest first, then by family id. A family or a volunteer that
        appears in no proposal is left waiting.

    Raises
    ------
    DuplicateIdError
        Two families or two volunteers with the same id.
    InvalidFieldError
        A bad ``max_candidates`` or an element that is not a Family / Volunteer.

    Notes
    -----
    Candidate search as in :class:`VolunteerIndex` (proportional to the pairs within
    reach, in bounded batches), then a maximum-weight b-matching
    (:func:`voisins.matching.assign`'s min-cost flow) on the kept pairs; reasons are built
    for the returned proposals only. On the 2-core development machine 10 000 families
    and 10 000 volunteers take about half a second of CPU; 100 000 and 100 000 spread
    over Belgium (7 million feasible pairs) about 12 s of CPU, and 100 000 and 100 000
    crowded around 19 town centres (34 million) about 20 s, shared by two processes
    when a second core is free, in 1.4 GB (see ``docs/benchmarks.md``).

    Examples
    --------
    Greedy would give the one volunteer who helps both families to the one it scores
    best with, and leave the other family without anybody:

    >>> def family(id, needs):
    ...     return Family(id=id, lat=50.85, lon=4.35, languages={"fr"}, needs=needs,
    ...                   availability={"sat-am"}, radius_km=2)
    >>> def volunteer(id, offers):
    ...     return Volunteer(id=id, lat=50.85, lon=4.35, languages={"fr"}, offers=offers,
    ...                      availability={"sat-am"}, radius_km=2)
    >>> families = [family("f1", {"homework", "transport"}), family("f2", {"homework"})]
    >>> volunteers = [volunteer("v1", {"homework", "transport"}), volunteer("v2", {"transport"})]
    >>> [(p.family_id, p.volunteer_id) for p in propose(families, volunteers)]
    [('f2', 'v1'), ('f1', 'v2')]
    """
    return plan(families, volunteers, exclude, weights=weights,
                max_candidates=max_candidates, workers=workers).proposals
