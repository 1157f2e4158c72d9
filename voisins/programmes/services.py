"""Writes on programmes: creating one, giving staff their roles."""

from django.db import transaction

from voisins.accounts.models import User

from .categories import BUILTIN_CATEGORIES
from .constants import Role
from .models import Membership, Organisation, Programme, ServiceCategory


@transaction.atomic
def programme_create(
    *,
    name: str,
    slug: str,
    country: str = "BE",
    languages: list[str] | None = None,
    organisations: list[Organisation] = (),  # type: ignore[assignment]
) -> Programme:
    """Create a programme with the built-in service categories of the practice sheet."""
    programme = Programme(name=name, slug=slug, country=country)
    if languages is not None:
        programme.languages = languages
    programme.full_clean()
    programme.save()
    programme.organisations.set(organisations)
    ServiceCategory.objects.bulk_create(
        ServiceCategory(programme=programme, code=c.code, icon=c.icon, position=i)
        for i, c in enumerate(BUILTIN_CATEGORIES)
    )
    return programme


def membership_grant(
    *, user: User, programme: Programme, role: Role | str, organisation: Organisation | None = None
) -> Membership:
    """Give `user` a role in `programme`, replacing any role they had there."""
    membership, _created = Membership.objects.update_or_create(
        user=user, programme=programme, defaults={"role": role, "organisation": organisation}
    )
    return membership


@transaction.atomic
def programme_set_matching_weights(*, programme: Programme, weights: dict,
                                   by: User | None = None) -> Programme:
    """Store the programme's matching weights (only those that differ from the defaults).

    ``weights`` may give some weights only: the others keep their stored value (for
    example the host-language codes, which the coordinators' form does not show).
    Raises ``ValidationError`` on ``matching_weights`` naming the bad weight; nothing is
    saved then.
    """
    from .matching_weights import overrides

    locked = Programme.objects.select_for_update().get(pk=programme.pk)
    stored = locked.matching_weights if isinstance(locked.matching_weights, dict) else {}
    locked.matching_weights = (overrides({**stored, **weights}) if isinstance(weights, dict)
                               else weights)
    locked.full_clean()
    locked.save(update_fields=["matching_weights"])
    return locked
