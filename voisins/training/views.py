"""Training pages of coordinators: modules (which are required), sessions, attendance."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from voisins import access
from voisins.feedback import save_form
from voisins.households.models import VolunteerHousehold
from voisins.households.selectors import household_of_programme

from . import selectors, services
from .forms import ModuleForm, SessionForm
from .models import TrainingModule


@login_required
def overview(request: HttpRequest, slug: str) -> HttpResponse:
    programme = access.programme_or_404(request.user, slug, "manage_training")
    module_form = ModuleForm(prefix="module")
    session_form = SessionForm(prefix="session", programme=programme)
    if request.method == "POST":
        if "module-title" in request.POST:
            module_form = ModuleForm(request.POST, prefix="module")
            form, create = module_form, services.training_module_create
            extra = {"programme": programme}
        else:
            session_form = SessionForm(request.POST, prefix="session", programme=programme)
            form, create = session_form, services.training_session_create
            extra = {}
        if save_form(request, form, lambda: create(**{**form.cleaned_data, **extra}), _("Saved.")):
            return redirect("training:overview", slug=programme.slug)
    return render(request, "training/overview.html", {
        "programme": programme, "module_form": module_form, "session_form": session_form,
        "modules": selectors.modules_counted(programme=programme),
        "sessions": selectors.sessions_recent(programme=programme),
    })


@login_required
@require_POST
def module_required(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = access.programme_or_404(request.user, slug, "manage_training")
    module = get_object_or_404(TrainingModule, programme=programme, pk=pk)
    services.training_module_update(module=module, required=request.POST.get("required") == "1")
    messages.success(request, _("Saved."))
    return redirect("training:overview", slug=programme.slug)


def _refused(request: HttpRequest, exc: ValidationError) -> None:
    """A refusal, with the field it concerns named in the reader's language."""
    labels = {"session": _("Session")}
    for field, errors in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
        for message in errors:
            messages.error(request, f"{labels[field]}: {message}" if field in labels
                           else message)


@login_required
def session_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = access.programme_or_404(request.user, slug, "manage_training")
    session = get_object_or_404(selectors.sessions_with_module(),
                                module__programme=programme, pk=pk)
    if request.method == "POST":
        if request.POST.get("action") == "register":
            volunteer = household_of_programme(model=VolunteerHousehold, programme=programme,
                                               pk=request.POST.get("volunteer") or 0)
            if volunteer is None:
                messages.error(request, _("Volunteer household: choose one from the list."))
            else:
                try:
                    services.registration_add_walk_in(session=session, volunteer=volunteer)
                    messages.success(request, _("Registered."))
                except ValidationError as exc:
                    _refused(request, exc)
        else:
            ids = [int(v) for v in request.POST.getlist("attended") if v.isdigit()]
            try:
                moved = services.attendance_record(session=session, attended=ids,
                                                   by=request.user)
            except ValidationError as exc:
                _refused(request, exc)
            else:
                messages.success(request, _("Attendance saved; %(n)s household(s) now "
                                            "trained.") % {"n": len(moved)})
        return redirect("training:session", slug=programme.slug, pk=session.pk)
    registrations = session.registrations.select_related("volunteer")
    registered = {r.volunteer_id for r in registrations}
    candidates = selectors.session_candidates(programme=programme, registered=registered)
    return render(request, "training/session.html", {
        "programme": programme, "session": session, "registrations": registrations,
        "candidates": candidates, "started": session.starts_at <= timezone.now(),
        "walk_ins": timezone.localdate() >= timezone.localdate(session.starts_at)})
