"""Bearer tokens: `Authorization: Bearer <token>` from `voisins token EMAIL`."""

from django.http import HttpRequest
from ninja.throttling import AuthRateThrottle

from voisins.apibase import LimitedBearer
from voisins.audit.services import act_as

from .services import token_user


class TokenAuth(LimitedBearer):
    failures_key = "api-auth-failures"

    def find(self, request: HttpRequest, token: str) -> object | None:
        user = token_user(raw=token)
        if user is not None:
            request.user = user
            act_as(user=user)
        return user


class TokenRateThrottle(AuthRateThrottle):
    """Requests per minute per user, from VOISINS_API_RATE (read when the API is built)."""

    def get_cache_key(self, request: HttpRequest) -> str:
        user = getattr(request, "auth", None)
        ident = f"user-{user.pk}" if user is not None else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
