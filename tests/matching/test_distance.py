"""Great-circle distances."""

import math

import pytest

from voisins.matching import EARTH_RADIUS_KM, Point, distance_km, haversine_km

BRUSSELS = Point(lat=50.8466, lon=4.3517)
LIEGE = Point(lat=50.6326, lon=5.5797)


def test_it_knows_the_distance_from_brussels_to_liege():
    # Great-circle distance between the two city centres: 89.6 km (~89 km by any
    # online calculator on a spherical Earth).
    assert distance_km(BRUSSELS, LIEGE) == pytest.approx(89.6, abs=0.1)


def test_it_is_symmetric_and_zero_on_the_same_point():
    assert distance_km(BRUSSELS, LIEGE) == distance_km(LIEGE, BRUSSELS)
    assert distance_km(BRUSSELS, BRUSSELS) == 0.0


def test_it_handles_the_antimeridian_and_the_poles():
    east = Point(lat=0.0, lon=179.5)
    west = Point(lat=0.0, lon=-179.5)
    assert distance_km(east, west) == pytest.approx(math.radians(1.0) * EARTH_RADIUS_KM)
    north = Point(lat=90.0, lon=0.0)
    assert distance_km(north, Point(lat=90.0, lon=123.0)) == pytest.approx(0.0, abs=1e-9)
    south = Point(lat=-90.0, lon=0.0)
    assert distance_km(north, south) == pytest.approx(math.pi * EARTH_RADIUS_KM)


def test_the_scalar_and_the_vector_forms_agree():
    d = haversine_km(lat1=[BRUSSELS.lat, 0.0], lon1=[BRUSSELS.lon, 0.0],
                     lat2=[LIEGE.lat, 0.0], lon2=[LIEGE.lon, 1.0])
    assert d[0] == distance_km(BRUSSELS, LIEGE)
    assert d[1] == pytest.approx(111.195, abs=1e-3)


def test_it_takes_keywords_only():
    with pytest.raises(TypeError):
        haversine_km(50.8, 4.3, 50.6, 5.5)  # type: ignore[misc]
    with pytest.raises(TypeError):
        Point(50.8466, 4.3517)  # type: ignore[misc]
