"""The programme's matching weights: what each one means, and their validation.

A programme stores only the weights it changes (``Programme.matching_weights``, a JSON
object); the engine's defaults (``voisins.matching.Weights``) fill in the rest. The engine
is imported on use only: it loads numpy, scipy and OR-Tools.
"""

from __future__ import annotations

from functools import cache
from types import ModuleType
from typing import Any

from django.utils.translation import gettext_lazy as _

# Weight name -> (label, help), in the order the coordinator's form shows them.
WEIGHT_LABELS: dict[str, tuple[Any, Any]] = {
    "base": (_("Any possible pair"), _("Points every possible pair gets (more than 0).")),
    "needs": (_("Needs met"), _("Points when the volunteers offer all the family's needs "
                                "(each need counted by its priority).")),
    "closeness": (_("Closeness"), _("Points for living within walking distance; fewer "
                                    "the farther apart.")),
    "slots": (_("Shared time slots"), _("Points when they share enough time slots.")),
    "mother_tongue": (_("Mother tongue"), _("Points when the volunteers speak the "
                                            "family's mother tongue.")),
    "host_language": (_("French practice"), _("Points when the family wants French "
                                              "conversation and the volunteers speak French.")),
    "children": (_("Children of similar ages"), _("Points when every child of the family "
                                                  "has a child of similar age at the "
                                                  "volunteers'.")),
    "waiting": (_("Time on the waiting list"), _("Points for the families who have waited "
                                                 "longest, so they are not passed over.")),
    "walk_km": (_("Walking distance (km)"), _("Up to this distance closeness counts in "
                                              "full.")),
    "decay_km": (_("Closeness falls every (km)"), _("Beyond walking distance closeness "
                                                    "falls by a factor e (2.7) every this "
                                                    "many km.")),
    "slots_cap": (_("Enough shared slots"), _("Shared time slots beyond this many count "
                                              "no more (1 to 21).")),
    "waiting_cap_days": (_("Waiting counted up to (days)"), _("Waiting beyond this many "
                                                              "days counts no more.")),
    "children_age_gap": (_("Similar ages (years apart)"), _("Children at most this many "
                                                            "years apart count as of "
                                                            "similar ages (0 to 10).")),
}
INTEGER_WEIGHTS = frozenset({"slots_cap", "waiting_cap_days", "children_age_gap"})


@cache
def engine() -> ModuleType:
    """The matching engine (`voisins.matching`, with its `waiting` and `gaps` modules),
    imported on first use. Importing it loads numpy and OR-Tools (about a second and tens
    of MB per process), which the web pages that do not match never need: so this is the
    one place outside the engine that imports it, inside a function, and `matches` and
    this module reach the engine through it (docs/development.md, "Floors")."""
    from voisins import matching
    from voisins.matching import gaps, waiting  # noqa: F401 - loaded as matching.gaps, .waiting

    return matching


def defaults() -> dict[str, Any]:
    """The engine's default weights, by name."""
    return engine().DEFAULT_WEIGHTS.to_dict()


def weights_error(value: Any) -> str | None:
    """Why ``value`` cannot be a programme's matching weights (in the active language),
    or None when the engine accepts it."""
    matching = engine()
    if not isinstance(value, dict):
        return str(_("Give the weights as an object of names and numbers, such as "
                     "{\"waiting\": 3}."))
    try:
        matching.Weights.from_dict(value)
    except matching.UnknownWeightError as error:
        return str(_("Unknown weight(s) %(names)s; the weights are: %(known)s.")) % {
            "names": ", ".join(map(str, error.value)), "known": ", ".join(defaults())}
    except (matching.InvalidFieldError, TypeError) as error:
        name = getattr(error, "field", "")
        label = WEIGHT_LABELS.get(name, (name,))[0]
        return str(_("“%(label)s” (%(name)s): %(problem)s")) % {
            "label": label, "name": name, "problem": _rule(name)}
    return None


def _rule(name: str) -> str:
    if name in ("base", "decay_km"):
        return str(_("give a number greater than 0."))
    if name == "slots_cap":
        return str(_("give a whole number from 1 to 21."))
    if name == "waiting_cap_days":
        return str(_("give a whole number from 1 to 100000."))
    if name == "children_age_gap":
        return str(_("give a whole number from 0 to 10."))
    if name in ("host_language_code", "host_language_need"):
        return str(_("give a code."))
    return str(_("give a number of at least 0."))


def overrides(values: dict[str, Any]) -> dict[str, Any]:
    """Only the weights that differ from the engine's defaults (so that a better default
    in a later version reaches the programmes that never changed it)."""
    base = defaults()
    return {name: value for name, value in values.items() if base.get(name) != value}
