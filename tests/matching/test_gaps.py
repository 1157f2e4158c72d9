"""Whom to recruit where: every claimed family is matchable with the recruit (and no
other is), and the first gap is the best of all areas and profiles (brute force)."""

from __future__ import annotations

import itertools
from collections import Counter

import pytest

from voisins.matching import Point, distance_km, feasible
from voisins.matching.errors import InvalidFieldError
from voisins.matching.gaps import recruitment_gaps

from .helpers import make_family, random_instance

EAST_1KM = 1 / (111.2 * 0.631)


def test_two_dari_families_on_sunday_afternoons_make_one_recruit():
    families = [make_family(i, languages=("prs",), availability=("sun-pm",), radius_km=2)
                for i in (1, 2)]
    families.append(make_family(3, lon=4.3517 + 20 * EAST_1KM, languages=("ti",)))
    area_of = {1: "1030", 2: "1030", 3: "1140"}
    points = {"1030": Point(lat=50.8466, lon=4.3517),
              "1140": Point(lat=50.8466, lon=4.3517 + 20 * EAST_1KM)}
    gaps = recruitment_gaps(families, area_of, points, radius_km=3)
    first = gaps[0]
    assert (first.area, first.language, first.slot, first.family_ids) == (
        "1030", "prs", "sun-pm", (1, 2))
    assert any(g.area == "1140" and g.family_ids == (3,) for g in gaps)


def test_it_refuses_a_radius_that_is_not_positive_and_an_area_without_a_point():
    with pytest.raises(InvalidFieldError, match="radius_km"):
        recruitment_gaps([make_family(1)], {1: "x"}, {"x": Point(lat=50.8, lon=4.3)},
                         radius_km=0)
    with pytest.raises(InvalidFieldError, match="points"):
        recruitment_gaps([make_family(1)], {1: "x"}, {}, radius_km=3)


@pytest.mark.parametrize("seed", range(6))
def test_on_random_waiting_lists_each_gap_is_exact_and_the_first_is_the_best(seed):
    families, _volunteers = random_instance(seed, 60, 1, spread_km=8.0)
    # Areas: the families' own homes rounded to a grid of about a kilometre.
    area_of = {f.id: (round(f.lat, 2), round(f.lon, 2)) for f in families}
    points = {a: Point(lat=a[0], lon=a[1]) for a in set(area_of.values())}
    gaps = recruitment_gaps(families, area_of, points, radius_km=3, limit=50)
    assert gaps
    for gap in gaps:
        recruit = gap.recruit()
        matchable = tuple(sorted(f.id for f in families if feasible(f, recruit)))
        assert gap.family_ids == matchable
    # Each gap after the first adds families that no earlier one helps.
    seen: set = set()
    for gap in gaps:
        assert set(gap.family_ids) - seen
        seen |= set(gap.family_ids)
    # Brute force by sets and the scalar distance: the most families any (area, profile)
    # reaches.
    brute = 0
    for point in points.values():
        near = [f for f in families if distance_km(f, point) <= min(f.radius_km, 3)]
        tally = Counter(combo for f in near for combo in itertools.product(
            f.languages, f.availability, f.needs))
        brute = max(brute, max(tally.values(), default=0))
    assert len(gaps[0].family_ids) == brute
