"""Reads on consent: the notice in force, whether a household consents now, consent records
with their notice."""

from datetime import datetime

from django.db.models import QuerySet

from voisins.households.models import FamilyHousehold, VolunteerHousehold

from .models import Consent, PrivacyNotice


def current_notice(programme_id: int) -> PrivacyNotice | None:
    """The programme's newest privacy notice (None before the first one was published)."""
    return PrivacyNotice.objects.filter(programme_id=programme_id).order_by("-published_at").first()


def notice_at(programme_id: int, moment: datetime) -> PrivacyNotice | None:
    """The notice in force at `moment` (None before the first one was published)."""
    return (PrivacyNotice.objects.filter(programme_id=programme_id, published_at__lte=moment)
            .order_by("-published_at").first())


def has_consent(household: FamilyHousehold | VolunteerHousehold, purpose: str) -> bool:
    """True when the household has a consent for `purpose` that was not withdrawn."""
    return Consent.objects.filter(
        **{household.side: household}, purpose=purpose, withdrawn_at__isnull=True
    ).exists()


def consents_with_notice() -> QuerySet[Consent]:
    """Consent records with the privacy notice each was given under, for access to narrow
    to the one asked for."""
    return Consent.objects.select_related("notice")
