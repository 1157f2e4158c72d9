"""Writes on family links: create one, revoke one, resolve a link a family opens, and the
link to put in a message to a family."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from voisins.accounts.models import User
from voisins.households.models import FamilyHousehold

from .models import FamilyLink

SALT = "voisins.familypages.link"
# A link opened again within this time does not rewrite its row.
TOUCH_EVERY = timedelta(minutes=10)


class FamilyLinkError(Exception):
    """A link that cannot open the family's pages. `reason` says why, for the kind page:
    "tampered" (not a link we made), "expired", or "revoked"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def family_link_token(link: FamilyLink) -> str:
    """The part of the URL that identifies `link`, signed with the site's secret."""
    return signing.Signer(salt=SALT).sign(link.key)


@transaction.atomic
def family_link_create(*, family: FamilyHousehold, by: User | None = None,
                       days: int | None = None) -> FamilyLink:
    """A new link to `family`'s pages, valid for `days` (the programme default when None).

    Raises ValidationError on ``days`` outside 1–365.
    """
    days = settings.VOISINS["FAMILY_LINK_DAYS"] if days is None else days
    if not isinstance(days, int) or not 1 <= days <= 365:
        raise ValidationError({"days": _("A link lasts between 1 and 365 days.")})
    now = timezone.now()
    link = FamilyLink(family=family, key=secrets.token_urlsafe(18), created_at=now,
                      created_by=by, expires_at=now + timedelta(days=days))
    link.full_clean()
    link.save()
    return link


@transaction.atomic
def family_link_revoke(*, link: FamilyLink, by: User | None = None) -> FamilyLink:
    """Stop `link` from working, at once and for good. Revoking twice changes nothing."""
    locked = FamilyLink.objects.select_for_update().get(pk=link.pk)
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.revoked_by = by
        locked.save(update_fields=["revoked_at", "revoked_by"])
    return locked


def family_link_resolve(*, token: str) -> FamilyLink:
    """The link (with its family and programme) behind `token`, if it still works.

    Raises
    ------
    FamilyLinkError
        "tampered" when the signature is wrong or the link unknown, "expired", "revoked".
    """
    try:
        key = signing.Signer(salt=SALT).unsign(token[:200])
    except signing.BadSignature as exc:
        raise FamilyLinkError("tampered") from exc
    link = (FamilyLink.objects.select_related("family__programme").filter(key=key).first())
    if link is None:
        raise FamilyLinkError("tampered")
    now = timezone.now()
    if link.revoked_at is not None:
        raise FamilyLinkError("revoked")
    if link.expires_at <= now:
        raise FamilyLinkError("expired")
    if link.last_used_at is None or now - link.last_used_at > TOUCH_EVERY:
        FamilyLink.objects.filter(pk=link.pk).update(last_used_at=now)
        link.last_used_at = now
    return link


def family_link_current(*, family: FamilyHousehold) -> FamilyLink:
    """The link to put in a message to `family`: its newest open link while that still
    works for a while (so that each e-mail does not make a new link), else a new one.

    "A while" is 30 days, or half a link's life when links last less than 60 days.
    """
    days = settings.VOISINS["FAMILY_LINK_DAYS"]
    left = timedelta(days=min(30, days / 2))
    link = (FamilyLink.objects.filter(family=family, revoked_at__isnull=True,
                                      expires_at__gt=timezone.now() + left)
            .order_by("-created_at", "-id").first())
    return link or family_link_create(family=family)


def family_page_url(*, family: FamilyHousehold, page: str = "familypages:home",
                    **kwargs: object) -> str:
    """The path of one of `family`'s pages (a URL name taking `token`, and `kwargs`),
    through its current link (see `family_link_current`)."""
    token = family_link_token(family_link_current(family=family))
    return reverse(page, kwargs={"token": token, **kwargs})
