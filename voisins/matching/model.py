"""The engine's inputs and outputs: families, volunteers, proposals and their reasons.

All three records are frozen dataclasses built **by keyword only** (``Family(id=...,
lat=..., lon=...)``): a latitude can never land in the longitude by position. Their field
order is the one of the public contract; fields added since have defaults and come last.
Every value is checked in ``__post_init__`` and a bad one raises an
:class:`~voisins.matching.errors.InvalidFieldError` subclass naming the field and the
record.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from .errors import InvalidCoordinateError, InvalidFieldError, InvalidSlotError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PARTS_OF_DAY = ("am", "pm", "eve")
SLOTS: tuple[str, ...] = tuple(f"{day}-{part}" for day in DAYS for part in PARTS_OF_DAY)
"""The 21 availability slots, ``"mon-am"`` … ``"sun-eve"``, in week order."""

SLOT_BITS: Mapping[str, int] = MappingProxyType({slot: i for i, slot in enumerate(SLOTS)})

MIN_PRIORITY, DEFAULT_PRIORITY, MAX_PRIORITY = 1, 1, 3
MAX_CHILD_AGE = 25
"""Children's ages are whole years from 0 to this (young adults may still live at home)."""


# ---------------------------------------------------------------- validation helpers


def _record(kind: str, id_: Any) -> str:
    return f"{kind} {id_!r}"


def _check_id(id_: Any, record: str) -> Hashable:
    if isinstance(id_, str):
        return id_
    if not _is_int(id_):
        raise InvalidFieldError("id", "must be a string or an integer", value=id_, record=record)
    return int(id_)


def _is_int(value: Any) -> bool:
    """An integer, numpy's included, but not a bool."""
    if type(value) is int:  # the usual case, without the slower abstract-class check
        return True
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _check_number(name: str, value: Any, record: str, *, error=InvalidFieldError) -> float:
    if type(value) is float or type(value) is int:  # the usual cases, checked quickly
        pass
    elif isinstance(value, bool) or not isinstance(value, (numbers.Real, Decimal)):
        raise error(name, f"must be a number, got {value!r}", value=value, record=record)
    number = float(value)
    if not math.isfinite(number):
        raise error(name, f"must be finite, got {value!r}", value=value, record=record)
    return number


def _check_coordinates(lat: Any, lon: Any, record: str) -> tuple[float, float]:
    lat_f = _check_number("lat", lat, record, error=InvalidCoordinateError)
    lon_f = _check_number("lon", lon, record, error=InvalidCoordinateError)
    if not -90.0 <= lat_f <= 90.0:
        raise InvalidCoordinateError(
            "lat", f"latitude must be in [-90, 90], got {lat!r}", value=lat, record=record
        )
    if not -180.0 <= lon_f <= 180.0:
        raise InvalidCoordinateError(
            "lon", f"longitude must be in [-180, 180], got {lon!r}", value=lon, record=record
        )
    return lat_f, lon_f


_NORMALISED: dict[frozenset, frozenset[str]] = {}
"""Sets of codes already normalised by :func:`_codes` (only sets of valid strings)."""


def _codes(name: str, values: Any, record: str) -> frozenset[str]:
    """A frozenset of lower-case codes from any iterable of strings (not a bare string)."""
    if type(values) is frozenset or type(values) is set:
        # The same set of strings gives the same codes: looked up, not checked again.
        key = values if type(values) is frozenset else frozenset(values)
        found = _NORMALISED.get(key)
        if found is None:
            found = _check_codes(name, key, record)
            if len(_NORMALISED) < 10_000:
                _NORMALISED[key] = found
        return found
    return _check_codes(name, values, record)


def _check_codes(name: str, values: Any, record: str) -> frozenset[str]:
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise InvalidFieldError(
            name, f"must be a collection of codes, not {values!r}", value=values, record=record
        )
    codes = set()
    for value in values:
        if not isinstance(value, str) or not value.strip():
            raise InvalidFieldError(
                name, f"every code must be a non-empty string, got {value!r}", value=value,
                record=record,
            )
        codes.add(value.strip().lower())
    return frozenset(codes)


def _slots(values: Any, record: str) -> frozenset[str]:
    slots = _codes("availability", values, record)
    unknown = sorted(slots - SLOT_BITS.keys())
    if unknown:
        raise InvalidSlotError(
            "availability",
            f"unknown slot(s) {', '.join(map(repr, unknown))}; use 'mon-am', 'mon-pm', "
            "'mon-eve' … 'sun-eve'",
            value=unknown,
            record=record,
        )
    return slots


def _radius(value: Any, record: str) -> float:
    radius = _check_number("radius_km", value, record)
    if radius < 0:
        raise InvalidFieldError("radius_km", f"must be >= 0, got {value!r}", value=value,
                                record=record)
    return radius


def _non_negative_int(name: str, value: Any, record: str) -> int:
    if not _is_int(value) or value < 0:
        raise InvalidFieldError(
            name, f"must be an integer >= 0, got {value!r}", value=value, record=record
        )
    return int(value)


def _children_ages(values: Any, record: str) -> tuple[int, ...]:
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise InvalidFieldError(
            "children_ages", f"must be a collection of ages, not {values!r}", value=values,
            record=record,
        )
    ages = []
    for age in values:
        if not _is_int(age) or not 0 <= age <= MAX_CHILD_AGE:
            raise InvalidFieldError(
                "children_ages",
                f"every age must be a whole number of years from 0 to {MAX_CHILD_AGE}, "
                f"got {age!r}",
                value=age,
                record=record,
            )
        ages.append(int(age))
    return tuple(sorted(ages))


def _set(obj: Any, name: str, value: Any) -> None:
    # Frozen dataclasses normalise their own fields in __post_init__ this way.
    object.__setattr__(obj, name, value)


# ---------------------------------------------------------------- records


@dataclass(frozen=True, kw_only=True)
class Family:
    """A refugee or migrant family waiting for a volunteer household.

    Parameters
    ----------
    id : str or int
        Unique among the families of one call.
    lat, lon : float
        Where the family lives (a postcode centroid or a coarsened pin), in degrees.
    languages : iterable of str
        Languages someone in the family speaks, ISO 639-1/3 codes (``"ar"``, ``"prs"``…).
    needs : iterable of str
        Service codes the family asks for (``"homework"``, ``"paperwork"``…).
    availability : iterable of str
        Slots from :data:`SLOTS`.
    radius_km : float
        How far the family will go, ``>= 0``.
    waiting_days : int, default 0
        Days since the family joined the waiting list.
    children_ages : iterable of int, default ()
        Ages of the children, 0 to 25; stored sorted.
    need_priorities : mapping of str to int, default {}
        Priority of a need, 1 (low) to 3 (high); a need without one has priority 1. Every
        key must be one of ``needs``.
    mother_tongues : iterable of str, default ()
        The family's first languages. A mother tongue is also a spoken language: it is
        added to ``languages``.

    Raises
    ------
    InvalidFieldError
        For any bad value; :class:`InvalidCoordinateError` for lat/lon and
        :class:`InvalidSlotError` for an unknown slot. The message names the field and id.

    Examples
    --------
    >>> family = Family(id="f1", lat=50.8466, lon=4.3517, languages={"ar", "en"},
    ...                 needs={"homework"}, availability={"wed-pm"}, radius_km=2,
    ...                 children_ages=[9], mother_tongues={"ar"})
    >>> sorted(family.languages), family.children_ages, family.priority("homework")
    (['ar', 'en'], (9,), 1)
    >>> try:
    ...     Family(id="f2", lat=50.85, lon=4.35, languages={"ar"}, needs={"homework"},
    ...            availability={"noon"}, radius_km=2)
    ... except InvalidSlotError as error:
    ...     print(error.field, error.value, error.record)
    availability ['noon'] family 'f2'
    """

    id: Hashable
    lat: float
    lon: float
    languages: frozenset[str]
    needs: frozenset[str]
    availability: frozenset[str]
    radius_km: float
    waiting_days: int = 0
    children_ages: tuple[int, ...] = ()
    need_priorities: Mapping[str, int] = field(
        default_factory=lambda: MappingProxyType({}), hash=False
    )
    mother_tongues: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        record = _check_household(self, "family", "needs")
        _set(self, "waiting_days", _non_negative_int("waiting_days", self.waiting_days, record))
        _set(self, "children_ages", _children_ages(self.children_ages, record))
        _set(self, "need_priorities", _priorities(self.need_priorities, self.needs, record))

    def priority(self, need: str) -> int:
        """Priority of one of the family's needs, 1 (low) to 3 (high); 1 when not set."""
        return self.need_priorities.get(need, DEFAULT_PRIORITY)


def _check_household(record_of: Any, kind: str, services: str) -> str:
    """Checks and normalises, in this order, what a family and a volunteer household share:
    id, place, languages (mother tongues included), `services` (its needs or offers),
    availability and radius. Returns the record's name for the errors that follow."""
    record = _record(kind, record_of.id)
    _set(record_of, "id", _check_id(record_of.id, record))
    lat, lon = _check_coordinates(record_of.lat, record_of.lon, record)
    _set(record_of, "lat", lat)
    _set(record_of, "lon", lon)
    mother_tongues = _codes("mother_tongues", record_of.mother_tongues, record)
    _set(record_of, "mother_tongues", mother_tongues)
    _set(record_of, "languages",
         _codes("languages", record_of.languages, record) | mother_tongues)
    _set(record_of, services, _codes(services, getattr(record_of, services), record))
    _set(record_of, "availability", _slots(record_of.availability, record))
    _set(record_of, "radius_km", _radius(record_of.radius_km, record))
    return record


def _priorities(values: Any, needs: frozenset[str], record: str) -> Mapping[str, int]:
    if not isinstance(values, Mapping):
        raise InvalidFieldError(
            "need_priorities", f"must be a mapping of need to priority, got {values!r}",
            value=values, record=record,
        )
    priorities = {}
    for need, priority in values.items():
        code = need.strip().lower() if isinstance(need, str) else need
        if code not in needs:
            raise InvalidFieldError(
                "need_priorities", f"{need!r} is not one of the family's needs", value=need,
                record=record,
            )
        if not _is_int(priority) or not MIN_PRIORITY <= priority <= MAX_PRIORITY:
            raise InvalidFieldError(
                "need_priorities",
                f"priority of {need!r} must be {MIN_PRIORITY}, 2 or {MAX_PRIORITY}, "
                f"got {priority!r}",
                value=priority,
                record=record,
            )
        priorities[code] = int(priority)
    return MappingProxyType(priorities)


@dataclass(frozen=True, kw_only=True)
class Volunteer:
    """A volunteer household offering its time.

    Parameters
    ----------
    id : str or int
        Unique among the volunteers of one call.
    lat, lon : float
        Where the household lives, in degrees.
    languages : iterable of str
        Languages spoken in the household (ISO 639-1/3 codes).
    offers : iterable of str
        Service codes the household offers.
    availability : iterable of str
        Slots from :data:`SLOTS`.
    radius_km : float
        How far the household will go, ``>= 0``.
    capacity : int, default 1
        How many families it may be matched with in one run; 0 takes nobody.
    children_ages : iterable of int, default ()
        Ages of the household's children, 0 to 25.
    mother_tongues : iterable of str, default ()
        First languages; added to ``languages``.

    Raises
    ------
    InvalidFieldError
        For any bad value, naming the field and the volunteer.

    Examples
    --------
    >>> Volunteer(id="v1", lat=50.85, lon=4.35, languages=["fr", "ar"], offers=["homework"],
    ...           availability=["wed-pm"], radius_km=3, capacity=-1)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    voisins.matching.errors.InvalidFieldError: volunteer 'v1': capacity: must be an ...
    """

    id: Hashable
    lat: float
    lon: float
    languages: frozenset[str]
    offers: frozenset[str]
    availability: frozenset[str]
    radius_km: float
    capacity: int = 1
    children_ages: tuple[int, ...] = ()
    mother_tongues: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        record = _check_household(self, "volunteer", "offers")
        _set(self, "capacity", _non_negative_int("capacity", self.capacity, record))
        _set(self, "children_ages", _children_ages(self.children_ages, record))


class Reason(str):
    """One reason for a proposal: an English sentence that also carries a code and params.

    ``str(reason)`` is the sentence; ``reason.code`` says which kind of reason it is
    (``"need"``, ``"distance"``, ``"language"``, ``"mother_tongue"``, ``"host_language"``,
    ``"slots"``, ``"children"``, ``"waiting"``) and ``reason.params`` holds the values the
    sentence was made from, so that the application can translate it. ``params`` is a
    new dict on each access: identical reasons are shared between proposals.

    Examples
    --------
    >>> reason = Reason("1.2 km apart", code="distance", params={"km": 1.2})
    >>> reason, reason.code, reason.params["km"], reason == "1.2 km apart"
    ('1.2 km apart', 'distance', 1.2, True)
    """

    code: str
    _params: dict[str, Any]

    def __new__(cls, text: str, *, code: str, params: Mapping[str, Any] | None = None) -> Reason:
        reason = super().__new__(cls, text)
        reason.code = code
        reason._params = dict(params or {})
        return reason

    @property
    def params(self) -> dict[str, Any]:
        """The values of the sentence (a copy)."""
        return {k: list(v) if isinstance(v, list) else v for k, v in self._params.items()}

    def __reduce__(self):
        return (_make_reason, (str(self), self.code, self._params))

    def __repr__(self) -> str:
        return str.__repr__(self)


def _make_reason(text: str, code: str, params: Mapping[str, Any]) -> Reason:
    return Reason(text, code=code, params=params)


@dataclass(frozen=True, kw_only=True)
class Proposal:
    """A volunteer proposed to a family, with why.

    Parameters
    ----------
    family_id, volunteer_id : str or int
    score : float
        :func:`voisins.matching.score` of the pair (> 0).
    distance_km : float
        Great-circle distance between the two households.
    reasons : tuple of Reason
        Sentences a coordinator understands, most important first.
    """

    family_id: Hashable
    volunteer_id: Hashable
    score: float
    distance_km: float
    reasons: tuple[Reason, ...] = ()
