"""Request-level safeguards: two-factor login for the roles that need it, a cap on the
size of any request."""

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from voisins import access

# Paths a user without two factors may still reach: logging out, setting up TOTP, static
# files, choosing a language. The API authenticates by token, not by session.
MFA_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/jsi18n/", "/api/")


def needs_mfa_setup(user: object) -> bool:
    """True when `user` holds a role that must log in with two factors and has none yet."""
    required = {r for r in settings.VOISINS_REQUIRE_MFA_ROLES if r}
    if not required or not getattr(user, "is_authenticated", False):
        return False
    if not required & access.roles_of(user):
        return False
    from allauth.mfa.utils import is_mfa_enabled

    return not is_mfa_enabled(user, types=["totp"])


class RequireMFAMiddleware:
    """Send a coordinator (or any role of VOISINS_REQUIRE_MFA_ROLES) without TOTP to its
    set-up page before anything else; allauth then asks for the code at every login."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(MFA_EXEMPT_PREFIXES) and needs_mfa_setup(request.user):
            messages.warning(request, _("Your role requires two-factor authentication: "
                                        "set up an authenticator app to continue."))
            return redirect("mfa_activate_totp")
        return self.get_response(request)


class RequestSizeLimitMiddleware:
    """Refuse a request whose declared body is larger than VOISINS_MAX_REQUEST_BYTES (413),
    before anything reads it. Django's own limits leave file uploads uncapped."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.VOISINS_MAX_REQUEST_BYTES:
            return HttpResponse(_("The request is too large."), status=413,
                                content_type="text/plain; charset=utf-8")
        return self.get_response(request)
