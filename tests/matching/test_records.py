"""Families and volunteers: built by keyword, validated on construction."""

import pytest

from voisins.matching import (
    Family,
    InvalidCoordinateError,
    InvalidFieldError,
    InvalidSlotError,
    Volunteer,
)

from .helpers import make_family, make_volunteer


def test_it_stores_frozensets_from_any_iterable():
    family = make_family(languages=["AR", " en ", "ar"], needs=("homework",),
                         availability=iter(["sat-am"]))
    assert family.languages == frozenset({"ar", "en"})
    assert isinstance(family.needs, frozenset)
    assert family.availability == frozenset({"sat-am"})


def test_it_requires_keyword_construction_so_lat_and_lon_cannot_swap():
    with pytest.raises(TypeError):
        Family("f1", 50.8466, 4.3517, {"fr"}, {"homework"}, {"sat-am"}, 3)  # type: ignore[misc]
    with pytest.raises(TypeError):
        Volunteer("v1", 50.8466, 4.3517, {"fr"}, {"homework"}, {"sat-am"}, 3)  # type: ignore[misc]


@pytest.mark.parametrize("lat", [-90.01, 90.5, float("nan"), float("inf"), "50.8", True])
def test_it_rejects_a_bad_latitude(lat):
    with pytest.raises(InvalidCoordinateError) as error:
        make_family(lat=lat)
    assert error.value.field == "lat"
    assert "family 'f1'" in str(error.value)


@pytest.mark.parametrize("lon", [-180.5, 181, float("nan")])
def test_it_rejects_a_bad_longitude(lon):
    with pytest.raises(InvalidCoordinateError, match="lon"):
        make_volunteer(lon=lon)


def test_it_accepts_the_extreme_coordinates():
    assert make_family(lat=-90, lon=180).lat == -90.0
    assert make_volunteer(lat=90, lon=-180).lon == -180.0


def test_it_rejects_an_unknown_slot_naming_the_field():
    with pytest.raises(InvalidSlotError) as error:
        make_volunteer(availability={"sat-am", "saturday"})
    assert error.value.field == "availability"
    assert "'saturday'" in str(error.value)
    assert isinstance(error.value, ValueError)


def test_it_rejects_a_negative_radius():
    with pytest.raises(InvalidFieldError, match="radius_km"):
        make_family(radius_km=-1)


@pytest.mark.parametrize("capacity", [-1, 1.5, True, "2"])
def test_it_rejects_a_bad_capacity(capacity):
    with pytest.raises(InvalidFieldError, match="capacity"):
        make_volunteer(capacity=capacity)


def test_it_accepts_capacity_zero():
    assert make_volunteer(capacity=0).capacity == 0


def test_it_rejects_a_single_string_as_a_set_of_codes():
    with pytest.raises(InvalidFieldError, match="languages"):
        make_family(languages="fr")


def test_it_rejects_empty_codes():
    with pytest.raises(InvalidFieldError, match="offers"):
        make_volunteer(offers={"homework", ""})


@pytest.mark.parametrize("ages", [[-1], [26], [3.5], "12"])
def test_it_rejects_bad_children_ages(ages):
    with pytest.raises(InvalidFieldError, match="children_ages"):
        make_family(children_ages=ages)


def test_it_sorts_children_ages():
    assert make_volunteer(children_ages=[9, 4, 9]).children_ages == (4, 9, 9)


def test_it_adds_mother_tongues_to_languages():
    family = make_family(languages={"en"}, mother_tongues={"prs"})
    assert family.languages == {"en", "prs"}
    assert family.mother_tongues == {"prs"}


def test_it_rejects_a_priority_for_a_need_the_family_does_not_have():
    with pytest.raises(InvalidFieldError, match="need_priorities"):
        make_family(needs={"homework"}, need_priorities={"transport": 2})


@pytest.mark.parametrize("priority", [0, 4, 2.0, True])
def test_it_rejects_a_priority_outside_one_to_three(priority):
    with pytest.raises(InvalidFieldError, match="need_priorities"):
        make_family(needs={"homework"}, need_priorities={"homework": priority})


def test_it_gives_priority_one_to_needs_without_one():
    family = make_family(needs={"homework", "transport"}, need_priorities={"homework": 3})
    assert family.priority("homework") == 3
    assert family.priority("transport") == 1


def test_it_rejects_a_bad_id():
    with pytest.raises(InvalidFieldError, match="id"):
        make_family(id=None)
    with pytest.raises(InvalidFieldError, match="id"):
        make_volunteer(id=1.5)


def test_records_are_frozen_and_hashable():
    family = make_family(need_priorities={"homework": 2})
    with pytest.raises(AttributeError):
        family.lat = 0  # type: ignore[misc]
    assert hash(family) == hash(make_family(need_priorities={"homework": 2}))
    assert family == make_family(need_priorities={"homework": 2})
    assert family != make_family(need_priorities={"homework": 3})


def test_it_accepts_numpy_and_decimal_numbers():
    from decimal import Decimal

    import numpy as np

    volunteer = make_volunteer(id=np.int64(7), lat=np.float64(50.85), radius_km=Decimal("2.5"),
                               capacity=np.int64(2), children_ages=[np.int32(4)])
    assert (volunteer.id, volunteer.capacity, volunteer.radius_km) == (7, 2, 2.5)
    assert type(volunteer.id) is int and type(volunteer.capacity) is int


def _contract(cls):
    from dataclasses import MISSING, fields

    def default(f):
        if f.default is not MISSING:
            return f.default
        return "factory" if f.default_factory is not MISSING else None

    return [(f.name, default(f)) for f in fields(cls)]


def test_the_records_keep_the_contracts_field_order_and_defaults():
    from voisins.matching import Proposal

    assert _contract(Family)[:9] == [
        ("id", None), ("lat", None), ("lon", None), ("languages", None), ("needs", None),
        ("availability", None), ("radius_km", None), ("waiting_days", 0),
        ("children_ages", ()),
    ]
    assert _contract(Volunteer)[:9] == [
        ("id", None), ("lat", None), ("lon", None), ("languages", None), ("offers", None),
        ("availability", None), ("radius_km", None), ("capacity", 1), ("children_ages", ()),
    ]
    assert [name for name, _ in _contract(Proposal)] == [
        "family_id", "volunteer_id", "score", "distance_km", "reasons"]
    # Fields added since the contract all have defaults.
    assert all(default is not None for _, default in _contract(Family)[9:])
    assert all(default is not None for _, default in _contract(Volunteer)[9:])
