"""Writes of the staff pages that span apps: a household registered with its members
and the consents given at intake, all or nothing. (Consent later on: voisins.gdpr.)"""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from voisins.accounts.models import User
from voisins.households.models import FamilyHousehold, VolunteerHousehold
from voisins.households.services import family_create, household_set_status, volunteer_create
from voisins.households.status import VolunteerStatus
from voisins.privacy.services import consent_give
from voisins.programmes.models import Programme
from voisins.recruitment.models import Decision, Screening
from voisins.training.selectors import missing_required_modules


@transaction.atomic
def household_register(
    *,
    programme: Programme,
    kind: str,
    fields: dict[str, Any],
    members: Iterable[dict[str, Any]] = (),
    consents: Iterable[str] = (),
    given_by_name: str = "",
    interpreter: str = "",
    by: User | None = None,
) -> FamilyHousehold | VolunteerHousehold:
    """Create a family (``kind="families"``) or a volunteer household with its members,
    and record the consents it gave at intake (who spoke for it, with which interpreter).

    Raises
    ------
    ValidationError
        Naming the field at fault; nothing is written.
    """
    create = family_create if kind == "families" else volunteer_create
    fields = dict(fields)
    household = create(programme=programme, postcode=fields.pop("postcode"),
                       members=members, by=by, **fields)
    for purpose in consents:
        consent_give(household=household, purpose=purpose, recorded_by=by,
                     given_by_name=given_by_name, interpreter=interpreter)
    return household


# The steps a volunteer household takes towards matching, and what each needs.
_ENTRY = (VolunteerStatus.APPLIED, VolunteerStatus.SCREENED, VolunteerStatus.TRAINED)


def volunteer_move_refusal(volunteer: VolunteerHousehold, status: str) -> str:
    """Why a coordinator may not move a volunteer household to ``status`` from its page
    ("" when it may): it reaches "screened" through an accepted screening, and "trained"
    or "available" once screened and trained in every required module — unless a
    coordinator recorded an exception when creating it. Moves back (from a pause or a
    match) are the pipeline's own."""
    wanted = {VolunteerStatus.SCREENED, VolunteerStatus.TRAINED, VolunteerStatus.AVAILABLE}
    if status not in wanted or volunteer.status not in _ENTRY or volunteer.exception_at:
        return ""
    if not Screening.objects.filter(volunteer=volunteer, decision=Decision.ACCEPTED).exists():
        return _("Record the screening first (interview, charter, decision): an accepted "
                 "screening makes the household “%(status)s”.") % {
                     "status": VolunteerStatus.SCREENED.label}
    if status != VolunteerStatus.SCREENED:
        missing = missing_required_modules(volunteer)
        if missing:
            return _("This volunteer household has not attended the required training yet: "
                     "%(modules)s.") % {"modules": ", ".join(m.title for m in missing)}
    return ""


@transaction.atomic
def household_move(*, household: FamilyHousehold | VolunteerHousehold, status: str,
                   by: User | None = None, note: str = "") -> FamilyHousehold | VolunteerHousehold:
    """A coordinator moves a household along its pipeline from its page.

    Raises
    ------
    ValidationError
        On ``status``: a move the pipeline does not allow, or a volunteer household
        moved towards matching without its screening or required training
        (:func:`volunteer_move_refusal`).
    """
    if isinstance(household, VolunteerHousehold):
        reason = volunteer_move_refusal(household, status)
        if reason:
            raise ValidationError({"status": reason})
    return household_set_status(household=household, status=status, by=by, note=note)
