"""What community life adds to the GDPR duties: the events a household was invited to
(as a household, or a volunteer household through its account), with its answers, in the
data export; on erasure its calendar link
stops working (the answers stay, for the attendance figures, tied to the closed account);
an answer to an invitation counts as activity for the retention purge."""

from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from voisins.gdpr.hooks import (
    register_activity_source,
    register_erase_hook,
    register_export_section,
)
from voisins.gdpr.selectors import iso
from voisins.households.models import FamilyHousehold, Household, VolunteerHousehold

from .models import CalendarToken
from .selectors import household_invitations_qs


@register_export_section("events", _("Events"))
def export_events(household: Household) -> list[dict[str, Any]]:
    # Invited as a household (through its link) or through its account.
    return [
        {"event": i.event.title, "starts_at": iso(i.event.starts_at),
         "invited_at": iso(i.invited_at), "answer": i.status,
         "answered_at": iso(i.responded_at), "attended": i.attended}
        for i in household_invitations_qs(household).select_related("event")
    ]


@register_erase_hook
def erase(household: Household) -> None:
    if isinstance(household, VolunteerHousehold) and household.user_id is not None:
        CalendarToken.objects.filter(user_id=household.user_id).delete()


@register_activity_source
def activity(kind: str, since: datetime) -> QuerySet:
    if kind == "family":
        return FamilyHousehold.objects.filter(
            event_invitations__responded_at__gte=since).values("pk")
    return VolunteerHousehold.objects.filter(
        Q(event_invitations__responded_at__gte=since)
        | Q(user__event_invitations__responded_at__gte=since)
        | Q(user__event_invitations__event__starts_at__gte=since,
            user__event_invitations__status="going")).values("pk")
