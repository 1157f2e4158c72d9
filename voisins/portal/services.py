"""Writes a volunteer household makes on itself from its portal."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from voisins.accounts.models import User
from voisins.households.models import VolunteerHousehold
from voisins.households.services import household_set_status
from voisins.households.status import VOLUNTEER_TRANSITIONS, VolunteerStatus, can_move


@transaction.atomic
def volunteer_update_preferences(*, volunteer: VolunteerHousehold, offers: list[str],
                                 availability: list[str], radius_km: float,
                                 capacity: int) -> VolunteerHousehold:
    """Change what the household offers, when, how far and for how many families."""
    volunteer = VolunteerHousehold.objects.select_for_update().get(pk=volunteer.pk)
    volunteer.offers, volunteer.availability = list(offers), list(availability)
    volunteer.radius_km, volunteer.capacity = radius_km, capacity
    volunteer.last_activity_at = timezone.now()
    volunteer.full_clean()
    volunteer.save()
    return volunteer


def volunteer_pause(*, volunteer: VolunteerHousehold, by: User | None) -> VolunteerHousehold:
    """The household takes a break: it is proposed to no family until it comes back."""
    if not can_move(VOLUNTEER_TRANSITIONS, volunteer.status, VolunteerStatus.PAUSED):
        raise ValidationError({"status": _("A pause is possible once your training is done.")})
    return household_set_status(household=volunteer, status=VolunteerStatus.PAUSED, by=by,
                                note=_("paused by the household"))


def volunteer_resume(*, volunteer: VolunteerHousehold, by: User | None) -> VolunteerHousehold:
    """The household is back from its pause and available again."""
    if volunteer.status != VolunteerStatus.PAUSED:
        raise ValidationError({"status": _("You are not on a pause.")})
    return household_set_status(household=volunteer, status=VolunteerStatus.AVAILABLE, by=by,
                                note=_("back from a pause"))
