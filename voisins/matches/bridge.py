"""Records in, engine out: the Django side of ``voisins.matching``.

Households become the engine's frozen :class:`~voisins.matching.Family` and
:class:`~voisins.matching.Volunteer` (built by keyword); the engine's proposals and their
reasons come back as plain values to store. Reasons are stored as their code and params
and written out in the reader's language by :func:`reason_text`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from voisins.households.models import FamilyHousehold, MemberKind, VolunteerHousehold
from voisins.programmes.labels import (
    language_label,
    priority_label,
    service_label,
    slot_label,
)
from voisins.programmes.languages import join_list
from voisins.programmes.matching_weights import engine, weights_error
from voisins.programmes.models import Programme

from . import selectors

if TYPE_CHECKING:
    from voisins import matching

MAX_CHILD_AGE = 25  # the engine's bound on a child's age (voisins.matching.model)


def _children_ages(household: FamilyHousehold | VolunteerHousehold) -> tuple[int, ...]:
    year = timezone.now().year
    return tuple(sorted(
        min(max(0, year - m.birth_year), MAX_CHILD_AGE)
        for m in household.members.all() if m.kind == MemberKind.CHILD
    ))


def family_input(family: FamilyHousehold) -> matching.Family:
    """A family as the engine sees it (needs with their priorities, mother tongues…)."""
    needs = family.needs if isinstance(family.needs, dict) else {}
    return engine().Family(
        id=family.pk, lat=family.lat, lon=family.lon,
        languages=family.language_codes, needs=set(needs),
        availability=set(family.availability), radius_km=family.radius_km,
        waiting_days=family.waiting_days, children_ages=_children_ages(family),
        need_priorities=dict(needs), mother_tongues=family.mother_tongues,
    )


def volunteer_input(volunteer: VolunteerHousehold, capacity: int | None = None
                    ) -> matching.Volunteer:
    """A volunteer household as the engine sees it; ``capacity`` is the room left."""
    return engine().Volunteer(
        id=volunteer.pk, lat=volunteer.lat, lon=volunteer.lon,
        languages=volunteer.language_codes, offers=set(volunteer.offers),
        availability=set(volunteer.availability), radius_km=volunteer.radius_km,
        capacity=volunteer.capacity if capacity is None else capacity,
        children_ages=_children_ages(volunteer), mother_tongues=volunteer.mother_tongues,
    )


def weights_for(programme: Programme) -> matching.Weights:
    """The programme's score weights (its changes over the engine's defaults).

    Raises ``ValidationError`` on ``matching_weights`` when what is stored is not valid
    (written before validation, or by hand in the database).
    """
    stored = programme.matching_weights or {}
    problem = weights_error(stored)
    if problem:
        raise ValidationError({"matching_weights": problem})
    return engine().Weights.from_dict(stored)


def propose_for(programme: Programme, families: Sequence[FamilyHousehold],
                volunteers: Sequence[VolunteerHousehold],
                exclude: Iterable[tuple[int, int]]) -> list[matching.Proposal]:
    """The engine's global proposals for these families and (annotated) volunteers."""
    engine_volunteers = [volunteer_input(v, selectors.room_left(v)) for v in volunteers]
    engine_volunteers = [v for v in engine_volunteers if v.capacity > 0]
    if not families or not engine_volunteers:
        return []
    return engine().propose([family_input(f) for f in families], engine_volunteers,
                            exclude=set(exclude), weights=weights_for(programme))


def suggest_for(programme: Programme, family: FamilyHousehold,
                volunteers: Sequence[VolunteerHousehold], exclude: Iterable[tuple[int, int]],
                *, k: int = 10) -> list[matching.Proposal]:
    """The ``k`` best volunteers with room left for one family, best first."""
    engine_volunteers = [volunteer_input(v, selectors.room_left(v)) for v in volunteers]
    engine_volunteers = [v for v in engine_volunteers if v.capacity > 0]
    if not engine_volunteers:
        return []
    return engine().suggest(family_input(family), engine_volunteers, k=k,
                             exclude=set(exclude), weights=weights_for(programme))


def reasons_as_json(reasons: Iterable[Any]) -> list[dict[str, Any]]:
    """Reasons as stored: code, params (JSON values) and the engine's English sentence."""
    return [{"code": getattr(r, "code", ""), "params": _jsonable(getattr(r, "params", {})),
             "text": str(r)} for r in reasons]


def proposal_as_dict(p: matching.Proposal) -> dict[str, Any]:
    return {"family_id": p.family_id, "volunteer_id": p.volunteer_id,
            "score": round(p.score, 4), "distance_km": round(p.distance_km, 3),
            "reasons": reasons_as_json(p.reasons)}


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, (set, frozenset)) else items
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


# --- Reasons in the reader's language ----------------------------------------------------

def _join(words: Iterable[str]) -> str:
    return join_list(words)


def _need_text(params: dict[str, Any]) -> str:
    """"Homework help for a 9-year-old (priority 3 – most important)", in the active
    language (the priority as the household's form and page name it)."""
    service = service_label(params["need"])
    ages = [int(a) for a in params.get("children_ages") or ()]
    if len(ages) == 1:
        text = _("%(service)s for a %(age)s-year-old") % {"service": service, "age": ages[0]}
    elif ages:
        text = _("%(service)s for children aged %(ages)s") % {
            "service": service, "ages": _join(map(str, ages))}
    else:
        text = service
    if int(params.get("priority", 1)) >= 3:
        text = _("%(need)s (priority %(priority)s)") % {
            "need": text, "priority": priority_label(params["priority"])}
    return text


def reason_text(reason: dict[str, Any]) -> str:
    """One stored reason written out in the active language (gettext), from code and params.

    An unknown code falls back on the engine's English sentence.
    """
    code, params = reason.get("code", ""), reason.get("params") or {}
    try:
        if code == "need":
            return _need_text(params)
        if code == "distance":
            if params.get("walking"):
                return _("%(km)s km apart, within walking distance") % {
                    "km": number_format(float(params["km"]), decimal_pos=1)}
            return _("%(km)s km apart") % {"km": number_format(float(params["km"]),
                                                               decimal_pos=1)}
        if code == "language":
            return _("Shared languages: %(languages)s") % {
                "languages": _join(language_label(c) for c in params["languages"])}
        if code == "mother_tongue":
            return _("Speaks the family's mother tongue: %(languages)s") % {
                "languages": _join(language_label(c) for c in params["languages"])}
        if code == "host_language":
            return _("Can practise %(language)s with the family") % {
                "language": language_label(params["language"])}
        if code == "slots":
            count = int(params["count"])
            return ngettext("%(count)s time slot in common: %(slots)s",
                            "%(count)s time slots in common: %(slots)s", count) % {
                "count": count, "slots": _join(slot_label(s) for s in params["slots"])}
        if code == "children":
            return _("Children of similar ages (family: %(family)s; volunteers: %(volunteer)s)"
                     ) % {"family": _join(map(str, params["family_ages"])),
                          "volunteer": _join(map(str, params["volunteer_ages"]))}
        if code == "waiting":
            days = int(params["days"])
            return ngettext("Waiting for %(days)s day", "Waiting for %(days)s days", days) % {
                "days": days}
    except (KeyError, TypeError, ValueError):
        pass
    return str(reason.get("text", code))
