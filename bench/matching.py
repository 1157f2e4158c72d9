"""Benchmark of the matching engine on synthetic Belgian programmes.

Usage (from the repository root)::

    python bench/matching.py                          # 1 000, 10 000, 100 000; both geographies
    python bench/matching.py --sizes 1000 10000       # some sizes only
    python bench/matching.py --geographies national   # one instance generator only
    python bench/matching.py --cap-size 20000         # what the K=50 cap costs (default)
    python bench/matching.py --no-serial --json       # no one-process baseline; JSON too
    python bench/matching.py --workers 2              # force two processes (default: auto)

Each size runs in a fresh interpreter, so that its peak resident memory
(``ru_maxrss``) is its own. For each size it prints what makes pairs feasible in the
instance, the time of each step (index, candidate search with scoring, solve, reasons)
in wall and CPU time (this process and the worker process), peak memory, feasible pairs,
families matched and total score, and baselines on the same instance in the same
process: the engine in **one process** (``workers=1``), **greedy** (pairs by descending
score, on the same candidate pairs as the optimum) and, up to 5 000 per side, **dense**
``scipy.optimize.linear_sum_assignment`` on all feasible pairs (volunteers expanded by
capacity). Then it times :meth:`VolunteerIndex.suggest` for a few hundred random
families among the volunteers of the largest size.

The instance generator (:func:`generate`) has two geographies. **national** (the
default) puts households where Belgians live: the 19 largest towns with their real
population and a scatter that matches their area, and the other 8.3 million residents
around the other postcode centroids; volunteers weigh the same everywhere, families more
in the big cities (a third of them in Brussels); radii 1-3 km in a town, 2-5 km
elsewhere. **dense** (the first generator, kept to compare) puts everyone around the 19
town centres only, a third of the volunteers in Brussels, with radii 1-5 km. Languages,
needs, offers, time slots and children are the same in both and follow rough shares for
a Belgian solidarity-neighbours programme: families speak Arabic, Ukrainian, Dari,
Pashto, Tigrinya, Russian, Somali, Kurdish, Persian…, often some English and a little
French; volunteers speak French or Dutch by region, often English, sometimes a heritage
language. Everything is drawn from one seed. ``docs/benchmarks.md`` discusses how
realistic each is.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from voisins.matching import SLOTS, Family, Volunteer, VolunteerIndex, plan
from voisins.matching.rules import feasible, score

# name, lat, lon, population (thousands), region, area (km²) of the municipality
TOWNS = [
    ("Brussels", 50.8466, 4.3517, 1220, "bru", 161),
    ("Antwerp", 51.2194, 4.4025, 530, "vl", 204),
    ("Ghent", 51.0543, 3.7174, 265, "vl", 156),
    ("Charleroi", 50.4108, 4.4446, 203, "wa", 102),
    ("Liège", 50.6326, 5.5797, 197, "wa", 69),
    ("Bruges", 51.2093, 3.2247, 119, "vl", 138),
    ("Namur", 50.4674, 4.8720, 113, "wa", 176),
    ("Leuven", 50.8798, 4.7005, 102, "vl", 57),
    ("Mons", 50.4542, 3.9567, 96, "wa", 146),
    ("Aalst", 50.9378, 4.0403, 89, "vl", 78),
    ("Mechelen", 51.0259, 4.4776, 87, "vl", 65),
    ("Hasselt", 50.9307, 5.3325, 80, "vl", 102),
    ("Kortrijk", 50.8279, 3.2649, 78, "vl", 80),
    ("Ostend", 51.2154, 2.9286, 72, "vl", 38),
    ("Tournai", 50.6071, 3.3893, 69, "wa", 214),
    ("Genk", 50.9650, 5.5008, 66, "vl", 88),
    ("Verviers", 50.5891, 5.8667, 55, "wa", 33),
    ("Louvain-la-Neuve", 50.6681, 4.6118, 32, "wa", 33),
    ("Arlon", 49.6833, 5.8167, 30, "wa", 118),
]
BELGIUM_THOUSANDS = 11_800
"""Belgium's population; the 19 towns hold 3.5 million of it, the rest lives around the
other postcodes (suburbs, small towns, villages)."""
FAMILY_TOWN_BOOST = {"Brussels": 1.5, "Antwerp": 1.2, "Liège": 1.2}
"""Dense geography: how much heavier each town weighs for families than for volunteers."""
NATIONAL_FAMILY_BOOST = {"Brussels": 3.0, "Antwerp": 2.0, "Liège": 2.0, "Ghent": 1.5,
                         "Charleroi": 1.5}
NATIONAL_FAMILY_OTHER_TOWNS = 1.2
NATIONAL_FAMILY_REST = 0.5
"""National geography: weight of a resident, for families, by where they live (volunteers
weigh 1 everywhere). Recognised refugees settle mostly in the big cities, Brussels first,
but reception places (and the families who stay near them) are spread over every
municipality: this puts a third of the families in Brussels and a bit over a third
outside the 19 towns."""
GENERATORS = ("national", "dense")

FAMILY_MOTHER_TONGUES = {
    "ar": 24, "uk": 14, "prs": 10, "ti": 9, "ps": 7, "ku": 7, "so": 6, "ru": 5, "fa": 5,
    "tr": 3, "am": 3, "ln": 3, "sw": 2, "es": 2,
}
# Second languages some speakers of a mother tongue often have.
FAMILY_SECOND = {"uk": [("ru", 0.7)], "ku": [("ar", 0.5)], "ti": [("am", 0.2), ("ar", 0.2)],
                 "so": [("ar", 0.2)], "prs": [("fa", 0.6)], "ps": [("prs", 0.3)],
                 "fa": [("prs", 0.3)], "ln": [("fr", 0.8)]}
NEEDS = ["homework", "transport", "discover-area", "paperwork", "french-conversation",
         "shared-meal", "outings-children", "digital-help", "together"]
NEED_P = [0.45, 0.25, 0.35, 0.45, 0.5, 0.2, 0.3, 0.25, 0.15]
OFFER_P = [0.35, 0.3, 0.45, 0.35, 0.45, 0.35, 0.3, 0.3, 0.4]
VOLUNTEER_LANGS = {  # region -> (fr, nl, en)
    "bru": (0.9, 0.25, 0.6), "wa": (0.98, 0.15, 0.45), "vl": (0.45, 0.98, 0.7),
}
HERITAGE = {"ar": 0.08, "es": 0.06, "it": 0.05, "de": 0.08, "tr": 0.03, "ru": 0.03,
            "pt": 0.03, "pl": 0.02, "uk": 0.01, "fa": 0.01}


def _places(rng, n: int, boost: dict[str, float]):
    """Dense geography: everyone around the 19 towns only, a Gaussian scatter of 1.5-5 km
    growing with the town. Returns (lat, lon, region, urban)."""
    weights = np.array([t[3] * boost.get(t[0], 1.0) for t in TOWNS], dtype=float)
    town = rng.choice(len(TOWNS), size=n, p=weights / weights.sum())
    lat0 = np.array([t[1] for t in TOWNS])[town]
    lon0 = np.array([t[2] for t in TOWNS])[town]
    sigma_km = 1.0 + 1.2 * np.sqrt(np.array([t[3] for t in TOWNS])[town] / 100.0)
    lat = lat0 + rng.normal(size=n) * sigma_km / 111.2
    lon = lon0 + rng.normal(size=n) * sigma_km / (111.2 * np.cos(np.radians(lat0)))
    region = [TOWNS[t][4] for t in town]
    return lat, lon, region, np.ones(n, dtype=bool)


def _town_sigma_km() -> np.ndarray:
    """A Gaussian whose 2-sigma disc has the municipality's area (it holds 86 % of its
    people): 3.6 km for Brussels' 161 km², 2.3 km for Liège."""
    return np.sqrt(np.array([t[5] for t in TOWNS], dtype=float) / np.pi) / 2


def _other_postcodes():
    """Belgian postcode centroids outside the 19 towns (2 sigma from their centres, and
    the Brussels region's codes): (lat, lon, region)."""
    from countrystatecity_postal_codes import get_postcodes_of_country

    sigma = _town_sigma_km()
    rows = []
    for entry in get_postcodes_of_country("BE"):
        if entry.stateCode == "BRU":
            continue
        lat, lon = float(entry.latitude), float(entry.longitude)
        inside = any(
            math.hypot((lat - t[1]) * 111.2, (lon - t[2]) * 111.2 * math.cos(math.radians(t[1])))
            < 2 * s for t, s in zip(TOWNS, sigma, strict=True))
        if not inside:
            rows.append((lat, lon, "vl" if entry.stateCode.startswith("V") else "wa"))
    return rows


def _national_places(rng, n: int, boost: dict[str, float], other_towns: float, rest: float):
    """National geography: people where Belgians live. The 19 towns with their real
    population and a scatter matching their area; the other 8.3 million residents
    spread evenly over the other postcodes (986), 1.5 km around each centroid.
    ``boost``, ``other_towns`` and ``rest`` weigh a resident for this kind of household.
    Returns (lat, lon, region, urban)."""
    others = _other_postcodes()
    town_w = np.array([t[3] * boost.get(t[0], other_towns) for t in TOWNS], dtype=float)
    rest_thousands = BELGIUM_THOUSANDS - sum(t[3] for t in TOWNS)
    other_w = np.full(len(others), rest_thousands * rest / len(others))
    weights = np.concatenate([town_w, other_w])
    where = rng.choice(len(weights), size=n, p=weights / weights.sum())
    urban = where < len(TOWNS)
    lat0 = np.concatenate([[t[1] for t in TOWNS], [o[0] for o in others]])[where]
    lon0 = np.concatenate([[t[2] for t in TOWNS], [o[1] for o in others]])[where]
    sigma_km = np.concatenate([_town_sigma_km(), np.full(len(others), 1.5)])[where]
    lat = lat0 + rng.normal(size=n) * sigma_km / 111.2
    lon = lon0 + rng.normal(size=n) * sigma_km / (111.2 * np.cos(np.radians(lat0)))
    regions = [t[4] for t in TOWNS] + [o[2] for o in others]
    return lat, lon, [regions[w] for w in where], urban


def _radii(rng, urban: np.ndarray, geography: str) -> np.ndarray:
    """Dense: 1-5 km for everyone. National: 1-3 km in a town (the immediate vicinity is
    a walk or a few tram stops away), 2-5 km elsewhere (the next villages, by car)."""
    if geography == "dense":
        return np.round(rng.uniform(1, 5, len(urban)), 1)
    return np.round(np.where(urban, rng.uniform(1, 3, len(urban)),
                             rng.uniform(2, 5, len(urban))), 1)


def _rows(matrix: np.ndarray, labels) -> list[list]:
    rows, cols = np.nonzero(matrix)
    split = np.searchsorted(rows, np.arange(1, matrix.shape[0]))
    return [[labels[c] for c in part] for part in np.split(cols, split)]


def _slots(rng, n: int, p_by_part: dict[tuple[bool, str], float]) -> list[list[str]]:
    p = np.array([p_by_part[(s[:3] in ("sat", "sun"), s[4:])] for s in SLOTS])
    matrix = rng.random((n, len(SLOTS))) < p
    empty = ~matrix.any(axis=1)
    matrix[empty, rng.integers(0, len(SLOTS), empty.sum())] = True
    return _rows(matrix, SLOTS)


def _children(rng, n: int, share: float, max_count: int, max_age: int) -> list[tuple]:
    has = rng.random(n) < share
    count = np.where(has, rng.integers(1, max_count + 1, n), 0)
    ages = rng.integers(0, max_age + 1, (n, max_count))
    return [tuple(ages[i, : count[i]].tolist()) for i in range(n)]


def generate(n_families: int, n_volunteers: int, seed: int = 0, geography: str = "national"):
    """A synthetic programme: ``n_families`` families and ``n_volunteers`` volunteers.

    Deterministic for a seed. ``geography`` is ``"national"`` (households where Belgians
    live, families heavier in the big cities; radii 1-3 km in towns, 2-5 km elsewhere)
    or ``"dense"`` (everyone around 19 town centres, a third of the volunteers in
    Brussels; radii 1-5 km), see ``docs/benchmarks.md``. Capacities 0 (3 %), 1 (80 %),
    2 (14 %) or 3 (3 %), waiting times exponential with a mean of 70 days.
    """
    if geography not in GENERATORS:
        raise ValueError(f"geography must be one of {GENERATORS}, got {geography!r}")
    rng = np.random.default_rng(seed)

    def places(n, *, families):
        if geography == "dense":
            return _places(rng, n, FAMILY_TOWN_BOOST if families else {})
        if families:
            return _national_places(rng, n, NATIONAL_FAMILY_BOOST,
                                    NATIONAL_FAMILY_OTHER_TOWNS, NATIONAL_FAMILY_REST)
        return _national_places(rng, n, {}, 1.0, 1.0)

    # -- families
    lat, lon, region, urban = places(n_families, families=True)
    tongues = list(FAMILY_MOTHER_TONGUES)
    p = np.array(list(FAMILY_MOTHER_TONGUES.values()), dtype=float)
    mother = rng.choice(len(tongues), size=n_families, p=p / p.sum())
    extra = rng.random((n_families, 4))
    children = _children(rng, n_families, 0.75, 4, 17)
    school_age = np.array([any(6 <= a <= 17 for a in c) for c in children])
    has_children = np.array([bool(c) for c in children])
    need_p = np.array(NEED_P)
    need_matrix = rng.random((n_families, len(NEEDS))) < need_p
    need_matrix[:, 0] &= school_age
    need_matrix[:, 6] &= has_children
    empty = ~need_matrix.any(axis=1)
    need_matrix[empty, rng.choice([1, 2, 3, 4, 7], empty.sum())] = True
    needs = _rows(need_matrix, NEEDS)
    priorities = rng.choice([1, 2, 3], size=(n_families, len(NEEDS)), p=[0.5, 0.3, 0.2])
    family_slots = _slots(rng, n_families, {(False, "am"): 0.45, (False, "pm"): 0.5,
                                            (False, "eve"): 0.35, (True, "am"): 0.4,
                                            (True, "pm"): 0.5, (True, "eve"): 0.3})
    waiting = np.minimum(rng.exponential(70, n_families).astype(int), 720)
    radius = _radii(rng, urban, geography)
    families = []
    for i in range(n_families):
        tongue = tongues[mother[i]]
        langs = {tongue}
        for code, share in FAMILY_SECOND.get(tongue, ()):
            if rng.random() < share:
                langs.add(code)
        if extra[i, 0] < 0.35:
            langs.add("en")
        if extra[i, 1] < (0.15 if region[i] == "vl" else 0.3):
            langs.add("nl" if region[i] == "vl" else "fr")
        need_codes = needs[i]
        families.append(Family(
            id=f"f{i}", lat=float(lat[i]), lon=float(lon[i]), languages=langs,
            needs=need_codes, availability=family_slots[i], radius_km=float(radius[i]),
            waiting_days=int(waiting[i]), children_ages=children[i],
            need_priorities={n: int(priorities[i, NEEDS.index(n)]) for n in need_codes},
            mother_tongues={tongue},
        ))
    # -- volunteers
    lat, lon, region, urban = places(n_volunteers, families=False)
    base = rng.random((n_volunteers, 3))
    heritage_codes = list(HERITAGE)
    heritage = rng.random((n_volunteers, len(HERITAGE))) < np.array(list(HERITAGE.values()))
    offer_matrix = rng.random((n_volunteers, len(NEEDS))) < np.array(OFFER_P)
    empty = ~offer_matrix.any(axis=1)
    offer_matrix[empty, rng.integers(0, len(NEEDS), empty.sum())] = True
    offers = _rows(offer_matrix, NEEDS)
    volunteer_slots = _slots(rng, n_volunteers, {(False, "am"): 0.08, (False, "pm"): 0.1,
                                                 (False, "eve"): 0.3, (True, "am"): 0.35,
                                                 (True, "pm"): 0.4, (True, "eve"): 0.15})
    volunteer_children = _children(rng, n_volunteers, 0.4, 3, 20)
    capacity = rng.choice([0, 1, 2, 3], size=n_volunteers, p=[0.03, 0.8, 0.14, 0.03])
    radius = _radii(rng, urban, geography)
    volunteers = []
    for i in range(n_volunteers):
        p_fr, p_nl, p_en = VOLUNTEER_LANGS[region[i]]
        langs = {c for c, share, x in zip(("fr", "nl", "en"), (p_fr, p_nl, p_en), base[i],
                                          strict=True) if x < share}
        own = [heritage_codes[c] for c in np.flatnonzero(heritage[i])]
        langs.update(own)
        if not langs:
            langs = {"nl" if region[i] == "vl" else "fr"}
        mother = {own[0]} if own else {"nl" if region[i] == "vl" else "fr"} & langs
        volunteers.append(Volunteer(
            id=f"v{i}", lat=float(lat[i]), lon=float(lon[i]), languages=langs,
            offers=offers[i], availability=volunteer_slots[i], radius_km=float(radius[i]),
            capacity=int(capacity[i]), children_ages=volunteer_children[i],
            mother_tongues=mother,
        ))
    return families, volunteers


# ---------------------------------------------------------------- baselines


def greedy(edges, n_families: int, capacity: np.ndarray) -> tuple[float, int]:
    """Pairs by descending score (ties by order), each family once, capacities kept."""
    order = np.argsort(-edges.score, kind="stable")
    taken = np.zeros(n_families, dtype=bool)
    left = capacity.copy()
    total, count = 0.0, 0
    fam = edges.family[order].tolist()
    vol = edges.volunteer[order].tolist()
    scores = edges.score[order].tolist()
    for f, v, s in zip(fam, vol, scores, strict=True):
        if not taken[f] and left[v] > 0:
            taken[f] = True
            left[v] -= 1
            total += s
            count += 1
    return total, count


def dense_optimum(edges, n_families: int, capacity: np.ndarray) -> tuple[float, int]:
    """``linear_sum_assignment`` on a dense families × volunteer-seats matrix."""
    from scipy.optimize import linear_sum_assignment

    seats = np.repeat(np.arange(len(capacity)), capacity)
    first_seat = np.cumsum(capacity) - capacity
    matrix = np.zeros((n_families, len(seats)))
    for k in range(int(capacity.max(initial=0))):
        has = capacity[edges.volunteer] > k
        matrix[edges.family[has], first_seat[edges.volunteer[has]] + k] = edges.score[has]
    rows, cols = linear_sum_assignment(matrix, maximize=True)
    chosen = matrix[rows, cols]
    return float(chosen.sum()), int((chosen > 0).sum())


# ---------------------------------------------------------------- one size


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _private_mib() -> float:
    """This process's private memory (pages not shared with its parent), from smaps."""
    try:
        text = Path("/proc/self/smaps_rollup").read_text()
    except OSError:
        return float("nan")
    kib = sum(int(line.split()[1]) for line in text.splitlines()
              if line.startswith(("Private_Clean:", "Private_Dirty:")))
    return kib / 1024


WORKER_PRIVATE_MIB: list[float] = []


def _watch_workers() -> None:
    """Record the private memory of each worker process at the end of its task: a worker
    is forked, so most of its resident pages are the parent's, shared; only its private
    pages add to the machine's memory. (Wraps the engine's fork_map for the benchmark.)"""
    import tempfile

    from voisins.matching import assignment, parallel, search

    original = parallel.fork_map
    folder = Path(tempfile.mkdtemp(prefix="voisins-bench-"))

    def fork_map(function, tasks):
        parent = os.getpid()

        def measured(task):
            result = function(task)
            if os.getpid() != parent:
                (folder / str(os.getpid())).write_text(str(_private_mib()))
            return result

        results = original(measured, tasks)
        for file in folder.iterdir():
            WORKER_PRIVATE_MIB.append(float(file.read_text()))
            file.unlink()
        return results

    search.fork_map = assignment.fork_map = fork_map


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def describe(families, volunteers, seed: int, sample: int = 400) -> dict:
    """What makes pairs feasible in an instance: for a sample of families, the volunteers
    within reach (distance at most both radii) and the share of those that share a
    language, a need/offer, a time slot, and all three (with capacity > 0)."""
    from voisins.matching import haversine_km

    rng = np.random.default_rng(seed + 7)
    lat = np.array([v.lat for v in volunteers])
    lon = np.array([v.lon for v in volunteers])
    radius = np.array([v.radius_km for v in volunteers])
    within, counts = [], np.zeros(4)
    for i in rng.choice(len(families), size=min(sample, len(families)), replace=False):
        f = families[int(i)]
        d = haversine_km(lat1=f.lat, lon1=f.lon, lat2=lat, lon2=lon)
        near = np.flatnonzero(d <= np.minimum(f.radius_km, radius))
        within.append(len(near))
        for j in near.tolist():
            v = volunteers[j]
            a, b = bool(f.languages & v.languages), bool(f.needs & v.offers)
            c = bool(f.availability & v.availability)
            counts += (a, b, c, a and b and c and v.capacity > 0)
    total = max(1, sum(within))
    return {"within_reach_mean": float(np.mean(within)),
            "within_reach_median": float(np.median(within)),
            "share_language": counts[0] / total, "share_need": counts[1] / total,
            "share_slot": counts[2] / total, "share_feasible": counts[3] / total}


def run_size(size: int, seed: int, suggest_queries: int, verify: bool, geography: str,
             serial: bool, workers: int | None = None) -> dict:
    t = time.perf_counter()
    families, volunteers = generate(size, size, seed, geography)
    generated_s = time.perf_counter() - t
    rss_instance = _rss_mib()

    _watch_workers()
    # Warm-up on a few households: imports and first-call costs are not the engine's
    # steady speed (and the one-process baseline below would get them for free).
    plan(families[:300], volunteers[:300])
    plan(families[:300], volunteers[:300], workers=2)
    WORKER_PRIVATE_MIB.clear()
    load_before = os.getloadavg()[0]
    t, c, cc = time.perf_counter(), time.process_time(), _children_cpu()
    result = plan(families, volunteers, workers=workers)
    total_s, total_cpu = time.perf_counter() - t, time.process_time() - c
    children_cpu = _children_cpu() - cc
    rss_peak = _rss_mib()
    out = {
        "size": size,
        "geography": geography,
        "workers": "auto" if workers is None else workers,
        "generate_s": generated_s,
        "end_to_end_s": total_s,
        "end_to_end_cpu_s": total_cpu,
        "workers_cpu_s": children_cpu,
        "load_average": os.getloadavg()[0],
        "load_average_before": load_before,
        **{f"{k}_s": v for k, v in result.timings.items()},
        "rss_instance_mib": rss_instance,
        "rss_peak_mib": rss_peak,
        "workers_rss_peak_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "workers_private_peak_mib": max(WORKER_PRIVATE_MIB, default=0.0),
        "feasible_pairs": result.feasible_pairs,
        "candidate_pairs": result.candidate_pairs,
        "matched": len(result.proposals),
        "total_score": result.total_score,
    }
    if serial:
        # Baseline in the same process: everything in this one process (workers=1).
        t, c = time.perf_counter(), time.process_time()
        one = plan(families, volunteers, workers=1)
        out.update(serial_s=time.perf_counter() - t, serial_cpu_s=time.process_time() - c,
                   serial_total=one.total_score,
                   serial_same=[(p.family_id, p.volunteer_id) for p in one.proposals]
                   == [(p.family_id, p.volunteer_id) for p in result.proposals])
    out.update(describe(families, volunteers, seed))

    # Baselines on the same instance, with the same index and candidate pairs.
    index = VolunteerIndex(volunteers)
    from voisins.matching.weights import DEFAULT_WEIGHTS

    capacity = np.array([v.capacity for v in volunteers], dtype=np.int64)
    capped = index.edges(families, weights=DEFAULT_WEIGHTS, max_candidates=50)
    t = time.perf_counter()
    g_total, g_count = greedy(capped, len(families), capacity)
    out.update(greedy_total=g_total, greedy_matched=g_count,
               greedy_s=time.perf_counter() - t)
    if size <= 5000:
        every = index.edges(families, weights=DEFAULT_WEIGHTS)
        t = time.perf_counter()
        d_total, d_count = dense_optimum(every, len(families), capacity)
        out.update(dense_total=d_total, dense_matched=d_count,
                   dense_s=time.perf_counter() - t)
    if verify:
        # Check every proposal against the scalar rules (slow at 100k, so optional).
        vol = {v.id: v for v in volunteers}
        fam = {f.id: f for f in families}
        for p in result.proposals:
            f, v = fam[p.family_id], vol[p.volunteer_id]
            assert feasible(f, v) and abs(score(f, v) - p.score) < 1e-9

    if suggest_queries:
        rng = np.random.default_rng(seed + 1)
        picks = rng.choice(len(families), size=min(suggest_queries, len(families)),
                           replace=False)
        index.suggest(families[int(picks[0])], k=10)  # warm-up
        times = []
        for i in picks:
            t = time.perf_counter()
            index.suggest(families[int(i)], k=10)
            times.append(time.perf_counter() - t)
        times.sort()
        out.update(
            suggest_queries=len(times),
            suggest_median_ms=statistics.median(times) * 1000,
            suggest_p99_ms=times[min(len(times) - 1, int(0.99 * len(times)))] * 1000,
        )
    return out


def run_cap(size: int, seed: int, geography: str) -> dict:
    families, volunteers = generate(size, size, seed, geography)
    capped = plan(families, volunteers, max_candidates=50)
    uncapped = plan(families, volunteers, max_candidates=None)
    return {
        "size": size,
        "geography": geography,
        "capped_total": capped.total_score,
        "uncapped_total": uncapped.total_score,
        "capped_pairs": capped.candidate_pairs,
        "uncapped_pairs": uncapped.candidate_pairs,
        "capped_solve_s": capped.timings["solve"],
        "uncapped_solve_s": uncapped.timings["solve"],
        "capped_matched": len(capped.proposals),
        "uncapped_matched": len(uncapped.proposals),
        "loss_pct": 100 * (uncapped.total_score - capped.total_score) / uncapped.total_score,
    }


# ---------------------------------------------------------------- report


def machine() -> dict:
    import ortools
    import scipy

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kib = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text()
                       .splitlines() if line.startswith("MemTotal"))
    except (OSError, StopIteration):
        mem_kib = 0
    return {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="minutes"),
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram_gib": round(mem_kib / 1024**2, 1),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "ortools": ortools.__version__,
    }


def _child(args: list[str]) -> dict:
    output = subprocess.run([sys.executable, __file__, *args], check=True,
                            capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def print_size(r: dict) -> None:
    print(f"\n== {r['size']:,} families x {r['size']:,} volunteers, {r['geography']} geography, "
          f"workers {r['workers']}")
    print(f"  households within reach of a family: mean {r['within_reach_mean']:.0f}, median "
          f"{r['within_reach_median']:.0f}; of those {r['share_language']:.0%} share a "
          f"language, {r['share_need']:.0%} a need/offer, {r['share_slot']:.0%} a slot, "
          f"{r['share_feasible']:.0%} all three")
    print(f"  end to end {r['end_to_end_s']:.2f} s wall = index {r['index_s']:.2f} + search and "
          f"scoring {r['search_s']:.2f} + solve {r['solve_s']:.2f} + reasons "
          f"{r['reasons_s']:.2f}   (instance generated in {r['generate_s']:.1f} s)")
    print(f"  end to end {r['end_to_end_cpu_s']:.2f} s CPU in this process = index "
          f"{r['index_cpu_s']:.2f} + search and scoring {r['search_cpu_s']:.2f} + solve "
          f"{r['solve_cpu_s']:.2f} + reasons {r['reasons_cpu_s']:.2f}, plus "
          f"{r['workers_cpu_s']:.2f} s CPU in the worker   (1-min load average "
          f"{r['load_average_before']:.1f} before, {r['load_average']:.1f} after)")
    if "serial_s" in r:
        print(f"  baseline in one process (workers=1): {r['serial_s']:.2f} s wall, "
              f"{r['serial_cpu_s']:.2f} s CPU -> speed-up {r['serial_s'] / r['end_to_end_s']:.2f}"
              f"; same proposals: {r['serial_same']} (total {r['serial_total']:,.3f})")
    print(f"  peak RSS {r['rss_peak_mib']:.0f} MiB (instance alone {r['rss_instance_mib']:.0f} "
          f"MiB); worker {r['workers_rss_peak_mib']:.0f} MiB resident, of which "
          f"{r['workers_private_peak_mib']:.0f} MiB its own (the rest shared with this "
          f"process)")
    print(f"  feasible pairs {r['feasible_pairs']:,} ({r['feasible_pairs'] / r['size']:.1f} per "
          f"family), kept for the solver (K=50) {r['candidate_pairs']:,}")
    print(f"  matched {r['matched']:,} families, total score {r['total_score']:,.3f}")
    print(f"  greedy: total {r['greedy_total']:,.3f}, matched {r['greedy_matched']:,}  ->  "
          f"optimum/greedy score {r['total_score'] / r['greedy_total']:.4f}, matched "
          f"{r['matched'] / r['greedy_matched']:.4f}")
    if "dense_total" in r:
        print(f"  dense linear_sum_assignment (all feasible pairs): total "
              f"{r['dense_total']:,.3f}, matched {r['dense_matched']:,}, "
              f"{r['dense_s']:.2f} s  ->  optimum/dense {r['total_score'] / r['dense_total']:.9f}")
    if "suggest_median_ms" in r:
        print(f"  suggest among {r['size']:,} volunteers ({r['suggest_queries']} families): "
              f"median {r['suggest_median_ms']:.2f} ms, p99 {r['suggest_p99_ms']:.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000],
                        help="families = volunteers per size (default: 1000 10000 100000)")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--cap-size", type=int, default=20000,
                        help="size on which to compare K=50 with uncapped (0: skip)")
    parser.add_argument("--suggest-queries", type=int, default=300)
    parser.add_argument("--verify", action="store_true",
                        help="check every proposal against the scalar rules")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--geographies", nargs="+", choices=GENERATORS, default=list(GENERATORS),
                        help="instance generators to run (default: national dense)")
    parser.add_argument("--no-serial", action="store_true",
                        help="skip the one-process baseline")
    parser.add_argument("--workers", type=int, default=None,
                        help="processes for the main run (default: the engine chooses: two "
                             "when a core is free)")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--cap-only", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--geography", choices=GENERATORS, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.one is not None:
        last = args.one == max(args.sizes)
        print(json.dumps(run_size(args.one, args.seed, args.suggest_queries if last else 0,
                                  args.verify, args.geography, not args.no_serial,
                                  args.workers)))
        return
    if args.cap_only is not None:
        print(json.dumps(run_cap(args.cap_only, args.seed, args.geography)))
        return

    info = machine()
    print(f"{info['date']}  {info['nproc']} x {info['cpu']}, {info['ram_gib']} GiB RAM; "
          f"Python {info['python']}, numpy {info['numpy']}, scipy {info['scipy']}, "
          f"OR-Tools {info['ortools']}; seed {args.seed}")
    results = {"machine": info, "sizes": [], "cap": []}
    for geography in args.geographies:
        for size in args.sizes:
            extra = ["--verify"] if args.verify else []
            extra += ["--no-serial"] if args.no_serial else []
            extra += ["--workers", str(args.workers)] if args.workers else []
            r = _child(["--one", str(size), "--sizes", *map(str, args.sizes), "--seed",
                        str(args.seed), "--suggest-queries", str(args.suggest_queries),
                        "--geography", geography, *extra])
            results["sizes"].append(r)
            print_size(r)
    for geography in args.geographies if args.cap_size else ():
        c = _child(["--cap-only", str(args.cap_size), "--seed", str(args.seed),
                    "--geography", geography])
        results["cap"].append(c)
        print(f"\n== cost of keeping {50} candidates per family, {c['size']:,} x "
              f"{c['size']:,}, {geography} geography")
        print(f"  uncapped: total {c['uncapped_total']:,.3f} on {c['uncapped_pairs']:,} pairs, "
              f"solve {c['uncapped_solve_s']:.2f} s, matched {c['uncapped_matched']:,}")
        print(f"  K=50:     total {c['capped_total']:,.3f} on {c['capped_pairs']:,} pairs, "
              f"solve {c['capped_solve_s']:.2f} s, matched {c['capped_matched']:,}")
        print(f"  loss {c['uncapped_total'] - c['capped_total']:.6f} points = "
              f"{c['loss_pct']:.6f} % of the total score")
    if args.json:
        print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
