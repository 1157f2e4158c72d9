"""Whom to recruit, where: the volunteer households whose absence keeps families waiting.

A *recruit* is a hypothetical volunteer household living at the centre of an area (a
postcode's centroid), speaking one language, free at one time slot, offering one service,
with a given radius. A family *would become matchable* with it exactly when
:func:`~voisins.matching.feasible` says so for that recruit. :func:`recruitment_gaps`
finds, among all areas where waiting families live and all profiles (language × slot ×
service) they ask for, the recruits that would make the most families matchable, each
with those families.

Examples
--------
>>> from voisins.matching import Family, Point
>>> families = [Family(id=i, lat=50.85, lon=4.35, languages={"prs"}, needs={"homework"},
...                    availability={"sun-pm"}, radius_km=2) for i in (1, 2)]
>>> [gap] = recruitment_gaps(families, {1: "1030", 2: "1030"},
...                          {"1030": Point(lat=50.85, lon=4.35)}, radius_km=3)
>>> gap.area, gap.language, gap.slot, gap.need, gap.family_ids
('1030', 'prs', 'sun-pm', 'homework', (1, 2))
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from .errors import InvalidFieldError
from .geo import EARTH_RADIUS_KM, HasPosition, haversine_prepared, prepare
from .model import SLOT_BITS, Family, Volunteer
from .search import id_sort_key

KM_PER_DEGREE = math.pi * EARTH_RADIUS_KM / 180.0

PROFILES_PER_AREA = 10
"""How many of each area's best profiles are kept before the areas are compared."""


@dataclass(frozen=True, kw_only=True)
class Gap:
    """A household worth recruiting, and the families it would make matchable.

    Parameters
    ----------
    area : str or int
        The caller's key of the area (a postcode…), where the recruit would live.
    lat, lon : float
        The area's point.
    language, slot, need : str
        What the recruit would speak, when it would be free, what it would offer.
    radius_km : float
        How far it would go.
    family_ids : tuple
        The families that would become matchable, sorted by id.
    """

    area: Hashable
    lat: float
    lon: float
    language: str
    slot: str
    need: str
    radius_km: float
    family_ids: tuple[Hashable, ...]

    def recruit(self, id: Hashable = "recruit") -> Volunteer:  # the field's name
        """The recruit as a :class:`Volunteer` (to check a claim with ``feasible``)."""
        return Volunteer(id=id, lat=self.lat, lon=self.lon, languages={self.language},
                         offers={self.need}, availability={self.slot},
                         radius_km=self.radius_km)


def recruitment_gaps(families: Iterable[Family], area_of: Mapping[Hashable, Hashable],
                     points: Mapping[Hashable, HasPosition], *, radius_km: float,
                     limit: int = 20) -> list[Gap]:
    """The recruits that would make the most waiting families matchable.

    Parameters
    ----------
    families : iterable of Family
        The families to help (those a batch could not propose, say).
    area_of : mapping of family id to area key
        Where each family lives; the areas of the families are the candidate places.
        A family without an area is still counted for the areas that reach it.
    points : mapping of area key to a point (``lat``, ``lon``)
        Each area's centre.
    radius_km : float
        The recruit's radius (the programme's usual one), ``> 0``.
    limit : int, default 20
        How many gaps to return at most.

    Returns
    -------
    list of Gap
        Chosen greedily: first the recruit that makes the most families matchable, then
        each time the one that makes the most *other* families matchable (ties: most
        families in all, then area, language, slot, need), until no recruit adds a
        family or ``limit`` is reached. Each gap lists every family it would make
        matchable, so a family may appear in several. Each area offers its
        :data:`PROFILES_PER_AREA` best profiles.

    Raises
    ------
    InvalidFieldError
        ``radius_km`` not a positive number, ``limit`` not a positive integer, or an
        area of ``area_of`` without a point.

    Notes
    -----
    With ``n`` families, ``a`` areas and ``p`` profiles (language × slot × need) asked
    for in all: ``O(a · n)`` distances, and for each area a count over the profiles of
    the families it reaches (``O(a · (m + p))`` for ``m`` such profile entries).
    """
    if isinstance(radius_km, bool) or not isinstance(radius_km, (int, float)) or \
            not radius_km > 0:
        raise InvalidFieldError("radius_km", f"must be a number > 0, got {radius_km!r}",
                                value=radius_km)
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise InvalidFieldError("limit", f"must be an integer >= 1, got {limit!r}", value=limit)
    families = list(families)
    areas = sorted({area_of[f.id] for f in families if f.id in area_of}, key=id_sort_key)
    missing = [a for a in areas if a not in points]
    if missing:
        raise InvalidFieldError("points", "areas without a point", value=missing)
    if not families or not areas:
        return []
    languages = sorted({c for f in families for c in f.languages})
    slots = sorted({s for f in families for s in f.availability}, key=SLOT_BITS.__getitem__)
    needs = sorted({n for f in families for n in f.needs})
    lang_i = {c: i for i, c in enumerate(languages)}
    slot_i = {s: i for i, s in enumerate(slots)}
    need_i = {n: i for i, n in enumerate(needs)}
    n_slots, n_needs = len(slots), len(needs)
    # Every profile each family asks for, as one integer, in one flat array (CSR).
    codes, starts = [], [0]
    for f in families:
        mine = [(lang_i[c] * n_slots + slot_i[s]) * n_needs + need_i[n]
                for c in f.languages for s in f.availability for n in f.needs]
        codes.extend(mine)
        starts.append(starts[-1] + len(mine))
    code = np.array(codes, dtype=np.int64)
    start = np.array(starts, dtype=np.int64)
    n_profiles = len(languages) * n_slots * n_needs
    # Families sorted by latitude: an area looks only at the band its radius can reach
    # (a degree of latitude is the same length everywhere).
    lats = np.array([f.lat for f in families], dtype=np.float64)
    by_lat = np.argsort(lats, kind="stable")
    sorted_lats = lats[by_lat]
    fphi, flmb, fcos = prepare(lats, [f.lon for f in families])
    reach = np.minimum(np.array([f.radius_km for f in families]), float(radius_km))
    span = float(radius_km) / KM_PER_DEGREE + 1e-9
    best: list[tuple[int, Hashable, int, np.ndarray]] = []
    for area in areas:
        point = points[area]
        band = by_lat[np.searchsorted(sorted_lats, point.lat - span, side="left"):
                      np.searchsorted(sorted_lats, point.lat + span, side="right")]
        aphi, almb, acos = prepare([point.lat], [point.lon])
        d = haversine_prepared(aphi, almb, acos, fphi[band], flmb[band], fcos[band])
        near = np.sort(band[d <= reach[band]])
        if not len(near):
            continue
        lengths = start[near + 1] - start[near]
        offsets = np.repeat(start[near] - np.cumsum(lengths) + lengths, lengths)
        entries = offsets + np.arange(int(lengths.sum()))
        owner = np.repeat(near, lengths)
        asked = code[entries]
        tally = np.bincount(asked, minlength=n_profiles)
        top = np.argsort(-tally, kind="stable")[:PROFILES_PER_AREA]
        for profile in top.tolist():
            if tally[profile]:
                # Ascending and distinct already: ``near`` is sorted, and a family asks
                # for each profile once.
                members = owner[asked == profile]
                best.append((int(tally[profile]), area, profile, members))
    best.sort(key=lambda b: (-b[0], id_sort_key(b[1]), b[2]))
    gaps = []
    covered = np.zeros(len(families), dtype=bool)
    for area, profile, members in _greedy(best, covered, limit):
        rest, need = divmod(profile, n_needs)
        language, slot = divmod(rest, n_slots)
        point = points[area]
        gaps.append(Gap(area=area, lat=float(point.lat), lon=float(point.lon),
                        language=languages[language], slot=slots[slot], need=needs[need],
                        radius_km=float(radius_km),
                        family_ids=tuple(sorted((families[i].id for i in members.tolist()),
                                                key=id_sort_key))))
    return gaps


def _greedy(best: list[tuple[int, Hashable, int, np.ndarray]], covered: np.ndarray,
            limit: int) -> list[tuple[Hashable, int, np.ndarray]]:
    """The candidates of ``best`` chosen one at a time, each the one that covers most
    families not yet ``covered`` (ties: the first in ``best``), until none covers another
    or ``limit`` are chosen; ``covered`` is updated.

    A candidate covers no more families after another was chosen, so its last count is a
    bound: only the candidates whose bound could still win are counted again ("lazy"
    greedy, the same choices as counting every candidate at every step; checked against
    that in the tests).
    """
    heap = [(-int(b[0]), i) for i, b in enumerate(best)]  # (minus the bound, position)
    heapq.heapify(heap)
    chosen: list[tuple[Hashable, int, np.ndarray]] = []
    while heap and len(chosen) < limit:
        _bound, i = heapq.heappop(heap)
        gain = int(np.count_nonzero(~covered[best[i][3]]))
        if heap and (-gain, i) > heap[0]:
            heapq.heappush(heap, (-gain, i))  # another may cover more: count it first
            continue
        if gain == 0:
            break
        _count, area, profile, members = best[i]
        covered[members] = True
        chosen.append((area, profile, members))
    return chosen


def _greedy_plain(best: list[tuple[int, Hashable, int, np.ndarray]], covered: np.ndarray,
                  limit: int) -> list[tuple[Hashable, int, np.ndarray]]:
    """:func:`_greedy` counting every candidate at every step (to check it against)."""
    best = list(best)
    chosen: list[tuple[Hashable, int, np.ndarray]] = []
    while best and len(chosen) < limit:
        gains = [int((~covered[members]).sum()) for _c, _a, _p, members in best]
        pick = max(range(len(best)), key=lambda i: (gains[i], -i))
        if gains[pick] == 0:
            break
        _count, area, profile, members = best.pop(pick)
        covered[members] = True
        chosen.append((area, profile, members))
    return chosen
