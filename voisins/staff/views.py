"""Staff pages: each view checks access through voisins.access, calls one service or
selector, and renders."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from voisins import access
from voisins.audit.services import SENSITIVE_FIELDS, audit_read
from voisins.households import selectors, services
from voisins.households.importers import import_households
from voisins.households.models import FamilyHousehold, VolunteerHousehold
from voisins.households.status import FAMILY_TRANSITIONS, VOLUNTEER_TRANSITIONS
from voisins.workspace.filters import FamilyFilter, VolunteerFilter
from voisins.workspace.selectors import filtered_page

from .forms import ImportForm, StatusForm

PAGE_SIZE = 50


def landing(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("staff:home")
    return redirect("account_login")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    programmes = list(access.programmes_for(request.user))
    if not programmes and access.volunteer_household_of(request.user) is not None:
        return redirect("portal:home")  # a volunteer household has its own page
    if len(programmes) == 1:
        return redirect("staff:programme", slug=programmes[0].slug)
    return render(request, "staff/home.html", {"programmes": programmes})


@login_required
def programme(request: HttpRequest, slug: str) -> HttpResponse:
    prog = access.programme_or_404(request.user, slug, "view_aggregates")
    return render(request, "staff/programme.html", {
        "programme": prog,
        "counts": selectors.status_counts(prog),
        "can_view_households": access.can(request.user, "view_households", prog),
    })


def _list(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    prog = access.programme_or_404(request.user, slug, "view_households")
    model, filter_class = ((FamilyHousehold, FamilyFilter) if kind == "families"
                           else (VolunteerHousehold, VolunteerFilter))
    filterset = filter_class(request.GET or None, queryset=model.objects.filter(programme=prog))
    page = filtered_page(filterset, request.GET.get("page"), PAGE_SIZE)
    template = "staff/_household_rows.html" if request.htmx else "staff/household_list.html"
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, template, {
        "programme": prog, "kind": kind, "page": page, "filter": filterset,
        "query": query.urlencode(), "sort": request.GET.get("sort", ""),
    })


@login_required
def family_list(request: HttpRequest, slug: str) -> HttpResponse:
    return _list(request, slug, "families")


@login_required
def volunteer_list(request: HttpRequest, slug: str) -> HttpResponse:
    return _list(request, slug, "volunteers")


def _detail(request: HttpRequest, slug: str, pk: int, model: type) -> HttpResponse:
    prog = access.programme_or_404(request.user, slug, "view_households")
    household = access.record_or_404(model.objects.prefetch_related(
        "members", "status_changes__changed_by"), request.user, "view_households", pk=pk,
        programme=prog)
    transitions = FAMILY_TRANSITIONS if model is FamilyHousehold else VOLUNTEER_TRANSITIONS
    labels = dict(model._meta.get_field("status").choices)
    audit_read(request, household, SENSITIVE_FIELDS[model._meta.model_name])
    return render(request, "staff/household_detail.html", {
        "programme": prog, "household": household,
        "kind": "families" if model is FamilyHousehold else "volunteers",
        "next_statuses": [(s, labels[s]) for s in sorted(transitions[household.status])],
        "can_match": access.can(request.user, "manage_matches", prog),
    })


@login_required
def family_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _detail(request, slug, pk, FamilyHousehold)


@login_required
def volunteer_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _detail(request, slug, pk, VolunteerHousehold)


@login_required
@require_POST
def household_status(request: HttpRequest, slug: str, kind: str, pk: int) -> HttpResponse:
    if kind not in ("families", "volunteers"):
        raise Http404
    prog = access.programme_or_404(request.user, slug, "edit_households")
    model = FamilyHousehold if kind == "families" else VolunteerHousehold
    household = access.record_or_404(model.objects.all(), request.user, "edit_households",
                                     pk=pk, programme=prog)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.household_set_status(household=household, status=form.cleaned_data["status"],
                                          by=request.user, note=form.cleaned_data["note"])
            messages.success(request, _("Status changed."))
        except ValidationError as exc:
            for message in exc.message_dict.get("status", exc.messages):
                messages.error(request, message)
    else:
        messages.error(request, _("Choose a status."))
    name = "staff:family" if kind == "families" else "staff:volunteer"
    return redirect(name, slug=prog.slug, pk=household.pk)


@login_required
def import_page(request: HttpRequest, slug: str) -> HttpResponse:
    prog = access.programme_or_404(request.user, slug, "import_households")
    result = None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            result = import_households(programme=prog, kind=form.cleaned_data["kind"],
                                       upload=upload, filename=upload.name, by=request.user)
            if result.ok:
                messages.success(request, _("%(n)s households imported.") % {"n": result.created})
                return redirect("staff:import", slug=prog.slug)
    else:
        form = ImportForm()
    return render(request, "staff/import.html", {"programme": prog, "form": form,
                                                 "result": result})
