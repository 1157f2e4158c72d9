"""Score weights: one frozen dataclass that a programme stores as a setting."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

from .errors import InvalidFieldError, UnknownWeightError

_POINT_FIELDS = (
    "base",
    "needs",
    "closeness",
    "slots",
    "mother_tongue",
    "host_language",
    "children",
    "waiting",
)


@dataclass(frozen=True, kw_only=True)
class Weights:
    """How many points each part of the score is worth, and the scales of those parts.

    A feasible pair scores ``base`` plus, for each part, its weight times a share
    between 0 and 1 (see :func:`voisins.matching.score`). With the defaults the best
    possible pair scores 12.5 and every feasible pair at least ``base`` = 1.

    Parameters
    ----------
    base : float, default 1.0
        Points of every feasible pair; must be > 0 so every feasible pair scores > 0.
    needs : float, default 4.0
        Times the share of the family's needs that the volunteer offers, each need
        counted by its priority (1 to 3).
    closeness : float, default 2.0
        Times 1 within ``walk_km``, then ``exp(-(d - walk_km) / decay_km)``.
    slots : float, default 1.0
        Times ``min(shared slots, slots_cap) / slots_cap``.
    mother_tongue : float, default 1.0
        When the volunteer speaks one of the family's mother tongues.
    host_language : float, default 0.5
        When the family needs ``host_language_need`` and the volunteer speaks
        ``host_language_code`` (French conversation with a French speaker).
    children : float, default 1.0
        Times the share of the family's children (by distinct age) for whom the
        volunteer has a child at most ``children_age_gap`` years apart; 0 unless both
        households have children.
    waiting : float, default 2.0
        Times ``min(waiting_days, waiting_cap_days) / waiting_cap_days``: the longer a
        family has waited the more its pairs are worth, up to a cap, so the longest
        waiting are not passed over but waiting never outweighs a good fit.
    walk_km : float, default 1.0
        Walking distance: closeness is full up to here.
    decay_km : float, default 2.0
        Beyond walking distance closeness falls by a factor e every ``decay_km``.
    slots_cap : int, default 6
        Shared slots beyond this count no more.
    waiting_cap_days : int, default 180
        Waiting beyond this counts no more.
    children_age_gap : int, default 2
        Years apart that still count as "similar ages" (0 to 10).
    host_language_code : str, default "fr"
    host_language_need : str, default "french-conversation"

    Raises
    ------
    InvalidFieldError
        A negative or non-finite weight, ``base <= 0``, or a bad scale.

    Examples
    --------
    >>> Weights.from_dict({"waiting": 3, "walk_km": 0.8}).waiting
    3.0
    >>> try:
    ...     Weights.from_dict({"wating": 3})
    ... except UnknownWeightError as error:
    ...     print(str(error).split(";")[0])
    weights: unknown key(s) 'wating'
    """

    base: float = 1.0
    needs: float = 4.0
    closeness: float = 2.0
    slots: float = 1.0
    mother_tongue: float = 1.0
    host_language: float = 0.5
    children: float = 1.0
    waiting: float = 2.0
    walk_km: float = 1.0
    decay_km: float = 2.0
    slots_cap: int = 6
    waiting_cap_days: int = 180
    children_age_gap: int = 2
    host_language_code: str = "fr"
    host_language_need: str = "french-conversation"

    def __post_init__(self) -> None:
        for name in (*_POINT_FIELDS, "walk_km", "decay_km"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise InvalidFieldError(name, f"must be a number, got {value!r}", value=value,
                                        record="weights")
            if not math.isfinite(value) or value < 0:
                raise InvalidFieldError(name, f"must be a finite number >= 0, got {value!r}",
                                        value=value, record="weights")
            object.__setattr__(self, name, float(value))
        if self.base <= 0:
            raise InvalidFieldError("base", "must be > 0 so that every feasible pair scores > 0",
                                    value=self.base, record="weights")
        if self.decay_km <= 0:
            raise InvalidFieldError("decay_km", "must be > 0", value=self.decay_km,
                                    record="weights")
        for name, low, high in (
            ("slots_cap", 1, 21),
            ("waiting_cap_days", 1, 100_000),
            ("children_age_gap", 0, 10),
        ):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise InvalidFieldError(name, f"must be an integer from {low} to {high}, "
                                        f"got {value!r}", value=value, record="weights")
        for name in ("host_language_code", "host_language_need"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise InvalidFieldError(name, "must be a non-empty code", value=value,
                                        record="weights")
            object.__setattr__(self, name, value.strip().lower())

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, strict: bool = True) -> Weights:
        """Weights from a plain mapping (e.g. a programme setting stored as JSON).

        Parameters
        ----------
        data : mapping
            Some or all of the fields; missing ones take their default.
        strict : bool, default True
            Raise on unknown keys; with ``False`` they are ignored (for settings written
            by a newer version).

        Raises
        ------
        UnknownWeightError
            An unknown key while ``strict``; the message lists the known keys.
        InvalidFieldError
            A bad value.
        """
        if not isinstance(data, Mapping):
            raise InvalidFieldError("weights", f"must be a mapping, got {data!r}", value=data)
        known = [f.name for f in fields(cls)]
        unknown = sorted(set(data) - set(known), key=str)
        if unknown and strict:
            raise UnknownWeightError(
                "weights",
                f"unknown key(s) {', '.join(map(repr, unknown))}; known keys: {', '.join(known)}",
                value=unknown,
            )
        return cls(**{key: value for key, value in data.items() if key in known})

    def to_dict(self) -> dict[str, Any]:
        """The weights as a plain dict, the inverse of :meth:`from_dict`."""
        return asdict(self)

    @property
    def max_score(self) -> float:
        """The score of a perfect pair: the sum of all point weights."""
        return sum(getattr(self, name) for name in _POINT_FIELDS)


DEFAULT_WEIGHTS = Weights()
