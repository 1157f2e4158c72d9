"""Writes on API tokens: issuing and revoking them."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from voisins.accounts.models import User

from .models import ApiToken
from .tokens import TOKEN_PREFIX, token_digest


def token_create(*, user: User, name: str = "", days: int | None = None) -> tuple[ApiToken, str]:
    """Issue a new token for `user`; return the record and the token itself.

    The token is shown once: only its digest is stored.

    Raises
    ------
    ValidationError
        On ``days`` when the lifetime is not between 1 and 366 days; on ``user`` when the
        account is inactive.
    """
    days = settings.VOISINS_API_TOKEN_DAYS if days is None else days
    if not 1 <= days <= 366:
        raise ValidationError({"days": _("A token lives between 1 and 366 days.")})
    if not user.is_active:
        raise ValidationError({"user": _("This account is not active.")})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken(user=user, name=name, prefix=raw[:12], digest=token_digest(raw),
                     created_at=now, expires_at=now + timedelta(days=days))
    token.full_clean()
    token.save()
    return token, raw


def token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke a token at once; it stays listed, unusable, as a record."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        # update_fields without full_clean(): only the revocation time changes, set here.
        token.save(update_fields=["revoked_at"])
    return token


def token_user(*, raw: str) -> User | None:
    """The active user a usable token belongs to, or None. Marks the token as used."""
    if not raw or len(raw) > 200:
        return None
    token = (ApiToken.objects.select_related("user").filter(digest=token_digest(raw)).first())
    if token is None or not token.usable or not token.user.is_active:
        return None
    now = timezone.now()
    # At most one write a minute per token, so a busy client does not write on every call.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        # A bare update (no full_clean()): only the time of last use changes, set here.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


# --- Writes the API makes on records of other apps --------------------------------------
# Households have their own update service; the API uses it with optimistic locking.
from voisins.households.services import VersionConflict, household_update  # noqa: E402, F401
from voisins.programmes.services import programme_update  # noqa: E402, F401
