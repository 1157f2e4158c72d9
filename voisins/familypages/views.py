"""Family pages (no account, a signed link) and the coordinator's links to the pages of
both kinds of household."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from voisins import access
from voisins.feedback import save_form
from voisins.households.models import FamilyHousehold, VolunteerHousehold
from voisins.households.selectors import households_with_programme
from voisins.households.services import household_message_choices_set

from . import links, selectors, services
from .decorators import family_page
from .forms import MessageChoicesForm

# The household kinds of the coordinator's link pages: model, access action, staff page.
STAFF_KINDS = {
    "family": (FamilyHousehold, "send_family_links", "staff:family"),
    "volunteer": (VolunteerHousehold, "send_volunteer_links", "staff:volunteer"),
}


@family_page
def home(request: HttpRequest, token: str) -> HttpResponse:
    return render(request, "familypages/home.html", selectors.family_home(
        family=request.family, token=token))


def message_choices_page(request: HttpRequest, token: str, kind: str) -> HttpResponse:
    """A household chooses how it is written to, on its own pages (either kind: the
    decorator of its kind has checked the link and set ``request.household``)."""
    household = request.household
    form = MessageChoicesForm(request.POST or None, household=household)
    if save_form(request, form, lambda: household_message_choices_set(
            household=household, via=f"{kind}-link", **form.cleaned_data),
            _("Your choices are saved.")):
        return redirect(request.path)
    return render(request, "familypages/message_choices.html", {
        "form": form, "token": token, "household": household, "kind": kind,
        "programme": household.programme,
        "base": "familypages/base.html" if kind == "family" else "portal/link_base.html",
        "home": links.KINDS[kind].home,
    }, status=400 if form.errors else 200)


@family_page
def message_choices(request: HttpRequest, token: str) -> HttpResponse:
    return message_choices_page(request, token, "family")


def _household(request: HttpRequest, slug: str, pk: int, kind: str
               ) -> FamilyHousehold | VolunteerHousehold:
    model, action, _page = STAFF_KINDS[kind]
    prog = access.programme_or_404(request.user, slug, action)
    return access.record_or_404(households_with_programme(model=model),
                                request.user, action, pk=pk, programme=prog)


def _links_page(request: HttpRequest, slug: str, pk: int, kind: str) -> HttpResponse:
    household = _household(request, slug, pk, kind)
    if request.method == "POST":
        # One live link at a time by default: a new one closes the others, unless the
        # coordinator asks to keep a family's other links open (a relative's phone).
        services.household_link_create(
            household=household, by=request.user,
            replace=kind == "volunteer" or request.POST.get("keep_others") != "1")
    if request.method == "POST" and not request.htmx:
        return redirect(STAFF_KINDS[kind][2], slug=slug, pk=pk)
    template = "familypages/_staff_links.html" if request.htmx else "familypages/staff_links.html"
    return render(request, template, selectors.household_links(household=household,
                                                               request=request))


def _revoke(request: HttpRequest, slug: str, pk: int, link_id: int, kind: str
            ) -> HttpResponse:
    household = _household(request, slug, pk, kind)
    link = links.household_links_of(household).filter(pk=link_id).first()
    if link is None:
        raise Http404
    if request.POST.get("confirm") != "1":
        # Asked twice, without JavaScript: what closing does and who learns of it.
        preview = selectors.revoke_preview(household=household)
        return render(request, "confirm.html", {
            "title": _("Close this link?"), **preview,
            "action": request.path, "button": _("Yes, close the link"),
            "cancel": reverse(STAFF_KINDS[kind][2], args=[slug, pk]),
            "final": _("A closed link cannot be opened again.")})
    services.household_link_revoke(link=link, by=request.user)
    if not request.htmx:
        return redirect(STAFF_KINDS[kind][2], slug=slug, pk=pk)
    return render(request, "familypages/_staff_links.html",
                  selectors.household_links(household=household, request=request))


@login_required
def staff_links(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _links_page(request, slug, pk, "family")


@login_required
@require_POST
def staff_revoke(request: HttpRequest, slug: str, pk: int, link_id: int) -> HttpResponse:
    return _revoke(request, slug, pk, link_id, "family")


@login_required
def staff_volunteer_links(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _links_page(request, slug, pk, "volunteer")


@login_required
@require_POST
def staff_volunteer_revoke(request: HttpRequest, slug: str, pk: int, link_id: int
                           ) -> HttpResponse:
    return _revoke(request, slug, pk, link_id, "volunteer")
