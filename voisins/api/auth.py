"""Bearer tokens: `Authorization: Bearer <token>` from `voisins token EMAIL`."""

from django.core.cache import cache
from django.http import HttpRequest
from ninja.security import HttpBearer
from ninja.throttling import AuthRateThrottle

from voisins.audit.services import act_as
from voisins.security.client import client_address

from .services import token_user

# Failed authentications per client address and minute before every attempt is refused.
MAX_FAILURES_PER_MINUTE = 30


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> object | None:
        key = f"api-auth-failures:{client_address(request)}"
        if (cache.get(key) or 0) >= MAX_FAILURES_PER_MINUTE:
            return None
        user = token_user(raw=token)
        if user is None:
            cache.add(key, 0, 60)
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, 60)
            return None
        request.user = user
        act_as(user=user)
        return user


class TokenRateThrottle(AuthRateThrottle):
    """Requests per minute per user, from VOISINS_API_RATE (read when the API is built)."""

    def get_cache_key(self, request: HttpRequest) -> str:
        user = getattr(request, "auth", None)
        ident = f"user-{user.pk}" if user is not None else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
