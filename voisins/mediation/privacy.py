"""What mediation adds to the GDPR duties: the cases about a household in its export,
their texts removed on erasure (kind, dates and state stay for the figures), a case opened
or resolved counts as activity for the retention purge.

A safeguarding case is exported without what it says: giving a child-protection report
to the household it is about could put the child at risk (GDPR art. 23(1)(i)); a
coordinator decides what of it may be shared.
"""

from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from voisins.gdpr.hooks import (
    register_activity_source,
    register_audit_records,
    register_erase_hook,
    register_export_section,
)
from voisins.gdpr.selectors import iso
from voisins.households.models import FamilyHousehold, Household, VolunteerHousehold

from .models import Callback, Case, CaseKind, CaseNote

ERASED_TEXT = "—"


def _cases(household: Household) -> QuerySet[Case]:
    side = household.side
    return Case.objects.filter(**{side: household})


@register_export_section("cases", gettext_lazy("Mediation cases"))
def export_cases(household: Household) -> list[dict[str, Any]]:
    rows = []
    for case in _cases(household).prefetch_related("notes", "callbacks"):
        withheld = case.kind == CaseKind.SAFEGUARDING
        rows.append({
            "id": case.pk, "kind": case.kind, "status": case.status,
            "opened_by": case.opened_by, "opened_at": iso(case.opened_at),
            "resolved_at": iso(case.resolved_at),
            "summary": _("withheld to protect a child; ask the coordinator")
            if withheld else case.summary,
            "resolution": None if withheld else case.resolution,
            "notes": [] if withheld else [
                f"{iso(n.created_at)[:16]} {n.kind}: {n.text}" for n in case.notes.all()],
            "callbacks": [f"{iso(c.created_at)[:16]} {c.when} ({c.language}) {c.status}"
                          for c in case.callbacks.all()],
        })
    return rows


@register_erase_hook
def erase(household: Household) -> None:
    cases = _cases(household)
    # The encrypted fields are written through save(): update() would skip the cipher.
    for case in cases:
        case.summary = ERASED_TEXT
        case.resolution = None
        case.save(update_fields=["summary", "resolution"])
    for note in CaseNote.objects.filter(case__in=cases):
        note.text = ERASED_TEXT
        note.save(update_fields=["text"])
    Callback.objects.filter(case__in=cases).update(when="")


@register_activity_source
def activity(kind: str, since: datetime) -> QuerySet:
    """A case about the household opened, still open, or resolved since `since`."""
    model = FamilyHousehold if kind == "family" else VolunteerHousehold
    return model.objects.filter(
        Q(cases__opened_at__gte=since) | Q(cases__status=Case.Status.OPEN)
        | Q(cases__resolved_at__gte=since)).values("pk")


@register_audit_records
def audited(household: Household) -> dict[type, QuerySet]:
    """The cases about the household and their notes."""
    cases = _cases(household)
    return {Case: cases.values("pk"),
            CaseNote: CaseNote.objects.filter(case__in=cases).values("pk")}
