"""The shell's own pages: global search and the language choice. The map is in maps.py."""

from contextlib import suppress

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from voisins.audit.services import LIST_FIELDS, audit_list

from . import selectors, services


@login_required
def search(request: HttpRequest) -> HttpResponse:
    # PostgreSQL refuses NUL characters in a query: drop them rather than fail.
    q = request.GET.get("q", "").replace("\x00", "")[:100]
    results = selectors.household_search_all(user=request.user, q=q)
    # Finding a household by its number reads the number: the phone counts as shown.
    fields = LIST_FIELDS | ({"phone"} if sum(ch.isdigit() for ch in q) >= 3 else set())
    found = results["families"] + results["volunteers"]
    for programme in {h.programme for h in found}:
        audit_list(request=request, programme=programme,
                   households=[h for h in found if h.programme == programme],
                   fields=fields, via="search")
    template = "workspace/_search_results.html" if request.htmx else "workspace/search.html"
    return render(request, template, {"q": q, "results": results})


@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """Set the page language; a logged-in user's choice is also kept on the account."""
    if request.user.is_authenticated:
        # Django's view below ignores an unknown language the same way.
        with suppress(ValidationError):
            services.user_set_language(user=request.user,
                                       language=request.POST.get("language", ""))
    return set_language(request)
