"""Where the note learns the programme's expenses regime when another app keeps it.

The expenses app (voisins.expenses) sits beside this one; rather than importing it, this
app asks the sources registered at start-up (an AppConfig.ready() calls
:func:`register_expenses_regime`). Without a source, the coordinator chooses the regime
on the note's form.
"""

from collections.abc import Callable
from datetime import date
from typing import Any

RegimeSource = Callable[[Any, date], str | None]
_SOURCES: list[RegimeSource] = []


def register_expenses_regime(source: RegimeSource) -> None:
    """Register `source(programme, day)`, which returns "none", "flat", "real" or None
    (no regime set for that programme and year)."""
    if source not in _SOURCES:
        _SOURCES.append(source)


def expenses_regime_of(programme: Any, day: date) -> str | None:
    """The regime a registered source gives for `programme` on `day`, or None."""
    for source in _SOURCES:
        regime = source(programme, day)
        if regime:
            return regime
    return None
