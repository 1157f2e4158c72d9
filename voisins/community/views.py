"""Community pages: events for coordinators, answers for invitees, the calendar feed,
the resource library."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from voisins import access
from voisins.familypages.decorators import family_page
from voisins.feedback import save_form
from voisins.households.selectors import volunteer_households
from voisins.messaging.selectors import reach_summary
from voisins.messaging.services import collect
from voisins.recruitment.forms import language_choices

from . import ical, selectors, services
from .forms import EventForm, InviteForm, ResourceForm
from .models import Event, Indicator, Resource, ResourceKind, TargetGroup


@login_required
def event_list(request: HttpRequest, slug: str) -> HttpResponse:
    programme = access.programme_or_404(request.user, slug, "manage_events")
    form = EventForm(request.POST or None)
    if saved := save_form(request, form, lambda: services.event_create(
            programme=programme, by=request.user, **form.cleaned_data)):
        return redirect("community:event", slug=programme.slug, pk=saved.value.pk)
    return render(request, "community/event_list.html", {
        "programme": programme, "form": form,
        "events": selectors.events_of_programme(programme).order_by("-starts_at")[:200]})


@login_required
def event_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = access.programme_or_404(request.user, slug, "manage_events")
    event = get_object_or_404(Event, programme=programme, pk=pk)
    invite_form = InviteForm()
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "invite":
            invite_form = InviteForm(request.POST)
            if invite_form.is_valid():
                groups = invite_form.cleaned_data["groups"]
                volunteers, families = selectors.invited_households(programme, groups)
                with collect() as sent:
                    n = services.invitations_send(
                        event=event, users=selectors.invitees(programme, groups),
                        volunteers=volunteers, families=families, by=request.user,
                        answer_url=request.build_absolute_uri(
                            reverse("community:invitations")))
                # What became of each household's message, said truthfully.
                messages.success(request, " ".join(filter(None, [
                    _("%(n)s people invited.") % {"n": n}, reach_summary(sent)])))
                return redirect("community:event", slug=programme.slug, pk=event.pk)
        elif action == "capacity":
            raw = request.POST.get("capacity", "").strip()
            try:
                capacity = int(raw) if raw else None
                services.event_update_capacity(event=event, capacity=capacity)
                messages.success(request, _("Saved."))
            except ValueError:
                messages.error(request, _("Places: give a whole number."))
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            return redirect("community:event", slug=programme.slug, pk=event.pk)
        elif action == "attendance":
            ids = [int(v) for v in request.POST.getlist("attended") if v.isdigit()]
            services.attendance_record(event=event, attended=ids)
            messages.success(request, _("Attendance saved."))
            return redirect("community:event", slug=programme.slug, pk=event.pk)
    return render(request, "community/event_detail.html", {
        "programme": programme, "event": event, "invite_form": invite_form,
        "invitations": event.invitations.select_related("user", "volunteer", "family").order_by(
            "status", "responded_at", "id")})


@login_required
@require_POST
def rsvp(request: HttpRequest, pk: int) -> HttpResponse:
    """The invited person answers; nobody else can answer for them."""
    invitation = get_object_or_404(selectors.invitations_of(request.user, upcoming_only=False),
                                   pk=pk)
    try:
        invitation = services.invitation_respond(invitation=invitation,
                                                 going=request.POST.get("going") == "1")
        text = {"going": _("See you there!"),
                "waiting": _("The event is full: you are on the waiting list."),
                "declined": _("Your answer is saved.")}[invitation.status]
        messages.success(request, text)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    next_url = request.POST.get("next", "")
    return redirect(next_url if url_has_allowed_host_and_scheme(
        next_url, allowed_hosts=None) and next_url.startswith("/") else "community:invitations")


@login_required
def my_invitations(request: HttpRequest) -> HttpResponse:
    """Anyone invited (a volunteer, a mediator, a coordinator) answers here."""
    invitations = list(selectors.invitations_of(request.user))
    for invitation in invitations:
        invitation.position = selectors.waiting_position(invitation)
    token = services.calendar_token_for(user=request.user)
    return render(request, "community/my_invitations.html", {
        "invitations": invitations,
        "calendar_url": request.build_absolute_uri(
            reverse("community:calendar", args=[token.token]))})


def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The person's calendar, reached by the secret link alone (calendar apps cannot log in)."""
    if "\x00" in token:
        raise Http404
    entry = selectors.calendar_token(token=token)
    if entry is None or not entry.user.is_active:
        raise Http404
    body = ical.calendar_bytes(selectors.calendar_entries(entry.user), "Voisins")
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="voisins.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response


@login_required
@require_POST
def calendar_renew(request: HttpRequest) -> HttpResponse:
    services.calendar_token_renew(user=request.user)
    messages.success(request, _("Your calendar link was replaced; the old one no longer works."))
    return redirect("community:invitations")


@login_required
def resource_list(request: HttpRequest, slug: str) -> HttpResponse:
    programme = access.resources_programme_or_404(request.user, slug, volunteer_households())
    filters = {k: request.GET.get(k, "") for k in ("q", "kind", "language", "target",
                                                     "indicator")}
    return render(request, "community/resource_list.html", {
        "programme": programme, "filters": filters,
        "resources": selectors.resource_search(programme, **filters).prefetch_related(
            "files")[:200],
        "kinds": ResourceKind.choices, "targets": TargetGroup.choices,
        "indicators": Indicator.choices, "languages": language_choices()[1:],
        "can_manage": access.can(request.user, "manage_resources", programme)})


@login_required
def resource_edit(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    programme = access.programme_or_404(request.user, slug, "manage_resources")
    resource = get_object_or_404(Resource, programme=programme, pk=pk) if pk else None
    form = ResourceForm(request.POST or None, instance=resource)
    if save_form(request, form, lambda: services.resource_save(
            programme=programme, resource=resource, **form.cleaned_data),
            _("Saved.")):
        return redirect("community:resources", slug=programme.slug)
    return render(request, "recruitment/form_page.html", {
        "programme": programme, "form": form,
        "title": _("Edit a resource") if resource else _("New resource")})


# --- A family's events, through its personal link -------------------------------------------

FAMILY_ANSWERS = {"going": _lazy("See you there!"),
                  "waiting": _lazy("The event is full: you are on the waiting list."),
                  "declined": _lazy("Your answer is saved.")}


@family_page
def family_events(request: HttpRequest, token: str) -> HttpResponse:
    """The events a family is invited to, to say whether it comes (no account)."""
    return render(request, "community/family_events.html", {
        "token": token, "family": request.family, "programme": request.family.programme,
        "invitations": selectors.household_invitations(request.family)})


@require_POST
@family_page
def family_rsvp(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    invitation = selectors.household_invitations_qs(request.family).filter(pk=pk).first()
    if invitation is None:
        raise Http404
    try:
        invitation = services.invitation_respond(invitation=invitation,
                                                 going=request.POST.get("going") == "1")
        messages.success(request, str(FAMILY_ANSWERS[invitation.status]))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("community:family_events", token=token)
