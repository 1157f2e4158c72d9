"""Writes of the staff pages that span apps: a household registered with its members
and the consents given at intake, all or nothing. (Consent later on: voisins.gdpr.)"""

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from voisins.accounts.models import User
from voisins.households.models import FamilyHousehold, VolunteerHousehold
from voisins.households.services import family_create, volunteer_create
from voisins.privacy.services import consent_give
from voisins.programmes.models import Programme


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
