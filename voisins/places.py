"""Postcode → centroid, offline, from the countrystatecity-postal-codes package; a Belgian
postcode is named after its municipality (Statbel's table,
households/data/be_postcodes.csv: the package names some after a sub-locality, 4000 "Glain"
for Liège).

We never store a street address for matching: a postcode centroid, or a point that a
coordinator pins, rounded to about 100 m (see `coarsen`).
"""

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from countrystatecity_postal_codes import get_countries_with_postal_data, get_postcodes_of_country
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Place:
    postcode: str
    locality: str
    lat: float
    lon: float


def normalise_postcode(postcode: object) -> str:
    """Postcodes are compared without spaces and in upper case ("1000", "SW1A1AA")."""
    return "".join(str(postcode).split()).upper()


# The table sits with the households migration that reads it too.
MUNICIPALITIES_CSV = Path(__file__).resolve().parent / "households" / "data" / "be_postcodes.csv"


@lru_cache(maxsize=1)
def belgian_municipalities() -> dict[str, str]:
    """Belgian postcode → the name of its municipality (data/README.md says whence)."""
    with open(MUNICIPALITIES_CSV, encoding="utf-8", newline="") as f:
        return {row["postcode"]: row["name"] for row in csv.DictReader(f)}


@lru_cache(maxsize=8)
def _country_index(country: str) -> dict[str, Place]:
    """All postcodes of a country with coordinates; several localities share a centroid mean."""
    grouped: dict[str, list] = {}
    for entry in get_postcodes_of_country(country):
        if entry.latitude is None or entry.longitude is None:
            continue
        grouped.setdefault(normalise_postcode(entry.code), []).append(entry)
    index = {}
    names = belgian_municipalities() if country.upper() == "BE" else {}
    for code, entries in grouped.items():
        lat = sum(e.latitude for e in entries) / len(entries)
        lon = sum(e.longitude for e in entries) / len(entries)
        index[code] = Place(code, names.get(code) or entries[0].localityName or code, lat, lon)
    return index


@lru_cache(maxsize=1)
def _countries() -> frozenset[str]:
    return frozenset(c.countryCode.upper() for c in get_countries_with_postal_data())


def country_has_postcodes(country: str) -> bool:
    return (country or "").upper() in _countries()


def find_postcode(country: str, postcode: object) -> Place | None:
    """The place of a postcode, or None when the country has no such postcode."""
    if not country_has_postcodes(country):
        return None
    return _country_index(country.upper()).get(normalise_postcode(postcode))


def geocode_postcode(country: str, postcode: object) -> Place:
    """The centroid of `postcode` in `country`.

    Raises
    ------
    ValidationError
        On the field ``postcode``, naming the postcode, when it is unknown. Never returns
        a point at (0, 0).
    """
    place = find_postcode(country, postcode)
    if place is None:
        raise ValidationError(
            {"postcode": _("Unknown postcode “%(postcode)s” for %(country)s.")
             % {"postcode": str(postcode).strip(), "country": country}}
        )
    return place


def coarsen(lat: float, lon: float) -> tuple[float, float]:
    """Round a pinned point to about 100 m (3 decimals: 111 m north–south, ~70 m east–west
    in Belgium), so that a stored pin never gives away a front door."""
    return round(lat, 3), round(lon, 3)
