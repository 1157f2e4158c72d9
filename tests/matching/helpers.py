"""Instances, independent solvers and the constraint checker shared by the engine tests."""

from __future__ import annotations

import itertools
import math
import random
from collections import Counter

import numpy as np
from hypothesis import strategies as st
from scipy.optimize import linprog

from voisins.matching import (
    SLOTS,
    Family,
    Reason,
    Volunteer,
    Weights,
    distance_km,
    feasible,
    score,
)
from voisins.matching.search import id_sort_key

LANGUAGES = ["fr", "nl", "en", "ar", "uk", "prs", "ti"]
SERVICES = ["homework", "transport", "paperwork", "french-conversation", "shared-meal",
            "outings-children", "bike-repair"]


def make_family(id="f1", *, lat=50.8466, lon=4.3517, languages=("fr",), needs=("homework",),
                availability=("sat-am",), radius_km=3.0, **extra) -> Family:
    return Family(id=id, lat=lat, lon=lon, languages=languages, needs=needs,
                  availability=availability, radius_km=radius_km, **extra)


def make_volunteer(id="v1", *, lat=50.8466, lon=4.3517, languages=("fr",),
                   offers=("homework",), availability=("sat-am",), radius_km=3.0,
                   **extra) -> Volunteer:
    return Volunteer(id=id, lat=lat, lon=lon, languages=languages, offers=offers,
                     availability=availability, radius_km=radius_km, **extra)


def _sample(rng: random.Random, pool, low: int, high: int) -> set:
    return set(rng.sample(pool, rng.randint(low, high)))


def random_instance(seed: int, n_families: int, n_volunteers: int, *, spread_km=4.0,
                    center=(50.8466, 4.3517)):
    """Households scattered around ``center`` with small vocabularies, so that many pairs
    are feasible and the optimum is not obvious."""
    rng = random.Random(seed)
    lat0, lon0 = center

    def place():
        dy, dx = rng.gauss(0, spread_km / 2), rng.gauss(0, spread_km / 2)
        lat = max(-90.0, min(90.0, lat0 + dy / 111.2))
        lon = lon0 + dx / (111.2 * max(0.05, math.cos(math.radians(lat0))))
        return lat, (lon + 180.0) % 360.0 - 180.0

    families = []
    for i in range(n_families):
        lat, lon = place()
        needs = _sample(rng, SERVICES, 1, 3)
        families.append(Family(
            id=f"f{i:03d}", lat=lat, lon=lon, languages=_sample(rng, LANGUAGES, 1, 3),
            needs=needs, availability=_sample(rng, SLOTS, 1, 8),
            radius_km=rng.choice([1.0, 2.0, 3.5, 5.0]), waiting_days=rng.randint(0, 400),
            children_ages=[rng.randint(0, 17) for _ in range(rng.randint(0, 3))],
            need_priorities={n: rng.randint(1, 3) for n in needs if rng.random() < 0.6},
            mother_tongues={rng.choice(LANGUAGES)} if rng.random() < 0.5 else set(),
        ))
    volunteers = []
    for i in range(n_volunteers):
        lat, lon = place()
        volunteers.append(Volunteer(
            id=f"v{i:03d}", lat=lat, lon=lon, languages=_sample(rng, LANGUAGES, 1, 3),
            offers=_sample(rng, SERVICES, 1, 4), availability=_sample(rng, SLOTS, 1, 8),
            radius_km=rng.choice([1.0, 2.0, 3.5, 5.0]),
            capacity=rng.choice([0, 1, 1, 1, 2, 3]),
            children_ages=[rng.randint(0, 20) for _ in range(rng.randint(0, 2))],
            mother_tongues={rng.choice(LANGUAGES)} if rng.random() < 0.3 else set(),
        ))
    return families, volunteers


def feasible_edges(families, volunteers, exclude=(), weights=None):
    """Every feasible pair by brute force with the scalar rules: (family, volunteer, score)."""
    weights = weights or Weights()
    excluded = set(exclude)
    return [
        (f.id, v.id, score(f, v, weights=weights))
        for f in families
        for v in volunteers
        if feasible(f, v, excluded)
    ]


def lp_optimum(edges, left_capacity=None, right_capacity=None) -> float:
    """Optimum of the b-matching LP with HiGHS; integral for bipartite graphs."""
    if not edges:
        return 0.0
    left_capacity = left_capacity or {}
    right_capacity = right_capacity or {}
    lefts = sorted({e[0] for e in edges}, key=id_sort_key)
    rights = sorted({e[1] for e in edges}, key=id_sort_key)
    li = {x: k for k, x in enumerate(lefts)}
    ri = {x: k for k, x in enumerate(rights)}
    a = np.zeros((len(lefts) + len(rights), len(edges)))
    for col, (left, right, _) in enumerate(edges):
        a[li[left], col] = 1
        a[len(lefts) + ri[right], col] = 1
    b = [left_capacity.get(x, 1) for x in lefts] + [right_capacity.get(x, 1) for x in rights]
    result = linprog(-np.array([e[2] for e in edges]), A_ub=a, b_ub=b, bounds=(0, 1),
                     method="highs")
    assert result.status == 0, result.message
    return -result.fun


def brute_force_optimum(edges, left_capacity=None, right_capacity=None) -> float:
    """Best total weight over every subset of edges (tiny graphs only)."""
    left_capacity = left_capacity or {}
    right_capacity = right_capacity or {}
    best = 0.0
    for size in range(len(edges) + 1):
        for subset in itertools.combinations(edges, size):
            lefts = Counter(e[0] for e in subset)
            rights = Counter(e[1] for e in subset)
            if all(c <= left_capacity.get(x, 1) for x, c in lefts.items()) and all(
                c <= right_capacity.get(x, 1) for x, c in rights.items()
            ):
                best = max(best, sum(e[2] for e in subset))
    return best


def check_proposals(families, volunteers, proposals, exclude=(), weights=None) -> None:
    """Every constraint the engine promises, on every proposal."""
    weights = weights or Weights()
    by_family = {f.id: f for f in families}
    by_volunteer = {v.id: v for v in volunteers}
    excluded = set(exclude)
    assert len({p.family_id for p in proposals}) == len(proposals), "a family twice"
    taken = Counter(p.volunteer_id for p in proposals)
    for volunteer_id, count in taken.items():
        assert count <= by_volunteer[volunteer_id].capacity, f"{volunteer_id} over capacity"
    for p in proposals:
        f, v = by_family[p.family_id], by_volunteer[p.volunteer_id]
        assert (p.family_id, p.volunteer_id) not in excluded
        assert feasible(f, v, excluded), (p.family_id, p.volunteer_id)
        # Same formula in both halves of the engine: equal to the last bits on this
        # machine; the tolerance only guards against another CPU's vector maths.
        assert math.isclose(p.score, score(f, v, weights=weights), rel_tol=1e-12)
        assert math.isclose(p.distance_km, distance_km(f, v), rel_tol=1e-12, abs_tol=1e-12)
        assert p.score > 0
        assert p.reasons and all(isinstance(r, Reason) and r.code for r in p.reasons)
    keys = [(-p.score, id_sort_key(p.family_id)) for p in proposals]
    assert keys == sorted(keys), "proposals are not sorted by score, then family id"


# ---------------------------------------------------------------- hypothesis strategies

codes = st.frozensets(st.sampled_from(LANGUAGES), min_size=0, max_size=3)
services = st.frozensets(st.sampled_from(SERVICES), min_size=0, max_size=3)
slots = st.frozensets(st.sampled_from(SLOTS[:6]), min_size=0, max_size=3)
ages = st.lists(st.integers(0, 25), max_size=3)


@st.composite
def positions(draw, anywhere=False):
    """Near Brussels (where pairs are feasible), or anywhere on Earth, poles and the
    ±180° meridian included."""
    if anywhere:
        lat = draw(st.one_of(st.floats(-90, 90), st.sampled_from([-90.0, 90.0, 89.99, -89.99])))
        lon = draw(st.one_of(st.floats(-180, 180), st.sampled_from([-180.0, 180.0, 179.99])))
        return lat, lon
    return (50.85 + draw(st.floats(-0.03, 0.03)), 4.35 + draw(st.floats(-0.04, 0.04)))


@st.composite
def families(draw, id, anywhere=False):
    lat, lon = draw(positions(anywhere))
    needs = draw(services)
    return Family(
        id=id, lat=lat, lon=lon, languages=draw(codes), needs=needs, availability=draw(slots),
        radius_km=draw(st.sampled_from([0.0, 0.5, 2.0, 4.0]) if not anywhere else
                       st.sampled_from([0.0, 10.0, 500.0, 3000.0, 20050.0])),
        waiting_days=draw(st.integers(0, 1000)), children_ages=draw(ages),
        need_priorities={n: draw(st.integers(1, 3)) for n in needs},
        mother_tongues=draw(st.frozensets(st.sampled_from(LANGUAGES), max_size=1)),
    )


@st.composite
def volunteers(draw, id, anywhere=False):
    lat, lon = draw(positions(anywhere))
    return Volunteer(
        id=id, lat=lat, lon=lon, languages=draw(codes), offers=draw(services),
        availability=draw(slots),
        radius_km=draw(st.sampled_from([0.0, 0.5, 2.0, 4.0]) if not anywhere else
                       st.sampled_from([0.0, 10.0, 500.0, 3000.0, 20050.0])),
        capacity=draw(st.integers(0, 2)), children_ages=draw(ages),
        mother_tongues=draw(st.frozensets(st.sampled_from(LANGUAGES), max_size=1)),
    )


@st.composite
def households(draw, max_families=5, max_volunteers=5, anywhere=False):
    n_f = draw(st.integers(0, max_families))
    n_v = draw(st.integers(0, max_volunteers))
    fams = [draw(families(f"f{i}", anywhere)) for i in range(n_f)]
    vols = [draw(volunteers(f"v{i}", anywhere)) for i in range(n_v)]
    return fams, vols
