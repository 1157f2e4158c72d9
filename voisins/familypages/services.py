"""Writes on households' personal links, one mechanism for both kinds of household: create
one, revoke one, resolve a link a household opens, and the link to put in a message to a
household. A family's link opens `/f/<token>/`, a volunteer household's `/v/<token>/`.

The `family_link_*` names are the family side of the same functions, kept for the pages
and tests written before volunteer households had links.
"""

import secrets
from datetime import timedelta

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from voisins.accounts.models import User
from voisins.households.models import FamilyHousehold, Household

from .links import (
    KINDS,
    household_link_token,
    household_links_of,
    link_days,
    link_kind,
)
from .models import FamilyLink, HouseholdLink

# A link opened again within this time does not rewrite its row.
TOUCH_EVERY = timedelta(minutes=10)


class FamilyLinkError(Exception):
    """A link that cannot open a household's pages. `reason` says why, for the kind page:
    "tampered" (not a link we made), "expired", or "revoked"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


HouseholdLinkError = FamilyLinkError


@transaction.atomic
def household_link_create(*, household: Household, by: User | None = None,
                          days: int | None = None, replace: bool = False) -> HouseholdLink:
    """A new link to `household`'s pages, valid for `days` (the setting when None).

    ``replace`` closes the household's other open links in the same transaction (what a
    coordinator does by default: one live link at a time).

    Raises ValidationError on ``days`` outside 1–365.
    """
    kind = link_kind(household)
    days = link_days(kind) if days is None else days
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 365:
        raise ValidationError({"days": _("A link lasts between 1 and 365 days.")})
    now = timezone.now()
    if replace:
        # A bare update (no full_clean()): only the revocation time and who revoked change.
        household_links_of(household).filter(revoked_at__isnull=True, expires_at__gt=now).update(
            revoked_at=now, revoked_by=by)
    link = kind.model(key=secrets.token_urlsafe(18), created_at=now, created_by=by,
                      expires_at=now + timedelta(days=days),
                      **{kind.model.household_field: household})
    link.full_clean()
    link.save()
    return link


def family_link_create(*, family: FamilyHousehold, by: User | None = None,
                       days: int | None = None) -> FamilyLink:
    """A new link to `family`'s pages (see `household_link_create`)."""
    return household_link_create(household=family, by=by, days=days)


@transaction.atomic
def household_link_revoke(*, link: HouseholdLink, by: User | None = None) -> HouseholdLink:
    """Stop `link` from working, at once and for good. Revoking twice changes nothing."""
    locked = type(link).objects.select_for_update().get(pk=link.pk)
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.revoked_by = by
        # update_fields without full_clean(): only the revocation time and who revoked change.
        locked.save(update_fields=["revoked_at", "revoked_by"])
    return locked


family_link_revoke = household_link_revoke


def household_link_resolve(*, token: str, kind: str = "family") -> HouseholdLink:
    """The link (with its household and programme) behind `token`, if it still works.

    Raises
    ------
    FamilyLinkError
        "tampered" when the signature is wrong (a token of the other kind included) or the
        link unknown, "expired", "revoked".
    """
    spec = KINDS[kind]
    try:
        key = signing.Signer(salt=spec.salt).unsign(token[:200])
    except signing.BadSignature as exc:
        raise FamilyLinkError("tampered") from exc
    field = spec.model.household_field
    link = spec.model.objects.select_related(f"{field}__programme").filter(key=key).first()
    if link is None:
        raise FamilyLinkError("tampered")
    now = timezone.now()
    if link.revoked_at is not None:
        raise FamilyLinkError("revoked")
    if link.expires_at <= now:
        raise FamilyLinkError("expired")
    if link.last_used_at is None or now - link.last_used_at > TOUCH_EVERY:
        # A bare update (no full_clean()): only the time of last use changes.
        spec.model.objects.filter(pk=link.pk).update(last_used_at=now)
        link.last_used_at = now
    return link


def family_link_resolve(*, token: str) -> FamilyLink:
    """The family's link behind `token` (see `household_link_resolve`)."""
    return household_link_resolve(token=token, kind="family")


def household_link_current(*, household: Household) -> HouseholdLink:
    """The link to put in a message to `household`: its newest open link while that still
    works for a while (so that each message does not make a new link), else a new one.

    "A while" is 30 days, or half a link's life when links last less than 60 days.
    """
    days = link_days(link_kind(household))
    left = timedelta(days=min(30, days / 2))
    link = (household_links_of(household).filter(revoked_at__isnull=True,
                                        expires_at__gt=timezone.now() + left)
            .order_by("-created_at", "-id").first())
    return link or household_link_create(household=household)


def family_link_current(*, family: FamilyHousehold) -> FamilyLink:
    return household_link_current(household=family)


def household_page_url(*, household: Household, page: str = "", **kwargs: object) -> str:
    """The link to put in a message to `household`: the path of one of its pages (a URL
    name taking `token`, and `kwargs`; its home when empty), through its current link (see
    `household_link_current`). Families and volunteer households alike, with or without
    an account."""
    link = household_link_current(household=household)
    return reverse(page or link_kind(household).home,
                   kwargs={"token": household_link_token(link), **kwargs})


def family_page_url(*, family: FamilyHousehold, page: str = "familypages:home",
                    **kwargs: object) -> str:
    """The path of one of `family`'s pages (see `household_page_url`)."""
    return household_page_url(household=family, page=page, **kwargs)
