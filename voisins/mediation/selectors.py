"""Reads of mediation: which cases and callbacks a staff member may see."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from voisins import access
from voisins.programmes.models import Programme

from .models import Callback, Case

# What a case says: every read of it is written to the audit log.
CASE_CONTENT = ["summary", "resolution", "notes"]


# The columns of the case list (and its export): the case's own, and the names shown.
CASE_LIST_COLUMNS = ("kind", "status", "opened_at", "opened_by",
                     "family__contact_first_name", "volunteer__contact_first_name",
                     "match__family__contact_first_name",
                     "match__volunteer__contact_first_name", "assigned_to__email")


def cases_visible(programme: Programme, user: Any) -> QuerySet[Case]:
    """Cases of a programme that ``user`` may see.

    Coordinators see every case; a mediator only the cases assigned to them, and never a
    safeguarding case (those are for coordinators only); anyone else nothing.
    """
    return access.cases_visible(user, Case.objects.filter(programme=programme).select_related(
        "match__family", "match__volunteer", "family", "volunteer", "assigned_to"))


def callbacks_open(programme: Programme, user: Any) -> QuerySet[Callback]:
    """The mediators' call list: callback requests not yet done, oldest first."""
    return (Callback.objects.filter(case__in=cases_visible(programme, user),
                                    status=Callback.Status.OPEN)
            .select_related("case", "case__family", "case__volunteer").order_by("created_at"))
