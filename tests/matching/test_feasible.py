"""Hard constraints: who may be proposed to whom."""

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from voisins.matching import EARTH_RADIUS_KM, feasible

from .helpers import families, make_family, make_volunteer, volunteers

# Liège is 89.6 km from Brussels; 0.01 degree of latitude is 1.112 km.
NEAR = 50.8466 + 0.01


def test_it_accepts_a_pair_that_meets_every_constraint():
    assert feasible(make_family(), make_volunteer(lat=NEAR))


def test_it_rejects_a_pair_beyond_the_family_radius():
    assert not feasible(make_family(radius_km=1.0), make_volunteer(lat=NEAR, radius_km=5))


def test_it_rejects_a_pair_beyond_the_volunteer_radius():
    assert not feasible(make_family(radius_km=5), make_volunteer(lat=NEAR, radius_km=1.0))


def test_it_accepts_a_distance_equal_to_both_radii():
    assert feasible(make_family(radius_km=0), make_volunteer(radius_km=0))


def test_it_needs_a_shared_language():
    assert not feasible(make_family(languages={"ar"}), make_volunteer(languages={"fr", "nl"}))


def test_it_needs_a_need_that_the_volunteer_offers():
    assert not feasible(make_family(needs={"transport"}), make_volunteer(offers={"homework"}))


def test_it_needs_a_shared_slot():
    assert not feasible(make_family(availability={"mon-am"}),
                        make_volunteer(availability={"mon-pm"}))


def test_it_rejects_a_volunteer_with_capacity_zero():
    assert not feasible(make_family(), make_volunteer(capacity=0))


def test_it_rejects_an_excluded_pair_only():
    family, volunteer = make_family(), make_volunteer()
    assert not feasible(family, volunteer, [("f1", "v1")])
    assert feasible(family, volunteer, [("f1", "v2"), ("f2", "v1")])
    assert not feasible(family, volunteer, {("f1", "v1")})


def _reference_distance(f, v):
    # Spherical law of haversines written independently, with the math module.
    p1, p2 = math.radians(f.lat), math.radians(v.lat)
    dl = math.radians(v.lon - f.lon)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


@settings(max_examples=150, deadline=None)
@given(families("f1"), volunteers("v1"), st.booleans())
def test_it_is_the_conjunction_of_the_documented_rules(family, volunteer, excluded):
    exclude = [("f1", "v1")] if excluded else []
    d = _reference_distance(family, volunteer)
    limit = min(family.radius_km, volunteer.radius_km)
    if abs(d - limit) < 1e-6:
        return  # too close to the boundary for two formulas to agree
    expected = (
        volunteer.capacity > 0
        and not excluded
        and bool(family.languages & volunteer.languages)
        and bool(family.needs & volunteer.offers)
        and bool(family.availability & volunteer.availability)
        and d <= limit
    )
    assert feasible(family, volunteer, exclude) == expected
