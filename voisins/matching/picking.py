"""Proposals from chosen edges, and one family's best edges: shared by the engine
(`engine.suggest`, `engine.propose`) and the index (`VolunteerIndex.suggest`), so that
neither module imports the other."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from .errors import InvalidFieldError
from .model import Family, Proposal, Volunteer
from .reasons import explain
from .rules import Exclude, pair_features
from .weights import Weights

if TYPE_CHECKING:
    from .search import Edges, VolunteerIndex


def check_count(name: str, value, *, allow_none: bool, minimum: int) -> None:
    if value is None and allow_none:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise InvalidFieldError(name, f"must be an integer >= {minimum}"
                                + (" or None" if allow_none else "") + f", got {value!r}",
                                value=value)


def proposals_for(
    families: Sequence[Family], volunteers: Sequence[Volunteer], edges: Edges, weights: Weights
) -> list[Proposal]:
    """Proposals for chosen edges, in their order, with their reasons.

    Scores and distances are the search's: the same :func:`~voisins.matching.rules.combine`
    (the one definition of the score) on the same integer features, and the same
    haversine as :func:`distance_km`, so they equal :func:`score` and
    :func:`distance_km` of each pair (the tests check it on every result). The reasons
    come from the households' sets (:func:`~voisins.matching.rules.pair_features`).
    """
    out = []
    for f, v, score, distance in zip(edges.family.tolist(), edges.volunteer.tolist(),
                                     edges.score.tolist(), edges.distance_km.tolist(),
                                     strict=True):
        family, volunteer = families[f], volunteers[v]
        feature = pair_features(family, volunteer, weights=weights, distance=distance)
        out.append(Proposal(family_id=family.id, volunteer_id=volunteer.id, score=score,
                            distance_km=distance,
                            reasons=explain(family, volunteer, feature, weights)))
    return out


def suggest_edges(
    index: VolunteerIndex, family: Family, k: int, exclude: Exclude, weights: Weights
) -> Edges:
    """The ``k`` best edges of one family, best first (score, then volunteer id)."""
    check_count("k", k, allow_none=False, minimum=0)
    edges = index.edges([family], exclude, weights=weights)
    order = np.lexsort((index.id_rank_of[edges.volunteer], -edges.score))[:k]
    return edges.subset(order)
