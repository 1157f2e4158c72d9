"""Reads of mediation: which cases and callbacks a staff member may see."""

from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet
from django.db.models.functions import Coalesce

from voisins import access
from voisins.programmes.models import Programme

from .models import Callback, Case

# What a case says: every read of it is written to the audit log.
CASE_CONTENT = ["summary", "resolution", "notes"]


def cases_for_list(queryset: QuerySet[Case]) -> QuerySet[Case]:
    """`queryset` as the case list (and its export) reads it: the case's own columns, and
    the names shown as plain values (``family_name``, ``volunteer_name``, ``mediator``),
    a case naming its households directly or through its match. No related row becomes
    an object: building five of them per case cost more than the rest of the page."""
    return (queryset.select_related(None).only("kind", "status", "opened_at", "opened_by")
            .annotate(family_name=Coalesce(F("family__contact_first_name"),
                                           F("match__family__contact_first_name")),
                      volunteer_name=Coalesce(F("volunteer__contact_first_name"),
                                              F("match__volunteer__contact_first_name")),
                      mediator=F("assigned_to__email")))


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
