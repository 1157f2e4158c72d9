"""`@family_page` and `@volunteer_page`: what every page a household opens through its
signed link goes through (one mechanism, `household_page(kind)`).

Pages of other apps (a proposal to answer, a check-in) use them too:

    @family_page
    def checkin(request, token):            # request.family, request.family_link
        ...

    @volunteer_page
    def home(request, token):               # request.volunteer, request.household_link
        ...

A stale or changed link gets the kind page instead of the view, in the browser's language.
"""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from voisins.households.models import FamilyHousehold

from .selectors import volunteer_page_language
from .services import FamilyLinkError, household_link_resolve

STATUS_FOR_REASON = {"tampered": 404, "expired": 410, "revoked": 410}


def _no_trace(response: HttpResponse) -> HttpResponse:
    # The URL is the household's key: never cached, never sent to another site, not indexed.
    # (same-origin rather than no-referrer: with no-referrer the browser sends "Origin: null"
    # on the page's own forms, which the CSRF check rightly refuses.)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _chosen(request: HttpRequest) -> str:
    known = {code for code, _name in settings.LANGUAGES}
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    return chosen if chosen in known else ""


def family_language(request: HttpRequest, family: FamilyHousehold) -> str:
    """The family's own choice on these pages (cookie), else the language the coordinator
    set for it, else the browser's."""
    known = {code for code, _name in settings.LANGUAGES}
    if chosen := _chosen(request):
        return chosen
    if family.page_language in known:
        return family.page_language
    return translation.get_language_from_request(request)


def household_page(kind: str) -> Callable[[Callable[..., HttpResponse]],
                                           Callable[..., HttpResponse]]:
    """The decorator of pages opened through a household's link of `kind`."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, token: str, *args, **kwargs) -> HttpResponse:
            try:
                link = household_link_resolve(token=token, kind=kind)
            except FamilyLinkError as exc:
                return _no_trace(render(request, "familypages/link_problem.html",
                                        {"reason": exc.reason, "kind": kind},
                                        status=STATUS_FOR_REASON[exc.reason]))
            household = link.household
            request.household_link = link
            request.household = household
            request.household_token = token
            if kind == "family":
                request.family_link = link
                request.family = household
                request.family_token = token
                language = family_language(request, household)
            else:
                request.volunteer = household
                language = _chosen(request) or volunteer_page_language(household)
            with translation.override(language):
                request.LANGUAGE_CODE = language
                response = view(request, token, *args, **kwargs)
                if hasattr(response, "render") and not response.is_rendered:
                    response.render()
            response.headers["Content-Language"] = language
            return _no_trace(response)

        return wrapper

    return decorator


family_page = household_page("family")
volunteer_page = household_page("volunteer")
