"""Households' own pages: the volunteer household logs in; the family comes through its
personal link (``voisins.familypages``: signed, expiring, revocable, the family's home and
language) to the pages of match life kept here: a neighbour for you (the proposal to answer,
then the household met), how is it going (check-ins), ask for help.

What a volunteer sees of a family before both said yes: first name, children's ages,
languages, needs and the part of town. Contact details only while the match lives, and
every time they are shown it is written down (``ContactReveal``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from voisins.audit.services import audit_read
from voisins.familypages.decorators import family_page, volunteer_page
from voisins.feedback import errors_to_messages, form_errors_to_messages
from voisins.households.models import FamilyHousehold, VolunteerHousehold
from voisins.households.selectors import volunteer_household_of_user
from voisins.mediation import services as mediation_services
from voisins.messaging.feedback import attempt
from voisins.recruitment.ratelimit import hit

from . import selectors, services, tokens
from .forms import ActivityForm, AnswerForm, CheckInForm, HelpForm
from .models import CheckIn, Match, Proposal, Side
from .notifications import volunteer_language

_profile = selectors.household_profile


def _side_context(request: HttpRequest, match: Match, side: str, user: Any
                  ) -> dict[str, Any]:
    viewer = "family" if side == Side.FAMILY else "volunteer"
    contact = services.contact_reveal(match=match, viewer=viewer, viewer_user=user)
    if contact is not None:
        audit_read(by=request, record=selectors.contact_shown(match, viewer),
                   fields=["contact_first_name", "contact_last_name", "email", "phone"],
                   via=f"match-{viewer}")
    return {
        "match": match,
        "contact": contact,
        # A live match whose other household has not agreed to share its details.
        "contact_withheld": contact is None and match.contacts_visible,
        "introduction": getattr(match, "introduction", None),
        "checkins": selectors.checkins_open_for(match=match, side=side),
        "activities": match.activities.filter(side=side)[:20],
    }


# --- Volunteer household ---------------------------------------------------------------

def _volunteer(request: HttpRequest) -> VolunteerHousehold:
    household = volunteer_household_of_user(user=request.user)
    if household is None:
        raise Http404
    return household


def _answer_form(proposal: Proposal, data: Any = None) -> AnswerForm:
    # Ids per proposal: a page may show several proposals, each with its own form.
    return AnswerForm(data, auto_id=f"id_p{proposal.pk}_%s")


def _volunteer_home(request: HttpRequest, household: VolunteerHousehold,
                    bound: AnswerForm | None = None, status: int = 200,
                    token: str = "") -> HttpResponse:
    """The household's proposals and matches; through its personal link when `token`."""
    proposals = selectors.volunteer_proposals_open(household)
    return render(request, "matches/volunteer_home.html", {
        "household": household,
        "proposals": [(p, _profile(p.family),
                       bound if bound is not None and bound.proposal_pk == p.pk
                       else _answer_form(p)) for p in proposals],
        "matches": selectors.volunteer_matches_live(household),
        **({"token": token, "base": VOLUNTEER_FRAME} if token else {}),
    }, status=status)


@login_required
def volunteer_home(request: HttpRequest) -> HttpResponse:
    return _volunteer_home(request, _volunteer(request))


@login_required
@require_POST
def volunteer_answer(request: HttpRequest, pk: int) -> HttpResponse:
    household = _volunteer(request)
    proposal = selectors.household_proposal(pk=pk, side=Side.VOLUNTEER, household=household)
    if proposal is None:
        raise Http404
    form = _answer(request, proposal, Side.VOLUNTEER, request.user)
    if form is not None:  # shown again with its errors next to the fields
        return _volunteer_home(request, household, bound=form, status=400)
    return redirect("matches:volunteer_home")


def _volunteer_match(request: HttpRequest, pk: int) -> Match:
    match = selectors.volunteer_match_of_user(pk=pk, user=request.user)
    if match is None:
        raise Http404
    return match


def _volunteer_match_page(request: HttpRequest, match: Match, *,
                          activity_form: ActivityForm | None = None,
                          help_form: HelpForm | None = None, status: int = 200,
                          token: str = "") -> HttpResponse:
    user = None if token else request.user
    return render(request, "matches/household_match.html", {
        **_side_context(request, match, Side.VOLUNTEER, user),
        "other": _profile(match.family), "side": Side.VOLUNTEER,
        "activity_form": activity_form or ActivityForm(
            categories=match.programme.service_categories.filter(active=True)),
        "help_form": help_form or HelpForm(),
        "urls": _volunteer_link_urls(match, token) if token else _volunteer_urls(match),
        **({"token": token, "base": VOLUNTEER_FRAME} if token else {}),
    }, status=status)


@login_required
def volunteer_match(request: HttpRequest, pk: int) -> HttpResponse:
    return _volunteer_match_page(request, _volunteer_match(request, pk))


def _volunteer_urls(match: Match) -> dict[str, str]:
    from django.urls import reverse

    return {"activity": reverse("matches:volunteer_activity", args=[match.pk]),
            "help": reverse("matches:volunteer_help", args=[match.pk]),
            "checkin": "matches:volunteer_checkin", "home": reverse("matches:volunteer_home")}


@login_required
def volunteer_checkin(request: HttpRequest, pk: int) -> HttpResponse:
    checkin = selectors.volunteer_checkin_of_user(pk=pk, user=request.user)
    if checkin is None:
        raise Http404
    return _checkin_page(request, checkin, by=request.user)


@login_required
@require_POST
def volunteer_activity(request: HttpRequest, pk: int) -> HttpResponse:
    match = _volunteer_match(request, pk)
    form = _log_activity(request, match, Side.VOLUNTEER, request.user)
    if form is not None:  # shown again with its errors next to the fields
        return _volunteer_match_page(request, match, activity_form=form, status=400)
    return redirect("matches:volunteer_match", pk=match.pk)


@login_required
@require_POST
def volunteer_help(request: HttpRequest, pk: int) -> HttpResponse:
    match = _volunteer_match(request, pk)
    form = _ask_help(request, match, Side.VOLUNTEER, request.user)
    if form is not None:  # shown again with its errors next to the fields
        return _volunteer_match_page(request, match, help_form=form, status=400)
    return redirect("matches:volunteer_match", pk=match.pk)


# --- Volunteer household, through its personal link (request.volunteer, @volunteer_page) --
# The same pages and services as above; who answers is the link's holder (by=None).

VOLUNTEER_FRAME = "portal/link_base.html"


def _volunteer_link_urls(match: Match, token: str) -> dict[str, str]:
    return {"activity": reverse("matches:volunteer_link_activity", args=[token, match.pk]),
            "help": reverse("matches:volunteer_link_help", args=[token, match.pk]),
            "checkin": "matches:volunteer_link_checkin",
            "home": reverse("volunteerpages:home", args=[token])}


def _volunteer_link_match(household: VolunteerHousehold, pk: int) -> Match:
    match = selectors.volunteer_match(pk=pk, volunteer=household)
    if match is None:
        raise Http404
    return match


@volunteer_page
def volunteer_link_proposals(request: HttpRequest, token: str) -> HttpResponse:
    return _volunteer_home(request, request.volunteer, token=token)


@require_POST
@volunteer_page
def volunteer_link_answer(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    household = request.volunteer
    proposal = selectors.household_proposal(pk=pk, side=Side.VOLUNTEER, household=household)
    if proposal is None:
        raise Http404
    form = _answer(request, proposal, Side.VOLUNTEER, None)
    if form is not None:  # shown again with its errors next to the fields
        return _volunteer_home(request, household, bound=form, status=400, token=token)
    return redirect("matches:volunteer_link_proposals", token=token)


@volunteer_page
def volunteer_link_match(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    return _volunteer_match_page(request, _volunteer_link_match(request.volunteer, pk),
                                 token=token)


@volunteer_page
def volunteer_link_checkin(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    return _own_checkin_page(request, token, pk, side=Side.VOLUNTEER,
                             household=request.volunteer, frame=VOLUNTEER_FRAME,
                             home="volunteerpages:home")


@require_POST
@volunteer_page
def volunteer_link_activity(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    match = _volunteer_link_match(request.volunteer, pk)
    form = _log_activity(request, match, Side.VOLUNTEER, None)
    if form is not None:  # shown again with its errors next to the fields
        return _volunteer_match_page(request, match, activity_form=form, status=400,
                                     token=token)
    return redirect("matches:volunteer_link_match", token=token, pk=match.pk)


@require_POST
@volunteer_page
def volunteer_link_help(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    match = _volunteer_link_match(request.volunteer, pk)
    # As for a family's link: whoever holds it may ask, a flood is stopped.
    if not hit(f"volunteer-help:{request.volunteer.pk}", request, limit=HELP_LIMIT,
               window=HELP_WINDOW):
        messages.error(request, _("You have asked several times already: the team will "
                                  "call you. Try again in an hour if you need to."))
        return _volunteer_match_page(request, match, help_form=HelpForm(request.POST),
                                     status=429, token=token)
    form = _ask_help(request, match, Side.VOLUNTEER, None)
    if form is not None:  # shown again with its errors next to the fields
        return _volunteer_match_page(request, match, help_form=form, status=400, token=token)
    return redirect("matches:volunteer_link_match", token=token, pk=match.pk)


# --- Shared by both sides ------------------------------------------------------------------

def _log_activity(request: HttpRequest, match: Match, side: str, user: Any
                  ) -> ActivityForm | None:
    """Note what the households did; returns the form when it must be shown again."""
    form = ActivityForm(request.POST, categories=match.programme.service_categories.filter(
        active=True))
    if not form.is_valid():
        return form
    attempt(request, lambda: services.activity_log(match=match, side=side, by=user,
                                                    **form.cleaned_data),
             _("Noted, thank you."))
    return None


def _answer(request: HttpRequest, proposal: Proposal, side: str, user: Any
            ) -> AnswerForm | None:
    """Record one side's answer; return the form when it must be shown again with errors."""
    form = _answer_form(proposal, request.POST)
    form.proposal_pk = proposal.pk
    if not form.is_valid():
        return form
    try:
        services.proposal_answer(
            proposal=proposal, side=side, accept=form.cleaned_data["answer"] == "yes",
            reason=form.cleaned_data["reason"], comment=form.cleaned_data["comment"], by=user)
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, _("Thank you, your answer is recorded."))
    return None


def _ask_help(request: HttpRequest, match: Match | None, side: str, user: Any,
              family: FamilyHousehold | None = None) -> HelpForm | None:
    """Open a case (with a callback when asked); a family may ask without a match.
    Returns the form when it must be shown again with its errors."""
    form = HelpForm(request.POST)
    if not form.is_valid():
        return form
    programme = match.programme if match else family.programme
    attempt(request, lambda: mediation_services.case_open(
        programme=programme, kind=form.cleaned_data["kind"],
        summary=form.cleaned_data["summary"], opened_by=side, by=user, match=match,
        family=family, callback=form.callback_data()),
        _("Thank you. The team will get back to you soon."))
    return None


def _own_checkin_page(request: HttpRequest, token: str, pk: int, *, side: str,
                      household: Any, frame: str, home: str) -> HttpResponse:
    """Check-in `pk` of `household` (its `side` of a match), on the pages of its personal
    link: another household's check-in is a 404."""
    checkin = selectors.household_checkin(pk=pk, side=side, household=household)
    if checkin is None:
        raise Http404
    home_url = reverse(home, kwargs={"token": token})
    return _checkin_page(request, checkin, done_url=home_url,
                         extra={"base": frame, "token": token, "back_url": home_url})


def _checkin_page(request: HttpRequest, checkin: CheckIn, *, by: Any = None,
                  done_url: str = "", extra: dict[str, Any] | None = None) -> HttpResponse:
    """The check-in form of either side; `extra` goes to the templates (a family's pages
    pass their own frame and token)."""
    match = checkin.match
    other = match.volunteer if checkin.side == Side.FAMILY else match.family
    context = {"checkin": checkin, "other": other.contact_first_name, **(extra or {})}
    form = CheckInForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.checkin_answer(checkin=checkin, by=by, **form.cleaned_data)
            except ValidationError as exc:
                errors_to_messages(request, exc)
                return render(request, "matches/checkin.html",
                              {**context, "form": None, "closed": True}, status=409)
            messages.success(request, _("Thank you for your answers."))
            return render(request, "matches/checkin_done.html",
                          {**context, "done_url": done_url})
        form_errors_to_messages(request, form)
    if checkin.answered_at is not None:
        messages.error(request, _("This check-in was already answered."))
        return render(request, "matches/checkin.html",
                      {**context, "form": None, "closed": True}, status=409)
    return render(request, "matches/checkin.html", {**context, "form": form})


def checkin_link(request: HttpRequest, token: str) -> HttpResponse:
    """A volunteer's check-in reached from its e-mail link, without logging in: once, within
    30 days. (Families answer through their personal link: `family_checkin_answer`.)"""
    try:
        checkin = tokens.checkin_from_token(token)
    except ValidationError as exc:
        errors_to_messages(request, exc)
        return render(request, "matches/checkin.html", {"form": None, "closed": True},
                      status=410)
    language = volunteer_language(checkin.match.volunteer)
    with translation.override(language):
        response = _checkin_page(request, checkin)
        response["Content-Language"] = language
        return response


# --- Family (personal link: request.family, set by @family_page) ---------------------------

FAMILY_FRAME = "familypages/base.html"
# Help requests through a family's link, per link and client address.
HELP_LIMIT, HELP_WINDOW = 5, 3600


def _family_match(family: FamilyHousehold) -> Match | None:
    return selectors.family_match_live(family=family)


def _family_proposal(request: HttpRequest, token: str, bound: AnswerForm | None = None,
                     activity_form: ActivityForm | None = None, status: int = 200
                     ) -> HttpResponse:
    family = request.family
    proposal = selectors.family_proposal_sent(family=family)
    match = _family_match(family)
    context: dict[str, Any] = {
        "token": token, "family": family, "proposal": proposal,
        "other_profile": _profile(proposal.volunteer) if proposal else None,
        "answer_form": bound if bound is not None else (
            _answer_form(proposal) if proposal else None),
    }
    if match:
        context.update(_side_context(request, match, Side.FAMILY, None))
        context["other"] = _profile(match.volunteer)
        context["activity_form"] = activity_form or ActivityForm(
            categories=match.programme.service_categories.filter(active=True))
    return render(request, "matches/family_proposal.html", context, status=status)


@family_page
def family_proposal(request: HttpRequest, token: str) -> HttpResponse:
    """A neighbour for you: the proposal to answer, then the household met, with its contact
    details, the first meeting, check-ins and what was done together."""
    return _family_proposal(request, token)


@require_POST
@family_page
def family_answer(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    proposal = selectors.household_proposal(pk=pk, side=Side.FAMILY, household=request.family)
    if proposal is None:
        raise Http404
    form = _answer(request, proposal, Side.FAMILY, None)
    if form is not None:  # shown again with its errors next to the fields
        return _family_proposal(request, token, bound=form, status=400)
    return redirect("matches:family_proposal", token=token)


@family_page
def family_checkin(request: HttpRequest, token: str) -> HttpResponse:
    """How is it going: the oldest check-in the family may answer now, if any."""
    match = _family_match(request.family)
    checkin = (selectors.checkins_open_for(match=match, side=Side.FAMILY)
               .order_by("due_on", "id").first() if match else None)
    if checkin is not None:
        return redirect("matches:family_checkin_answer", token=token, pk=checkin.pk)
    return render(request, "matches/checkin.html", {
        "base": FAMILY_FRAME, "token": token, "form": None, "nothing_due": True,
        "done_url": reverse("familypages:home", kwargs={"token": token})})


@family_page
def family_checkin_answer(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    return _own_checkin_page(request, token, pk, side=Side.FAMILY, household=request.family,
                             frame=FAMILY_FRAME, home="familypages:home")


@require_POST
@family_page
def family_activity(request: HttpRequest, token: str) -> HttpResponse:
    match = _family_match(request.family)
    if match is None:
        raise Http404
    form = _log_activity(request, match, Side.FAMILY, None)
    if form is not None:  # shown again with its errors next to the fields
        return _family_proposal(request, token, activity_form=form, status=400)
    return redirect("matches:family_proposal", token=token)


@family_page
def family_help(request: HttpRequest, token: str) -> HttpResponse:
    """A family asks for help or to be called back, with or without a match."""
    family = request.family
    if request.method != "POST":
        return render(request, "matches/family_help.html", {
            "token": token, "family": family, "help_form": HelpForm()})
    # The link is a key anyone holding it can use: a flood of requests (each opens a case
    # and mails the coordinators) is stopped, a family asking a few times never is.
    if not hit(f"family-help:{family.pk}", request, limit=HELP_LIMIT, window=HELP_WINDOW):
        messages.error(request, _("You have asked several times already: the team will "
                                  "call you. Try again in an hour if you need to."))
        return render(request, "matches/family_help.html", {
            "token": token, "family": family, "help_form": HelpForm(request.POST)},
            status=429)
    form = _ask_help(request, _family_match(family), Side.FAMILY, None, family=family)
    if form is not None:  # shown again with its errors next to the fields
        return render(request, "matches/family_help.html", {
            "token": token, "family": family, "help_form": form}, status=400)
    return redirect("familypages:home", token=token)
