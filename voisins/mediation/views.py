"""Mediation pages for coordinators and mediators: access check, one service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from voisins import access
from voisins.audit.services import audit_read
from voisins.matches.selectors import matches_for
from voisins.matches.views import _attempt, _errors, _form_errors

from . import selectors, services
from .forms import CallbackDoneForm, CaseForm, NoteForm, ResolveForm
from .models import Callback, Case, OpenedBy


@login_required
def case_list(request: HttpRequest, slug: str) -> HttpResponse:
    prog = access.programme_or_404(request.user, slug, "mediate")
    status = request.GET.get("status", "open")
    queryset = selectors.cases_visible(prog, request.user)
    if status in Case.Status.values:
        queryset = queryset.filter(status=status)
    return render(request, "mediation/case_list.html", {
        "programme": prog, "page": Paginator(queryset, 50).get_page(request.GET.get("page")),
        "status": status, "form": CaseForm(),
        "callbacks": selectors.callbacks_open(prog, request.user)})


@login_required
@require_POST
def case_new(request: HttpRequest, slug: str) -> HttpResponse:
    prog = access.programme_or_404(request.user, slug, "mediate")
    form = CaseForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("mediation:cases", slug=prog.slug)
    match = None
    if form.cleaned_data["match"]:
        match = matches_for(prog, request.user).filter(pk=form.cleaned_data["match"]).first()
        if match is None:
            messages.error(request, _("Match number: no such match."))
            return redirect("mediation:cases", slug=prog.slug)
    try:
        case = services.case_open(programme=prog, kind=form.cleaned_data["kind"],
                                  summary=form.cleaned_data["summary"],
                                  opened_by=OpenedBy.STAFF, by=request.user, match=match)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("mediation:cases", slug=prog.slug)
    messages.success(request, _("Case opened."))
    if not selectors.cases_visible(prog, request.user).filter(pk=case.pk).exists():
        return redirect("mediation:cases", slug=prog.slug)
    return redirect("mediation:case", slug=prog.slug, pk=case.pk)


def _case(request: HttpRequest, slug: str, pk: int):  # noqa: ANN202
    prog = access.programme_or_404(request.user, slug, "mediate")
    case = access.record_or_404(selectors.cases_visible(prog, request.user), request.user,
                                "mediate", pk=pk)
    return prog, case


@login_required
def case_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    prog, case = _case(request, slug, pk)
    audit_read(request, case, selectors.CASE_CONTENT)
    return render(request, "mediation/case_detail.html", {
        "programme": prog, "case": case, "notes": case.notes.select_related("author"),
        "callbacks": case.callbacks.all(), "note_form": NoteForm(),
        "resolve_form": ResolveForm(), "done_form": CallbackDoneForm(),
        "can_assign": access.can(request.user, "manage_matches", prog),
        "staff": prog.memberships.filter(
            role__in=["coordinator"] if case.is_safeguarding else ["coordinator", "mediator"]
        ).select_related("user"),
    })


@login_required
@require_POST
def case_note(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    prog, case = _case(request, slug, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        _attempt(request, lambda: services.case_add_note(case=case, by=request.user,
                                                         **form.cleaned_data),
                 _("Note added."))
    else:
        _form_errors(request, form)
    return redirect("mediation:case", slug=prog.slug, pk=case.pk)


@login_required
@require_POST
def case_assign(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    prog, case = _case(request, slug, pk)
    access.programme_or_404(request.user, slug, "manage_matches")
    raw = request.POST.get("assigned_to", "")
    user = None
    if raw:
        membership = prog.memberships.filter(user_id=raw if raw.isdigit() else None).first()
        user = membership.user if membership else None
        if user is None:
            messages.error(request, _("Mediator: choose someone of this programme."))
            return redirect("mediation:case", slug=prog.slug, pk=case.pk)
    _attempt(request, lambda: services.case_assign(case=case, mediator=user, by=request.user),
             _("Case assigned."))
    return redirect("mediation:case", slug=prog.slug, pk=case.pk)


@login_required
@require_POST
def case_resolve(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    prog, case = _case(request, slug, pk)
    form = ResolveForm(request.POST)
    if form.is_valid():
        _attempt(request, lambda: services.case_resolve(
            case=case, resolution=form.cleaned_data["resolution"], by=request.user),
            _("Case resolved."))
    else:
        _form_errors(request, form)
    return redirect("mediation:case", slug=prog.slug, pk=case.pk)


@login_required
@require_POST
def callback_done(request: HttpRequest, slug: str, pk: int, callback_pk: int) -> HttpResponse:
    prog, case = _case(request, slug, pk)
    callback = Callback.objects.filter(pk=callback_pk, case=case).first()
    form = CallbackDoneForm(request.POST)
    if callback is None:
        messages.error(request, _("No such callback."))
    elif form.is_valid():
        _attempt(request, lambda: services.callback_done(callback=callback, by=request.user,
                                                         **form.cleaned_data),
                 _("Call logged."))
    else:
        _form_errors(request, form)
    return redirect("mediation:case", slug=prog.slug, pk=case.pk)
