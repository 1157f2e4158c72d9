"""Mediation pages for coordinators and mediators: access check, one service, render."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from voisins import access, rows
from voisins.audit.services import audit_list, audit_read
from voisins.feedback import errors_to_messages
from voisins.households.models import FamilyHousehold, VolunteerHousehold
from voisins.lists.exports import wants_export
from voisins.lists.pages import list_query, render_list
from voisins.matches.selectors import matches_for
from voisins.messaging.feedback import attempt

from . import selectors, services
from .filters import CaseFilter
from .forms import CallbackDoneForm, CaseForm, NoteForm, ResolveForm
from .models import Case, OpenedBy


def _case_list_page(request: HttpRequest, prog) -> HttpResponse:
    visible = selectors.cases_visible(prog, request.user)
    filterset = CaseFilter(list_query(request, status=Case.Status.OPEN),
                           # Only what the list shows: no summary is decrypted for it, and
                           # the five related rows give only the names shown.
                           queryset=selectors.cases_for_list(visible))
    contacts = access.sees_contact_details(request.user, prog)
    # The call list is on the whole page only (not the rows htmx asks for, not an export).
    callbacks = [] if request.htmx or wants_export(request) else selectors.callback_list_rows(
        selectors.callbacks_for_list(selectors.callbacks_open(prog, request.user,
                                                              cases=visible),
                                     contacts=contacts),
        link=rows.links("mediation:case", prog.slug))
    if contacts:  # the call list names and numbers households: audited
        audit_list(request=request, programme=prog,
                   households=[(VolunteerHousehold if cb["household_kind"] == "volunteer"
                                else FamilyHousehold, cb["household_pk"])
                               for cb in callbacks if cb["household_pk"]],
                   fields=["contact_last_name", "phone"], via="callbacks")
    return render_list(request, template="mediation/case_list.html",
                       rows="mediation/_case_rows.html", filterset=filterset, context={
                           "programme": prog, "callbacks": callbacks, "contacts": contacts},
                       export="cases", rows_of=partial(
                           selectors.case_list_rows,
                           link=rows.links("mediation:case", prog.slug)))


@login_required
def case_list(request: HttpRequest, slug: str) -> HttpResponse:
    prog = access.programme_or_404(request.user, slug, "mediate")
    return _case_list_page(request, prog)


@login_required
def case_new(request: HttpRequest, slug: str) -> HttpResponse:
    """Open a case: about a match chosen by its households' names, or the match whose
    page sent here (``?match=``), already chosen."""
    prog = access.programme_or_404(request.user, slug, "mediate")
    raw = request.POST.get("match") or request.GET.get("match") or ""
    chosen = int(raw) if raw.isdigit() and len(raw) < 10 else None
    form = CaseForm(request.POST if request.method == "POST" else None, auto_id="id_new_%s",
                    matches=selectors.match_choices(prog, request.user, include=chosen),
                    initial={"match": chosen})
    if request.method != "POST" or not form.is_valid():  # errors next to their fields
        return render(request, "mediation/case_new.html", {"programme": prog, "form": form},
                      status=400 if request.method == "POST" else 200)
    match = (matches_for(prog, request.user).filter(pk=form.cleaned_data["match"]).first()
             if form.cleaned_data["match"] else None)
    try:
        case = services.case_open(programme=prog, kind=form.cleaned_data["kind"],
                                  summary=form.cleaned_data["summary"],
                                  opened_by=OpenedBy.STAFF, by=request.user, match=match)
    except ValidationError as exc:
        errors_to_messages(request, exc)
        return redirect("mediation:cases", slug=prog.slug)
    messages.success(request, _("Case opened."))
    if not selectors.cases_visible(prog, request.user).filter(pk=case.pk).exists():
        return redirect("mediation:cases", slug=prog.slug)
    return redirect("mediation:case", slug=prog.slug, pk=case.pk)


def _case(request: HttpRequest, slug: str, pk: int):
    prog = access.programme_or_404(request.user, slug, "mediate")
    case = access.record_or_404(selectors.cases_visible(prog, request.user), request.user,
                                "mediate", pk=pk)
    return prog, case


def _case_page(request: HttpRequest, prog, case: Case, *, note_form: NoteForm | None = None,
               resolve_form: ResolveForm | None = None, done: tuple | None = None,
               status: int = 200) -> HttpResponse:
    """The case, with its forms; one of them may come back bound, with its errors."""
    callbacks = [(cb, done[1] if done and done[0] == cb.pk
                  else CallbackDoneForm(auto_id=f"id_cb{cb.pk}_%s"))
                 for cb in case.callbacks.all()]
    audit_read(by=request, record=case, fields=selectors.CASE_CONTENT)
    return render(request, "mediation/case_detail.html", {
        "programme": prog, "case": case, "notes": case.notes.select_related("author"),
        "callbacks": callbacks, "note_form": note_form or NoteForm(),
        "resolve_form": resolve_form or ResolveForm(),
        "can_assign": access.can(request.user, "manage_matches", prog),
        "staff": access.members_allowed(
            prog.memberships.all(), prog, access.case_action(case.is_safeguarding)
        ).select_related("user").order_by("user__first_name", "user__last_name", "user__email"),
    }, status=status)


@login_required
def case_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    prog, case = _case(request, slug, pk)
    return _case_page(request, prog, case)


@login_required
@require_POST
def case_note(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    prog, case = _case(request, slug, pk)
    form = NoteForm(request.POST)
    if not form.is_valid():  # shown again with its errors next to the fields
        return _case_page(request, prog, case, note_form=form, status=400)
    attempt(request, lambda: services.case_add_note(case=case, by=request.user,
                                                     **form.cleaned_data),
             _("Note added."))
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
    attempt(request, lambda: services.case_assign(case=case, mediator=user, by=request.user),
             _("Case assigned."))
    return redirect("mediation:case", slug=prog.slug, pk=case.pk)


@login_required
@require_POST
def case_resolve(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    prog, case = _case(request, slug, pk)
    form = ResolveForm(request.POST)
    if not form.is_valid():  # shown again with its errors next to the fields
        return _case_page(request, prog, case, resolve_form=form, status=400)
    attempt(request, lambda: services.case_resolve(
        case=case, resolution=form.cleaned_data["resolution"], by=request.user),
        _("Case resolved."))
    return redirect("mediation:case", slug=prog.slug, pk=case.pk)


@login_required
@require_POST
def callback_done(request: HttpRequest, slug: str, pk: int, callback_pk: int) -> HttpResponse:
    prog, case = _case(request, slug, pk)
    callback = selectors.case_callback(case=case, pk=callback_pk)
    if callback is None:
        raise Http404
    form = CallbackDoneForm(request.POST, auto_id=f"id_cb{callback.pk}_%s")
    if not form.is_valid():  # shown again with its errors next to the fields
        return _case_page(request, prog, case, done=(callback.pk, form), status=400)
    attempt(request, lambda: services.callback_done(callback=callback, by=request.user,
                                                     **form.cleaned_data),
             _("Call logged."))
    return redirect("mediation:case", slug=prog.slug, pk=case.pk)
