"""The volunteer portal: one household's own page. Reached only by the account linked to
the household; nobody else's data is ever shown here."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from voisins import access
from voisins.community.services import calendar_token_for
from voisins.feedback import act, save_form
from voisins.households.selectors import volunteer_households
from voisins.households.status import VOLUNTEER_TRANSITIONS, VolunteerStatus, can_move
from voisins.matches import selectors as matches
from voisins.recruitment import selectors as recruitment
from voisins.recruitment.services import screening_accept_charter
from voisins.training.models import Registration, TrainingSession
from voisins.training.services import registration_cancel, registration_create
from voisins.volunteering.selectors import note_status

from . import selectors, services
from .forms import PreferencesForm


@login_required
def home(request: HttpRequest) -> HttpResponse:
    volunteer = access.volunteer_household_or_404(request.user, volunteer_households())
    programme = volunteer.programme
    form = PreferencesForm(request.POST or None, programme=programme, initial={
        "offers": volunteer.offers, "availability": volunteer.availability,
        "radius_km": volunteer.radius_km, "capacity": volunteer.capacity})
    if save_form(request, form, lambda: services.volunteer_update_preferences(
            volunteer=volunteer, **form.cleaned_data),
            _("Your offers and availability are saved.")):
        return redirect("portal:home")
    screening = recruitment.screening_of(volunteer=volunteer, with_charter=True)
    charter = recruitment.current_charter(programme)
    token = calendar_token_for(user=request.user)
    proposals = list(matches.volunteer_proposals_open(volunteer))
    return render(request, "portal/home.html", {
        "volunteer": volunteer, "programme": programme, "form": form,
        "proposals": proposals,
        "unanswered": any(not p.volunteer_answer for p in proposals),
        "matches": list(matches.volunteer_matches_live(volunteer)),
        "pause": matches.running_pause(programme),
        "history": [(c.changed_at, VolunteerStatus(c.to_status).label)
                    for c in volunteer.status_changes.all() if c.to_status in VolunteerStatus],
        "charter_to_accept": charter if charter and (
            screening is None or screening.charter_id != charter.pk) else None,
        "screening": screening,
        **selectors.volunteer_trainings(volunteer),
        "invitations": selectors.volunteer_invitations(volunteer),
        "can_pause": can_move(VOLUNTEER_TRANSITIONS, volunteer.status, VolunteerStatus.PAUSED),
        "paused": volunteer.status == VolunteerStatus.PAUSED,
        "calendar_url": request.build_absolute_uri(
            reverse("community:calendar", args=[token.token])),
        **note_status(volunteer),
    })


@login_required
@require_POST
def pause(request: HttpRequest) -> HttpResponse:
    volunteer = access.volunteer_household_or_404(request.user, volunteer_households())
    if request.POST.get("resume"):
        act(request, lambda: services.volunteer_resume(volunteer=volunteer, by=request.user),
            _("Welcome back: you are available again."), one_message=True)
    else:
        act(request, lambda: services.volunteer_pause(volunteer=volunteer, by=request.user),
            _("You are on a pause: no family will be proposed to you."), one_message=True)
    return redirect("portal:home")


@login_required
@require_POST
def accept_charter(request: HttpRequest) -> HttpResponse:
    volunteer = access.volunteer_household_or_404(request.user, volunteer_households())
    act(request, lambda: screening_accept_charter(volunteer=volunteer),
        _("Thank you for accepting the charter."), one_message=True)
    return redirect("portal:home")


@login_required
@require_POST
def training_register(request: HttpRequest, pk: int) -> HttpResponse:
    volunteer = access.volunteer_household_or_404(request.user, volunteer_households())
    session = get_object_or_404(TrainingSession, pk=pk, module__programme=volunteer.programme)
    act(request, lambda: registration_create(session=session, volunteer=volunteer),
        _("You are registered."), one_message=True)
    return redirect("portal:home")


@login_required
@require_POST
def training_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    volunteer = access.volunteer_household_or_404(request.user, volunteer_households())
    registration = get_object_or_404(Registration, pk=pk, volunteer=volunteer)
    act(request, lambda: registration_cancel(registration=registration),
        _("Your registration is cancelled."), one_message=True)
    return redirect("portal:home")
