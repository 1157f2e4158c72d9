"""The workspace's middleware.

UserLanguageMiddleware: a logged-in user's own language choice wins over the browser's.
Django's LocaleMiddleware runs before authentication and so only knows the cookie and the
Accept-Language header; this one, placed after AuthenticationMiddleware, applies the
language stored on the account (chosen on any device) when there is one.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from voisins.lists.counts import nav_counts_changed


class UserLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.known = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if getattr(
            user, "is_authenticated", False) else ""
        if language in self.known:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if language in self.known:
            response.headers.setdefault("Content-Language", language)
        return response


class NavCountsMiddleware:
    """After any request that may have written (not GET, HEAD or OPTIONS), the navigation
    counts are counted again: a coordinator who just sent proposals sees the new figure,
    also when the view changed rows in bulk, which sends no signal."""

    SAFE = frozenset({"GET", "HEAD", "OPTIONS"})

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method not in self.SAFE:
            nav_counts_changed()
        return response
