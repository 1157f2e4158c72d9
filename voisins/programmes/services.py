"""Writes on programmes: creating one, its settings, its categories, its team."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms import EmailField
from django.utils.text import slugify
from django.utils.translation import gettext as _

from voisins.accounts.models import User

from .categories import BUILTIN_CATEGORIES
from .constants import Role
from .mail import notify, recipient_language
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
def programme_update(*, programme: Programme, changes: dict[str, Any]) -> Programme:
    """Change a programme's settings, fully validated, under a row lock.

    Raises
    ------
    ValidationError
        Naming each invalid field; nothing is written.
    """
    locked = Programme.objects.select_for_update().get(pk=programme.pk)
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.full_clean()  # the model asks the engine about matching weights
    locked.save()
    return locked


def category_add(*, programme: Programme, name: str, icon: str = "hands") -> ServiceCategory:
    """Add one of the programme's own service categories; its code comes from its name.

    Raises ValidationError on ``name`` when it is empty or the programme has it already.
    """
    code = slugify(name)[:40].strip("-")
    if not code:
        raise ValidationError({"name": _("Give a name made of letters or digits.")})
    if ServiceCategory.objects.filter(programme=programme, code=code).exists():
        raise ValidationError({"name": _("The programme already has this category.")})
    category = ServiceCategory(programme=programme, code=code, name=name.strip(), icon=icon,
                               position=programme.service_categories.count())
    category.full_clean()
    category.save()
    return category


def category_update(*, category: ServiceCategory, name: str, icon: str) -> ServiceCategory:
    """Rename one of the programme's own categories or change its pictogram. Its code
    stays: households and the matching engine keep speaking of the same category.

    Raises ValidationError on ``name`` when it is empty for a category of the programme's
    own."""
    category.name = (name or "").strip()
    category.icon = icon or category.icon
    category.full_clean()
    category.save()
    return category


def category_set_active(*, category: ServiceCategory, active: bool) -> ServiceCategory:
    """Offer a category again, or stop offering it (households keep what they have)."""
    category.active = active
    # update_fields without full_clean(): only a boolean changes.
    category.save(update_fields=["active"])
    return category


@transaction.atomic
def membership_invite(
    *, programme: Programme, email: str, role: str, organisation: str = "",
    by: User | None = None, language: str = "",
) -> Membership:
    """Give someone a staff role; a new person gets an account and an e-mail inviting
    them to choose a password (the link is made when the mail is written). A referrer's
    partner organisation is named by `organisation` and joins the programme's partners.

    Raises ValidationError on ``email`` or ``role``.
    """
    from allauth.account.models import EmailAddress

    email = User.objects.normalize_email(email.strip()).lower()
    try:
        EmailField().clean(email)
    except ValidationError:
        raise ValidationError({"email": _("Enter a valid e-mail address.")}) from None
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a role.")})
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if created:
        user = User(email=email, language=language or "")
        user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save()
        # The coordinator vouches for the address; only its owner can set the password.
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    if Membership.objects.filter(user=user, programme=programme).exists():
        raise ValidationError({"email": _("This person is already on the programme's team.")})
    partner = None
    if organisation.strip():
        partner, _created = Organisation.objects.get_or_create(name=organisation.strip()[:200])
        programme.organisations.add(partner)
    membership = membership_grant(user=user, programme=programme, role=role,
                                  organisation=partner)
    notify(kind="staff_invitation", to_email=email, programme=programme,
           language=recipient_language(user),
           context={"programme": programme.name, "role": role, "invited_by":
                    by.get_short_name() if by else "", "user_id": user.pk,
                    "new_account": created})
    return membership


@transaction.atomic
def membership_change(*, membership: Membership, role: str | None = None,
                      remove: bool = False) -> Membership | None:
    """Change a team member's role or take them off the team. A programme always keeps
    at least one coordinator.

    Raises ValidationError on ``role`` when this would leave the programme without one.
    """
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
    coordinators = Membership.objects.select_for_update().filter(
        programme_id=locked.programme_id, role=Role.COORDINATOR)
    leaving = remove or (role is not None and role != Role.COORDINATOR)
    if locked.role == Role.COORDINATOR and leaving and coordinators.count() <= 1:
        raise ValidationError({"role": _("The programme needs at least one coordinator.")})
    if remove:
        locked.delete()
        return None
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a role.")})
    locked.role = role
    # update_fields without full_clean(): the role is checked against its choices above.
    locked.save(update_fields=["role"])
    return locked


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
