"""Reads on consent: the notice in force, and whether a household consents now."""

from datetime import datetime

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
    field = "family" if isinstance(household, FamilyHousehold) else "volunteer"
    return Consent.objects.filter(
        **{field: household}, purpose=purpose, withdrawn_at__isnull=True
    ).exists()
