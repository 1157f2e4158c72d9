"""The registries through which other apps (their `privacy.py`, imported by
voisins.gdpr at start-up) add their part to the GDPR duties: what a person's export holds,
whose audit log joins theirs, how their records are anonymised on erasure, and what counts
as activity for the retention purge.

Each `register_*` is a decorator; the functions registered are called by
voisins.gdpr.selectors (export, audit log, activity) and voisins.gdpr.services (erasure).
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from voisins.households.models import Household

# Other apps add their part of a person's data (their `privacy.py`, found by voisins.gdpr
# at start-up): name → function(household) → a list of JSON-ready records, and its title
# for the PDF.
EXPORT_SECTIONS: dict[str, Callable[[Household], Any]] = {}
EXPORT_TITLES: dict[str, Any] = {}


def register_export_section(name: str, title: Any = None) -> Callable:
    """Decorator: add `function(household)`'s result to every data export under `name`
    (and to the PDF under `title`, a lazily translated string)."""
    def decorator(function: Callable[[Household], Any]) -> Callable[[Household], Any]:
        EXPORT_SECTIONS[name] = function
        EXPORT_TITLES[name] = title or name
        return function
    return decorator


# Other apps name the records about a household whose log belongs with its own
# (proposals, matches, check-ins, cases…): function(household) → {model: queryset of pks}.
AUDIT_RECORDS: list[Callable[[Household], dict[type, QuerySet]]] = []


def register_audit_records(function: Callable[[Household], dict[type, QuerySet]]
                           ) -> Callable[[Household], dict[type, QuerySet]]:
    """Decorator: the log of the records `function(household)` names joins the household's."""
    if function not in AUDIT_RECORDS:
        AUDIT_RECORDS.append(function)
    return function


# Other apps add what they hold about a household (their `privacy.py`, found by
# voisins.gdpr at start-up): each hook anonymises its own records (match notes, case texts,
# feedback) inside the erasure's transaction, before the household itself, so that it can
# still tell which records were the person's (by e-mail, by account).
ERASE_HOOKS: list[Callable[[Household], None]] = []
# …and which households were active lately: `source(kind, since)` gives the ids of the
# households of that kind ("family" or "volunteer") active at or after `since`, or still
# active now (a live match), as a query the purge uses as a subquery.
ACTIVITY_SOURCES: list[Callable[[str, datetime], QuerySet]] = []


def register_erase_hook(hook: Callable[[Household], None]) -> Callable[[Household], None]:
    """Decorator: run `hook(household)` whenever a household is erased."""
    if hook not in ERASE_HOOKS:
        ERASE_HOOKS.append(hook)
    return hook


def register_activity_source(source: Callable[[str, datetime], QuerySet]
                             ) -> Callable[[str, datetime], QuerySet]:
    """Decorator: count what `source(kind, since)` finds as activity for the retention purge."""
    if source not in ACTIVITY_SOURCES:
        ACTIVITY_SOURCES.append(source)
    return source
