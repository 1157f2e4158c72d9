"""What the volunteering app adds to the GDPR duties: a volunteer household's data export
holds the versions of the information note it received and acknowledged, when and how.
Erasure keeps them (dates, version, how: no personal detail) for the programme's record
that each volunteer was informed."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from voisins.gdpr.hooks import register_export_section
from voisins.gdpr.selectors import iso
from voisins.households.models import FamilyHousehold, VolunteerHousehold

from .models import Acknowledgement


@register_export_section("information_note", _("Information note"))
def export_acknowledgements(household: FamilyHousehold | VolunteerHousehold
                            ) -> list[dict[str, Any]]:
    if not isinstance(household, VolunteerHousehold):
        return []
    return [
        {"version": a.note.version, "received_at": iso(a.received_at),
         "acknowledged_at": iso(a.acknowledged_at), "how": a.channel}
        for a in Acknowledgement.objects.filter(volunteer=household).select_related("note")
        .order_by("received_at", "id")
    ]
