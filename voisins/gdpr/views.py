"""Coordinators' privacy pages: a record's audit log, a person's data export, erasure,
and the record of processing. Each checks access through voisins.access first."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from voisins import access
from voisins.audit.services import audit_read
from voisins.feedback import save_form
from voisins.households.models import FamilyHousehold, VolunteerHousehold
from voisins.households.selectors import households_with_programme
from voisins.privacy.services import consent_give, consent_withdraw

from . import selectors, services
from .forms import ConsentForm
from .pdf import export_pdf

MODELS = {"families": FamilyHousehold, "volunteers": VolunteerHousehold}


def _household(request: HttpRequest, slug: str, kind: str, pk: int, action: str):
    if kind not in MODELS:
        raise Http404
    programme = access.programme_or_404(request.user, slug, action)
    household = access.record_or_404(households_with_programme(model=MODELS[kind]),
                                     request.user, action, pk=pk, programme=programme)
    return programme, household


@login_required
def audit_log(request: HttpRequest, slug: str, kind: str, pk: int) -> HttpResponse:
    programme, household = _household(request, slug, kind, pk, "view_audit_log")
    page = Paginator(selectors.audit_entries(household), 50).get_page(request.GET.get("page"))
    return render(request, "gdpr/audit_log.html", {
        "programme": programme, "household": household, "kind": kind, "page": page,
        "erased": selectors.is_erased(household),
    })


@login_required
def export(request: HttpRequest, slug: str, kind: str, pk: int, fmt: str) -> HttpResponse:
    if fmt not in ("json", "pdf"):
        raise Http404
    _programme, household = _household(request, slug, kind, pk, "export_personal_data")
    data = selectors.household_export(household)
    audit_read(by=request, record=household, fields=["export"], via=f"export-{fmt}")
    filename = f"voisins-{kind}-{household.pk}.{fmt}"
    if fmt == "json":
        body = json.dumps(data, indent=2, ensure_ascii=False, default=str)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    else:
        response = HttpResponse(export_pdf(data), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def erase(request: HttpRequest, slug: str, kind: str, pk: int) -> HttpResponse:
    programme, household = _household(request, slug, kind, pk, "erase_personal_data")
    if request.method == "POST":
        if request.POST.get("confirm") != "erase":
            messages.error(request, _("Tick the box to confirm the erasure."))
        else:
            services.household_erase(household=household, by=request.user)
            messages.success(request, _("The household was anonymised."))
            return redirect("gdpr:audit", slug=programme.slug, kind=kind, pk=household.pk)
    return render(request, "gdpr/erase.html", {
        "programme": programme, "household": household, "kind": kind,
        "erased": selectors.is_erased(household),
    })


@login_required
def consents(request: HttpRequest, slug: str, kind: str, pk: int) -> HttpResponse:
    """What a household agreed to; a coordinator records a consent or a withdrawal."""
    programme, household = _household(request, slug, kind, pk, "record_consents")
    form = ConsentForm(request.POST if request.POST.get("action") == "give" else None)
    if request.method == "POST":
        if request.POST.get("action") == "withdraw":
            consent = household.consents.filter(
                pk=request.POST.get("consent") if str(request.POST.get("consent", ""))
                .isdigit() else None).first()
            if consent is None:
                raise Http404
            consent_withdraw(consent=consent)
            messages.success(request, _("The consent is withdrawn from now on."))
            return redirect("gdpr:consents", slug=programme.slug, kind=kind, pk=household.pk)
        if save_form(request, form, lambda: consent_give(
                household=household, recorded_by=request.user, **form.cleaned_data),
                _("The consent is recorded.")):
            return redirect("gdpr:consents", slug=programme.slug, kind=kind, pk=household.pk)
    audit_read(by=request, record=household, fields=["consents"])
    return render(request, "gdpr/consents.html", {
        "programme": programme, "household": household, "kind": kind, "form": form,
        "consents": household.consents.select_related("notice", "recorded_by")
        .order_by("-given_at", "-id"),
    }, status=422 if form.errors else 200)


@login_required
def processing_record(request: HttpRequest, slug: str) -> HttpResponse:
    programme = access.programme_or_404(request.user, slug, "view_processing_record")
    record = selectors.processing_record(programme)
    fmt = request.GET.get("format", "")
    if fmt == "json":
        response = HttpResponse(json.dumps(record, indent=2, ensure_ascii=False, default=str),
                                content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="processing-record-{programme.slug}.json"')
        return response
    if fmt == "markdown":
        response = HttpResponse(selectors.processing_record_markdown(record),
                                content_type="text/markdown; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="processing-record-{programme.slug}.md"')
        return response
    return render(request, "gdpr/processing_record.html", {
        "programme": programme, "markdown": selectors.processing_record_markdown(record),
    })


