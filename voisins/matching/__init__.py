"""Voisins' matching engine: pure Python and numpy, no Django.

Who may be proposed to whom (:func:`feasible`), how good a pair is and why
(:func:`score`, :class:`Proposal` and its :class:`Reason` s), the best volunteers for one
family (:func:`suggest`, :class:`VolunteerIndex`) and the best proposals for everyone at
once (:func:`propose`, built on the exact b-matching :func:`assign`).

The Django side turns records into :class:`Family` and :class:`Volunteer` (built by
keyword only, validated on construction) and the proposals back into records.
"""

from .assignment import assign
from .engine import DEFAULT_MAX_CANDIDATES, MatchingPlan, plan, propose, suggest
from .errors import (
    DuplicateEdgeError,
    DuplicateIdError,
    InvalidCoordinateError,
    InvalidEdgeError,
    InvalidFieldError,
    InvalidSlotError,
    MatchingError,
    SolverError,
    UnknownWeightError,
)
from .geo import EARTH_RADIUS_KM, Point, distance_km, haversine_km
from .model import SLOTS, Family, Proposal, Reason, Volunteer
from .reasons import LANGUAGE_NAMES, SERVICE_LABELS, language_name, service_label
from .rules import PairFeatures, explain_score, feasible, pair_features, score
from .search import VolunteerIndex
from .weights import DEFAULT_WEIGHTS, Weights

__all__ = [
    "DEFAULT_MAX_CANDIDATES",
    "DEFAULT_WEIGHTS",
    "EARTH_RADIUS_KM",
    "LANGUAGE_NAMES",
    "SERVICE_LABELS",
    "SLOTS",
    "DuplicateEdgeError",
    "DuplicateIdError",
    "Family",
    "InvalidCoordinateError",
    "InvalidEdgeError",
    "InvalidFieldError",
    "InvalidSlotError",
    "MatchingError",
    "MatchingPlan",
    "PairFeatures",
    "Point",
    "Proposal",
    "Reason",
    "SolverError",
    "UnknownWeightError",
    "Volunteer",
    "VolunteerIndex",
    "Weights",
    "assign",
    "distance_km",
    "explain_score",
    "feasible",
    "haversine_km",
    "language_name",
    "pair_features",
    "plan",
    "propose",
    "score",
    "service_label",
    "suggest",
]
