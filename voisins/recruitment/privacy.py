"""What recruitment adds to the GDPR duties: a volunteer household's sign-ups and its
screening in the data export; on erasure the sign-up forms lose the answers and the
address, and the screening its notes and interview place (dates and the decision stay for
the recruitment funnel); a sign-up or a screening step counts as activity for the purge."""

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

from .models import Screening, Signup


def _signups(household: Household) -> QuerySet[Signup]:
    if not isinstance(household, VolunteerHousehold):
        return Signup.objects.none()
    return Signup.objects.filter(volunteer=household)


@register_export_section("signups", _("Sign-up forms"))
def export_signups(household: Household) -> list[dict[str, Any]]:
    return [
        {"created_at": iso(s.created_at), "confirmed_at": iso(s.confirmed_at),
         "email": s.email, "language": s.language, "answers": s.data,
         "campaign": s.campaign.name if s.campaign else None}
        for s in _signups(household).select_related("campaign")
    ]


@register_export_section("screening", _("Screening"))
def export_screening(household: Household) -> list[dict[str, Any]]:
    if not isinstance(household, VolunteerHousehold):
        return []
    return [
        {"interview_at": iso(s.interview_at), "interview_place": s.interview_place,
         "interview_held_at": iso(s.interview_held_at), "notes": s.notes,
         "charter_version": s.charter.version if s.charter else None,
         "charter_accepted_at": iso(s.charter_accepted_at), "decision": s.decision,
         "decided_at": iso(s.decided_at)}
        for s in Screening.objects.filter(volunteer=household).select_related("charter")
    ]


@register_erase_hook
def erase(household: Household) -> None:
    for signup in _signups(household):
        signup.email = f"erased-{signup.pk}@invalid.example"
        signup.data = {}
        signup.save(update_fields=["email", "data"])
    if isinstance(household, VolunteerHousehold):
        Screening.objects.filter(volunteer=household).update(notes="", interview_place="")


@register_activity_source
def activity(kind: str, since: datetime) -> QuerySet:
    if kind == "family":
        return FamilyHousehold.objects.none().values("pk")
    return VolunteerHousehold.objects.filter(
        Q(signups__created_at__gte=since) | Q(signups__confirmed_at__gte=since)
        | Q(screening__interview_held_at__gte=since)
        | Q(screening__decided_at__gte=since)).values("pk")
