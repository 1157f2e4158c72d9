"""A volunteer household's pages behind its personal link (`/v/<token>/`), without an
account: its home (what waits for an answer, its matches, trainings and events), what
Voisins holds about it, and "choose a password" to turn the link into an account. The
link's holder acts as the household: the same services as the portal (`/volunteer/`).

Pages of match life (proposals, a match, check-ins) are `voisins.matches`'s, under the
same `/v/<token>/`. Asking for one's link by e-mail (`/v/request/`) is public.
"""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from voisins import access
from voisins.audit.services import audit_read
from voisins.community.selectors import household_invitations_qs
from voisins.community.services import invitation_respond
from voisins.familypages.decorators import volunteer_page
from voisins.familypages.views import message_choices_page
from voisins.feedback import save_form
from voisins.files.selectors import files as stored_files
from voisins.files.views import file_response
from voisins.recruitment.ratelimit import hit
from voisins.training import selectors as training_selectors
from voisins.training.services import registration_cancel, registration_create

from . import selectors, services
from .forms import AccountForm, LinkRequestForm

# Requests for a personal link, per client address.
REQUEST_LIMIT, REQUEST_WINDOW = 5, 3600


@volunteer_page
def home(request: HttpRequest, token: str) -> HttpResponse:
    return render(request, "portal/link_home.html", selectors.volunteer_link_home(
        volunteer=request.volunteer, token=token))


def _done(request: HttpRequest, token: str, action: Callable[[], object], text: str
          ) -> HttpResponse:
    """Run a write of the household on itself; say how it went on its home page."""
    try:
        action()
        messages.success(request, text)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("volunteerpages:home", token=token)


@volunteer_page
def handout(request: HttpRequest, token: str, key: str) -> HttpResponse:
    """A handout of a module the household registered for; anything else is a 404."""
    stored = access.household_file_or_404(request.volunteer, key, stored_files())
    return file_response(request, stored, via="link")


@require_POST
@volunteer_page
def training_register(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    volunteer = request.volunteer
    session = training_selectors.programme_session(programme=volunteer.programme, pk=pk)
    if session is None:
        raise Http404
    return _done(request, token, lambda: registration_create(session=session,
                                                             volunteer=volunteer),
                 _("You are registered."))


@require_POST
@volunteer_page
def training_cancel(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    registration = training_selectors.volunteer_registration(volunteer=request.volunteer,
                                                             pk=pk)
    if registration is None:
        raise Http404
    return _done(request, token, lambda: registration_cancel(registration=registration),
                 _("Your registration is cancelled."))


@require_POST
@volunteer_page
def rsvp(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    volunteer = request.volunteer
    invitation = household_invitations_qs(volunteer).filter(pk=pk).first()
    if invitation is None:
        raise Http404
    going = request.POST.get("going") == "1"
    return _done(request, token, lambda: invitation_respond(invitation=invitation,
                                                            going=going),
                 _("Your answer is saved."))


@volunteer_page
def message_choices(request: HttpRequest, token: str) -> HttpResponse:
    """How the household wants to be written to (the same page as a family's)."""
    return message_choices_page(request, token, "volunteer")


@volunteer_page
def own_data(request: HttpRequest, token: str) -> HttpResponse:
    volunteer = request.volunteer
    audit_read(by=request, record=volunteer,
               fields=["contact_first_name", "contact_last_name", "email", "phone"],
               via="volunteer-link")
    return render(request, "portal/link_data.html", {
        **selectors.volunteer_own_data(volunteer), "token": token})


@volunteer_page
def password(request: HttpRequest, token: str) -> HttpResponse:
    volunteer = request.volunteer
    user = volunteer.user if volunteer.user_id else None
    form = AccountForm(request.POST or None, fixed_email=user.email if user else "",
                       initial={"email": volunteer.email})
    context = {"volunteer": volunteer, "programme": volunteer.programme, "token": token,
               "form": form, "has_password": bool(user and user.has_usable_password())}
    if not context["has_password"] and save_form(request, form, lambda: (
            services.volunteer_account_create(
                volunteer=volunteer, email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                language=translation.get_language())),
            _("Your account is ready: log in with your e-mail address and your password.")):
        return redirect(f"{reverse('account_login')}?next={reverse('portal:home')}")
    status = 400 if form.errors else 200
    return render(request, "portal/link_password.html", context, status=status)


def request_link(request: HttpRequest) -> HttpResponse:
    """A household without an account asks for its personal link: the same answer
    whatever the address (nobody learns who takes part), a few requests an hour."""
    form = LinkRequestForm(request.POST or None)
    if request.method != "POST":
        return render(request, "portal/link_request.html", {"form": form})
    if not hit("volunteer-link-request", request, limit=REQUEST_LIMIT, window=REQUEST_WINDOW):
        messages.error(request, _("Too many requests from here: try again in an hour."))
        return render(request, "portal/link_request.html", {"form": form}, status=429)
    if not form.is_valid():
        return render(request, "portal/link_request.html", {"form": form}, status=400)
    services.volunteer_link_request(email=form.cleaned_data["email"])
    return render(request, "portal/link_request.html", {"sent": True})
