"""Writes on consent. Consent is given per purpose and withdrawn, never edited away."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from voisins.accounts.models import User
from voisins.households.models import FamilyHousehold, VolunteerHousehold

from .models import Consent
from .selectors import current_notice


@transaction.atomic
def consent_give(
    *,
    household: FamilyHousehold | VolunteerHousehold,
    purpose: str,
    recorded_by: User | None = None,
    given_by_name: str = "",
    interpreter: str = "",
    given_at: datetime | None = None,
) -> Consent:
    """Record that `household` agreed to `purpose` under the programme's current notice.

    Agreeing again to what it already agreed to under the same notice records nothing
    new: the consent in force is returned. ``given_at`` (default now) is for a consent
    given earlier and recorded now (a household that moved brings the consents it gave).

    Raises
    ------
    ValidationError
        On ``purpose`` for an unknown purpose, or naming the field too long.
    """
    notice = current_notice(household.programme_id)
    field = household.side
    existing = Consent.objects.filter(**{field: household}, purpose=purpose,
                                      withdrawn_at__isnull=True, notice=notice).first()
    if existing is not None:
        return existing
    consent = Consent(
        programme_id=household.programme_id,
        purpose=purpose,
        notice=notice,
        recorded_by=recorded_by,
        given_by_name=given_by_name,
        interpreter=interpreter,
    )
    if given_at is not None:
        consent.given_at = given_at
    if isinstance(household, FamilyHousehold):
        consent.family = household
    else:
        consent.volunteer = household
    consent.full_clean()
    consent.save()
    return consent


@transaction.atomic
def consent_withdraw(*, consent: Consent) -> Consent:
    """Withdraw a consent from now on (what was done under it before stays lawful).
    Withdrawing twice keeps the first date."""
    locked = Consent.objects.select_for_update().get(pk=consent.pk)
    if locked.withdrawn_at is None:
        locked.withdrawn_at = timezone.now()
        # update_fields without full_clean(): only the withdrawal time changes.
        locked.save(update_fields=["withdrawn_at"])
    consent.withdrawn_at = locked.withdrawn_at
    return locked
