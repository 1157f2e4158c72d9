"""TEMPORARY, TESTS ONLY: a stand-in for ``voisins.matching`` while the real engine is not
yet merged into this branch. It follows the engine's contract (DESIGN.md) just enough for
the Django side's tests: keyword-built records, feasibility, a greedy proposal, reasons
with ``.code``/``.params``. Delete this file once ``voisins/matching`` is on main; the
fixture in test_matching_run.py uses the real engine whenever it is importable.
"""

import math
import types
from dataclasses import dataclass, field


class Reason(str):
    def __new__(cls, text, *, code, params=None):
        reason = super().__new__(cls, text)
        reason.code, reason.params = code, dict(params or {})
        return reason


@dataclass(frozen=True, kw_only=True)
class Family:
    id: object
    lat: float
    lon: float
    languages: frozenset
    needs: frozenset
    availability: frozenset
    radius_km: float
    waiting_days: int = 0
    children_ages: tuple = ()
    need_priorities: dict = field(default_factory=dict, hash=False)
    mother_tongues: frozenset = frozenset()


@dataclass(frozen=True, kw_only=True)
class Volunteer:
    id: object
    lat: float
    lon: float
    languages: frozenset
    offers: frozenset
    availability: frozenset
    radius_km: float
    capacity: int = 1
    children_ages: tuple = ()
    mother_tongues: frozenset = frozenset()


@dataclass(frozen=True, kw_only=True)
class Proposal:
    family_id: object
    volunteer_id: object
    score: float
    distance_km: float
    reasons: tuple = ()


class Weights:
    @classmethod
    def from_dict(cls, data):
        return cls()


def _km(a, b):
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def _pair(f, v, exclude):
    d = _km(f, v)
    if (f.id, v.id) in exclude or d > min(f.radius_km, v.radius_km):
        return None
    needs = set(f.needs) & set(v.offers)
    if not (set(f.languages) & set(v.languages) and needs and
            set(f.availability) & set(v.availability)):
        return None
    score = 1 + len(needs) + 1 / (1 + d)
    reasons = (Reason(f"{d:.1f} km apart", code="distance",
                      params={"km": round(d, 1), "walking": d <= 1}),
               *(Reason(f"offers {n}", code="need",
                        params={"need": n, "priority": f.need_priorities.get(n, 1)})
                 for n in sorted(needs)))
    return Proposal(family_id=f.id, volunteer_id=v.id, score=score, distance_km=d,
                    reasons=reasons)


def suggest(family, volunteers, k=10, exclude=(), *, weights=None):
    found = [p for v in volunteers if (p := _pair(family, v, set(exclude)))]
    return sorted(found, key=lambda p: -p.score)[:k]


def propose(families, volunteers, exclude=(), *, weights=None, max_candidates=50):
    volunteers = list(volunteers)
    room = {v.id: v.capacity for v in volunteers}
    pairs = sorted((p for f in families for v in volunteers
                    if (p := _pair(f, v, set(exclude)))), key=lambda p: -p.score)
    chosen, placed = [], set()
    for p in pairs:
        if p.family_id not in placed and room[p.volunteer_id] > 0:
            chosen.append(p)
            placed.add(p.family_id)
            room[p.volunteer_id] -= 1
    return chosen


module = types.ModuleType("voisins.matching")
module.__dict__.update(Family=Family, Volunteer=Volunteer, Proposal=Proposal, Reason=Reason,
                       Weights=Weights, suggest=suggest, propose=propose)
