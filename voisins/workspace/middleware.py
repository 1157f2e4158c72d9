"""A logged-in user's own language choice wins over the browser's.

Django's LocaleMiddleware runs before authentication and so only knows the cookie and the
Accept-Language header; this one, placed after AuthenticationMiddleware, applies the
language stored on the account (chosen on any device) when there is one.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


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
