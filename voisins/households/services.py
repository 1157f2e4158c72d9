"""Writes on households: creating them, placing them, moving them along their pipeline."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from voisins.accounts.models import User
from voisins.programmes.models import Programme

from .geocoding import coarsen, geocode_postcode, normalise_postcode
from .models import FamilyHousehold, Member, StatusChange, VolunteerHousehold
from .status import FAMILY_TRANSITIONS, VOLUNTEER_TRANSITIONS, FamilyStatus, can_move

Household = FamilyHousehold | VolunteerHousehold


def household_locate(
    household: Household, *, postcode: str, pin: tuple[float, float] | None = None
) -> None:
    """Place a household at its postcode's centroid, or at a pinned point rounded to ~100 m.

    Raises ValidationError on ``postcode`` when the programme's country has no such postcode.
    """
    place = geocode_postcode(household.programme.country, postcode)
    household.postcode = normalise_postcode(postcode)
    household.locality = place.locality
    if pin is not None:
        household.lat, household.lon = coarsen(*pin)
        household.pinned = True
    else:
        household.lat, household.lon = place.lat, place.lon
        household.pinned = False


def _create(
    model: type[Household],
    *,
    programme: Programme,
    postcode: str,
    members: Iterable[dict[str, Any]],
    by: User | None,
    pin: tuple[float, float] | None,
    fields: dict[str, Any],
) -> Household:
    household = model(programme=programme, **fields)
    household_locate(household, postcode=postcode, pin=pin)
    if model is FamilyHousehold and household.status == FamilyStatus.WAITING:
        household.waiting_since = household.waiting_since or timezone.now()
    household.full_clean()
    household.save()
    for member in members:
        m = Member(**member, **{"family" if model is FamilyHousehold else "volunteer": household})
        m.full_clean()
        m.save()
    _record_status(household, "", household.status, by=by, note=_("created"))
    return household


@transaction.atomic
def family_create(
    *,
    programme: Programme,
    postcode: str,
    members: Iterable[dict[str, Any]] = (),
    by: User | None = None,
    pin: tuple[float, float] | None = None,
    **fields: Any,
) -> FamilyHousehold:
    """Create a family with its members, placed at its postcode (or a pin), fully validated."""
    return _create(FamilyHousehold, programme=programme, postcode=postcode, members=members,
                   by=by, pin=pin, fields=fields)  # type: ignore[return-value]


@transaction.atomic
def volunteer_create(
    *,
    programme: Programme,
    postcode: str,
    members: Iterable[dict[str, Any]] = (),
    by: User | None = None,
    pin: tuple[float, float] | None = None,
    **fields: Any,
) -> VolunteerHousehold:
    """Create a volunteer household with its members, fully validated."""
    return _create(VolunteerHousehold, programme=programme, postcode=postcode, members=members,
                   by=by, pin=pin, fields=fields)  # type: ignore[return-value]


def _record_status(household: Household, old: str, new: str, *, by: User | None,
                   note: str = "") -> StatusChange:
    key = "family" if isinstance(household, FamilyHousehold) else "volunteer"
    return StatusChange.objects.create(
        **{key: household}, from_status=old, to_status=new, changed_by=by, note=note[:300]
    )


@transaction.atomic
def household_set_status(
    *, household: Household, status: str, by: User | None = None, note: str = ""
) -> Household:
    """Move a household along its pipeline, keeping the history.

    The row is locked so that two coordinators cannot make conflicting moves at once.

    Raises
    ------
    ValidationError
        On ``status``, when the pipeline does not allow that move.
    """
    model = type(household)
    locked = model.objects.select_for_update().get(pk=household.pk)
    transitions = FAMILY_TRANSITIONS if model is FamilyHousehold else VOLUNTEER_TRANSITIONS
    if not can_move(transitions, locked.status, status):
        labels = dict(model._meta.get_field("status").choices)
        raise ValidationError({"status": _("A household cannot go from “%(old)s” to “%(new)s”.")
                               % {"old": labels.get(locked.status, locked.status),
                                  "new": labels.get(status, status)}})
    old = locked.status
    locked.status = status
    update = ["status", "updated_at", "last_activity_at"]
    locked.last_activity_at = timezone.now()
    if model is FamilyHousehold and status == FamilyStatus.WAITING:
        locked.waiting_since = timezone.now()
        update.append("waiting_since")
    locked.save(update_fields=update)
    _record_status(locked, old, status, by=by, note=note)
    household.status = locked.status
    return locked
