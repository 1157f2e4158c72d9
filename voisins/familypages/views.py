"""Family pages (no account, a signed link) and the coordinator's links to them."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from voisins import access
from voisins.households.models import FamilyHousehold

from . import selectors, services
from .decorators import family_page
from .models import FamilyLink


@family_page
def home(request: HttpRequest, token: str) -> HttpResponse:
    return render(request, "familypages/home.html", selectors.family_home(
        family=request.family, token=token))


def _family(request: HttpRequest, slug: str, pk: int) -> FamilyHousehold:
    prog = access.programme_or_404(request.user, slug, "send_family_links")
    return access.record_or_404(FamilyHousehold.objects.select_related("programme"),
                                request.user, "send_family_links", pk=pk, programme=prog)


@login_required
def staff_links(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    family = _family(request, slug, pk)
    if request.method == "POST":
        services.family_link_create(family=family, by=request.user)
    if request.method == "POST" and not request.htmx:
        return redirect("staff:family", slug=slug, pk=pk)
    template = "familypages/_staff_links.html" if request.htmx else "familypages/staff_links.html"
    return render(request, template, selectors.family_links(family=family, request=request))


@login_required
@require_POST
def staff_revoke(request: HttpRequest, slug: str, pk: int, link_id: int) -> HttpResponse:
    family = _family(request, slug, pk)
    link = FamilyLink.objects.filter(family=family, pk=link_id).first()
    if link is None:
        raise Http404
    services.family_link_revoke(link=link, by=request.user)
    if not request.htmx:
        return redirect("staff:family", slug=slug, pk=pk)
    return render(request, "familypages/_staff_links.html",
                  selectors.family_links(family=family, request=request))
