import math

import pytest
from django.core.exceptions import ValidationError

from voisins.households.services import family_create
from voisins.places import coarsen, geocode_postcode

from .conftest import family_data


def km(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


@pytest.mark.parametrize(
    ("postcode", "lat", "lon", "tolerance_km"),
    [
        ("1000", 50.8466, 4.3517, 2),  # Bruxelles, Grand-Place
        ("1030", 50.8677, 4.3774, 2),  # Schaerbeek town hall
        ("4000", 50.6326, 5.5797, 5),  # Liège, place Saint-Lambert
    ],
)
def test_it_places_known_postcodes_near_their_centre(postcode, lat, lon, tolerance_km):
    place = geocode_postcode("BE", postcode)
    assert km(place.lat, place.lon, lat, lon) < tolerance_km
    assert (place.lat, place.lon) != (0, 0)


def test_it_accepts_spaces_around_a_postcode():
    assert geocode_postcode("BE", " 10 30 ").postcode == "1030"


@pytest.mark.parametrize("postcode", ["9999", "0000", "ABCD", "", "1000000", "١٠٠٠"])
def test_it_rejects_an_unknown_postcode_naming_it(postcode):
    with pytest.raises(ValidationError) as exc:
        geocode_postcode("BE", postcode)
    assert "postcode" in exc.value.message_dict
    assert postcode.strip() in exc.value.message_dict["postcode"][0]


def test_it_rejects_an_unknown_country():
    with pytest.raises(ValidationError):
        geocode_postcode("ZZ", "1000")


def test_coarsening_keeps_a_pin_within_about_100_m():
    lat, lon = 50.846557, 4.351697
    c_lat, c_lon = coarsen(lat, lon)
    assert km(lat, lon, c_lat, c_lon) < 0.08
    assert c_lat == round(c_lat, 3) and c_lon == round(c_lon, 3)


def test_a_household_is_placed_at_its_postcode(north):
    family = family_create(programme=north, **family_data(postcode="1050"))
    assert family.locality == "Ixelles"
    assert km(family.lat, family.lon, 50.8223, 4.3816) < 0.5
    assert family.pinned is False


def test_a_pinned_household_is_stored_coarsened(north):
    family = family_create(programme=north, pin=(50.8512345, 4.3687654), **family_data())
    assert (family.lat, family.lon) == (50.851, 4.369)
    assert family.pinned is True


def test_creating_a_household_with_an_unknown_postcode_writes_nothing(north):
    from voisins.households.models import FamilyHousehold

    with pytest.raises(ValidationError) as exc:
        family_create(programme=north, **family_data(postcode="9999"))
    assert "9999" in str(exc.value.message_dict["postcode"])
    assert FamilyHousehold.objects.count() == 0
