"""Reads of accounts."""

from .models import User


def active_user(*, pk: int) -> User | None:
    """The account `pk` if it may still log in, else None (who a case or match is given to)."""
    return User.objects.filter(pk=pk, is_active=True).first()
