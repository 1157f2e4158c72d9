"""What training adds to the GDPR duties: a volunteer household's training registrations
in its data export (they hold nothing else to erase: attendance stays for the figures and
the matching gate); a registration counts as activity for the retention purge."""

from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from voisins.gdpr.hooks import register_activity_source, register_export_section
from voisins.gdpr.selectors import iso
from voisins.households.models import FamilyHousehold, VolunteerHousehold

from .models import Registration


@register_export_section("training", _("Training"))
def export_training(household: FamilyHousehold | VolunteerHousehold) -> list[dict[str, Any]]:
    if not isinstance(household, VolunteerHousehold):
        return []
    return [
        {"module": r.session.module.title, "session_starts_at": iso(r.session.starts_at),
         "registered_at": iso(r.registered_at), "attended": r.attended}
        for r in Registration.objects.filter(volunteer=household)
        .select_related("session__module")
    ]


@register_activity_source
def activity(kind: str, since: datetime) -> QuerySet:
    if kind == "family":
        return FamilyHousehold.objects.none().values("pk")
    return VolunteerHousehold.objects.filter(
        Q(training_registrations__registered_at__gte=since)
        | Q(training_registrations__session__starts_at__gte=since)).values("pk")
