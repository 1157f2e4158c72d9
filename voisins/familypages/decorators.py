"""`@family_page`: what every page a family opens through its signed link goes through.

Pages of other apps (a proposal to answer, a check-in) use it too:

    @family_page
    def checkin(request, token):            # request.family, request.family_link
        ...

A stale or changed link gets the kind page instead of the view, in the browser's language.
"""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from .services import FamilyLinkError, family_link_resolve

STATUS_FOR_REASON = {"tampered": 404, "expired": 410, "revoked": 410}


def _no_trace(response: HttpResponse) -> HttpResponse:
    # The URL is the family's key: never cached, never sent to another site, not indexed.
    # (same-origin rather than no-referrer: with no-referrer the browser sends "Origin: null"
    # on the page's own forms, which the CSRF check rightly refuses.)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def family_language(request: HttpRequest, family) -> str:
    """The family's own choice on these pages (cookie), else the language the coordinator
    set for it, else the browser's."""
    known = {code for code, _name in settings.LANGUAGES}
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if chosen in known:
        return chosen
    if family.page_language in known:
        return family.page_language
    return translation.get_language_from_request(request)


def family_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, token: str, *args, **kwargs) -> HttpResponse:
        try:
            link = family_link_resolve(token=token)
        except FamilyLinkError as exc:
            return _no_trace(render(request, "familypages/link_problem.html",
                                    {"reason": exc.reason},
                                    status=STATUS_FOR_REASON[exc.reason]))
        request.family_link = link
        request.family = link.family
        request.family_token = token
        language = family_language(request, link.family)
        with translation.override(language):
            request.LANGUAGE_CODE = language
            response = view(request, token, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        response.headers["Content-Language"] = language
        return _no_trace(response)

    return wrapper
