"""What households' personal links (families' and volunteer households') add to the GDPR
duties: when they were made, used and revoked, in the data export (never the link
itself); every link revoked on erasure; a link used counts as activity for the retention
purge."""

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from voisins.gdpr.hooks import (
    register_activity_source,
    register_erase_hook,
    register_export_section,
)
from voisins.gdpr.selectors import iso
from voisins.households.models import FamilyHousehold, Household, VolunteerHousehold

from .links import household_links_of


@register_export_section("personal_links", _("Personal links"))
def export_links(household: Household) -> list[dict[str, Any]]:
    return [
        {"created_at": iso(link.created_at), "expires_at": iso(link.expires_at),
         "last_used_at": iso(link.last_used_at), "revoked_at": iso(link.revoked_at)}
        for link in household_links_of(household)
    ]


@register_erase_hook
def erase(household: Household) -> None:
    household_links_of(household).filter(revoked_at__isnull=True).update(
        revoked_at=timezone.now())


@register_activity_source
def activity(kind: str, since: datetime) -> QuerySet:
    model = FamilyHousehold if kind == "family" else VolunteerHousehold
    return model.objects.filter(links__last_used_at__gte=since).values("pk")
