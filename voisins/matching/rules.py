"""Hard constraints and the score of one pair.

The score is defined once, in :func:`score_terms`, on numpy arrays of pair *features*
(distance, priority of needs met, shared slots…). The scalar :func:`score` computes the
features of one pair from its sets and calls it on one-element arrays; the vectorised
search (:mod:`voisins.matching.search`) computes the same features from bit masks for
millions of pairs and calls the very same function. Tests check that both agree.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from .geo import distance_km
from .model import Family, Volunteer
from .weights import DEFAULT_WEIGHTS, Weights

Exclude = Iterable[tuple[Hashable, Hashable]]


@dataclass(frozen=True, slots=True)
class PairFeatures:
    """What the score of a pair is made from, with the sets that explain it."""

    distance_km: float
    shared_languages: frozenset[str]
    met_needs: frozenset[str]
    met_priority: int
    total_priority: int
    shared_slots: frozenset[str]
    mother_tongues: frozenset[str]
    """The family's mother tongues that the volunteer speaks."""
    host_language: bool
    children_matched: tuple[int, ...]
    """The family's children's ages (distinct) with a volunteer child close in age."""
    children_total: int
    """Distinct ages of the family's children, 0 unless both households have children."""
    waiting_days: int


def as_exclude_set(exclude: Exclude) -> Collection[tuple[Hashable, Hashable]]:
    """``exclude`` as something with a fast ``in`` (kept as is when it already is a set)."""
    if isinstance(exclude, (set, frozenset)):
        return exclude
    return frozenset((f, v) for f, v in exclude)


def feasible(family: Family, volunteer: Volunteer, exclude: Exclude = ()) -> bool:
    """Whether a family and a volunteer may be proposed to each other.

    Parameters
    ----------
    family : Family
    volunteer : Volunteer
    exclude : iterable of (family_id, volunteer_id), default ()
        Pairs that must not be proposed (declined before, conflict of interest…).

    Returns
    -------
    bool
        True when the volunteer takes families (``capacity > 0``), the pair is not
        excluded, they share at least one language, one need/offer and one availability
        slot, and the great-circle distance is at most both radii.

    Notes
    -----
    ``O(|exclude| + size of the sets)``; pass a ``set`` as ``exclude`` to make that
    ``O(1)`` when calling this in a loop. The distance is :func:`distance_km`, the same
    as the vectorised search uses.

    Examples
    --------
    >>> f = Family(id="f1", lat=50.8466, lon=4.3517, languages={"ar"}, needs={"homework"},
    ...            availability={"wed-pm"}, radius_km=2)
    >>> v = Volunteer(id="v1", lat=50.8500, lon=4.3600, languages={"ar", "fr"},
    ...               offers={"homework"}, availability={"wed-pm", "sat-am"}, radius_km=3)
    >>> feasible(f, v), feasible(f, v, exclude=[("f1", "v1")])
    (True, False)
    """
    if volunteer.capacity <= 0:
        return False
    if not (
        family.languages & volunteer.languages
        and family.needs & volunteer.offers
        and family.availability & volunteer.availability
    ):
        return False
    if exclude and (family.id, volunteer.id) in as_exclude_set(exclude):
        return False
    return distance_km(family, volunteer) <= min(family.radius_km, volunteer.radius_km)


def pair_features(
    family: Family,
    volunteer: Volunteer,
    *,
    weights: Weights = DEFAULT_WEIGHTS,
    distance: float | None = None,
) -> PairFeatures:
    """The features of one pair, from its sets (``O(size of the sets)``).

    ``distance`` may be passed when already known from :func:`distance_km` (or the
    vectorised search, which computes it identically).
    """
    # Called for every proposal of a national batch: plain locals, no generator where a
    # loop over one or two items does.
    needs = family.needs
    met_needs = needs & volunteer.offers
    priorities = family.need_priorities
    if priorities:
        met_priority = total_priority = 0
        for n in needs:
            p = priorities.get(n, 1)
            total_priority += p
            if n in met_needs:
                met_priority += p
    else:
        met_priority, total_priority = len(met_needs), len(needs)
    family_children, volunteer_children = family.children_ages, volunteer.children_ages
    if family_children and volunteer_children:
        family_ages = sorted(set(family_children))
        gap = weights.children_age_gap
        matched = tuple(
            a for a in family_ages if any(abs(a - b) <= gap for b in volunteer_children)
        )
        children_total = len(family_ages)
    else:
        matched, children_total = (), 0
    languages = volunteer.languages
    return PairFeatures(
        distance_km(family, volunteer) if distance is None else distance,
        family.languages & languages,
        met_needs,
        met_priority,
        total_priority,
        family.availability & volunteer.availability,
        family.mother_tongues & languages,
        weights.host_language_need in needs and weights.host_language_code in languages,
        matched,
        children_total,
        family.waiting_days,
    )


def _share(numerator, denominator) -> np.ndarray:
    numerator = np.asarray(numerator, dtype=np.float64)
    denominator = np.asarray(denominator, dtype=np.float64)
    out = np.zeros(np.broadcast(numerator, denominator).shape)
    return np.divide(numerator, denominator, out=out, where=denominator > 0)


def score_terms(
    weights: Weights,
    *,
    distance_km,
    met_priority,
    total_priority,
    shared_slots,
    mother_tongue,
    host_language,
    children_matched,
    children_total,
    waiting_days,
) -> dict[str, np.ndarray]:
    """Points of each part of the score, for arrays of pair features.

    This is the single definition of the score (see :func:`score` for the formula).
    Every argument is an array (or scalar) of the same length; counts are integers,
    ``mother_tongue`` and ``host_language`` booleans.

    Returns
    -------
    dict of str to numpy.ndarray
        ``base``, ``needs``, ``closeness``, ``slots``, ``mother_tongue``,
        ``host_language``, ``children``, ``waiting``, in the order they are added.

    Notes
    -----
    ``O(n)`` for ``n`` pairs.
    """
    d = np.asarray(distance_km, dtype=np.float64)
    w = weights
    return {
        "base": np.full(d.shape, w.base),
        "needs": w.needs * _share(met_priority, total_priority),
        "closeness": w.closeness * np.exp(-np.maximum(d - w.walk_km, 0.0) / w.decay_km),
        "slots": w.slots * (np.minimum(shared_slots, w.slots_cap) / w.slots_cap),
        "mother_tongue": w.mother_tongue * np.asarray(mother_tongue, dtype=np.float64),
        "host_language": w.host_language * np.asarray(host_language, dtype=np.float64),
        "children": w.children * _share(children_matched, children_total),
        "waiting": w.waiting * (np.minimum(waiting_days, w.waiting_cap_days) / w.waiting_cap_days),
    }


def combine(weights: Weights, **features) -> np.ndarray:
    """Total score of arrays of pair features: the sum of :func:`score_terms`, in order."""
    terms = iter(score_terms(weights, **features).values())
    total = next(terms).copy()
    for term in terms:
        total += term
    return total


def feature_arrays(features: Sequence[PairFeatures]) -> dict[str, np.ndarray]:
    """The arrays :func:`combine` takes, for pairs whose features were computed from sets."""
    return {
        "distance_km": np.array([f.distance_km for f in features], dtype=np.float64),
        "met_priority": np.array([f.met_priority for f in features], dtype=np.int64),
        "total_priority": np.array([f.total_priority for f in features], dtype=np.int64),
        "shared_slots": np.array([len(f.shared_slots) for f in features], dtype=np.int64),
        "mother_tongue": np.array([bool(f.mother_tongues) for f in features], dtype=bool),
        "host_language": np.array([f.host_language for f in features], dtype=bool),
        "children_matched": np.array([len(f.children_matched) for f in features],
                                     dtype=np.int64),
        "children_total": np.array([f.children_total for f in features], dtype=np.int64),
        "waiting_days": np.array([f.waiting_days for f in features], dtype=np.int64),
    }


def score(family: Family, volunteer: Volunteer, *, weights: Weights = DEFAULT_WEIGHTS) -> float:
    """How good a pair is: ``base`` plus weighted shares of what makes a match work.

    Parameters
    ----------
    family : Family
    volunteer : Volunteer
    weights : Weights, optional
        The programme's weights; :class:`Weights` defaults otherwise.

    Returns
    -------
    float
        With ``w = weights``, ``d`` the distance in km::

            w.base
          + w.needs         * (priority of needs met) / (priority of all the family's needs)
          + w.closeness     * exp(-max(d - w.walk_km, 0) / w.decay_km)
          + w.slots         * min(shared slots, w.slots_cap) / w.slots_cap
          + w.mother_tongue * [the volunteer speaks a mother tongue of the family]
          + w.host_language * [family needs French conversation and volunteer speaks fr]
          + w.children      * (family children's distinct ages with a volunteer child
                               at most w.children_age_gap years apart) / (distinct ages)
                               [0 unless both have children]
          + w.waiting       * min(waiting_days, w.waiting_cap_days) / w.waiting_cap_days

        Every share is between 0 and 1 and every weight ``>= 0`` with ``base > 0``, so
        the score lies in ``[w.base, w.max_score]``: it is > 0 for every pair.

    Notes
    -----
    ``O(size of the sets)``. Feasibility is not checked (see :func:`feasible`); the
    score of an infeasible pair has no use. :func:`explain_score` gives the points of
    each part.

    Examples
    --------
    >>> f = Family(id="f1", lat=50.8466, lon=4.3517, languages={"ar"}, needs={"homework"},
    ...            availability={"wed-pm"}, radius_km=2)
    >>> v = Volunteer(id="v1", lat=50.8466, lon=4.3517, languages={"ar", "fr"},
    ...               offers={"homework"}, availability={"wed-pm"}, radius_km=3)
    >>> round(score(f, v), 4)  # base 1 + needs 4 + closeness 2 + one slot 1/6
    7.1667
    """
    return score_of_features(pair_features(family, volunteer, weights=weights), weights)


def score_of_features(features: PairFeatures, weights: Weights = DEFAULT_WEIGHTS) -> float:
    """The score of one pair from its :class:`PairFeatures` (see :func:`score`)."""
    return float(combine(weights, **feature_arrays([features]))[0])


def explain_score(
    family: Family, volunteer: Volunteer, *, weights: Weights = DEFAULT_WEIGHTS
) -> dict[str, float]:
    """Points of each part of :func:`score` for one pair; they add up to the score.

    Examples
    --------
    >>> f = Family(id="f1", lat=50.8466, lon=4.3517, languages={"ar"}, needs={"homework"},
    ...            availability={"wed-pm"}, radius_km=2, waiting_days=90)
    >>> v = Volunteer(id="v1", lat=50.8466, lon=4.3517, languages={"ar"},
    ...               offers={"homework"}, availability={"wed-pm"}, radius_km=3)
    >>> explain_score(f, v)["waiting"]
    1.0
    """
    terms = score_terms(weights, **feature_arrays([pair_features(family, volunteer,
                                                                weights=weights)]))
    return {name: float(value[0]) for name, value in terms.items()}
