"""Households' own pages: the volunteer household logs in; the family comes through its
personal link (signed, expiring, revocable) and reads its pages in its own language.

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
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from voisins.households.models import FamilyHousehold, MemberKind, VolunteerHousehold
from voisins.mediation import services as mediation_services

from . import bridge, selectors, services
from .forms import ActivityForm, AnswerForm, CheckInForm, HelpForm
from .models import CheckIn, Match, Proposal, Side
from .views import _attempt, _errors, _form_errors


def _profile(household: FamilyHousehold | VolunteerHousehold) -> dict[str, Any]:
    """What the other side may know before contact: never a last name, address or phone."""
    children = sorted(m.age for m in household.members.all() if m.kind == MemberKind.CHILD)
    adults = sum(1 for m in household.members.all() if m.kind == MemberKind.ADULT)
    needs = household.needs if isinstance(household, FamilyHousehold) else {}
    offers = household.offers if isinstance(household, VolunteerHousehold) else []
    return {
        "first_name": household.contact_first_name,
        "adults": adults, "children_ages": children,
        "languages": [bridge.language_label(c) for c in sorted(household.language_codes)],
        "needs": [bridge.service_label(c) for c in needs],
        "offers": [bridge.service_label(c) for c in offers],
        "area": f"{household.postcode} {household.locality}".strip(),
    }


def _side_context(match: Match, side: str, user: Any) -> dict[str, Any]:
    viewer = "family" if side == Side.FAMILY else "volunteer"
    return {
        "match": match,
        "contact": services.contact_reveal(match=match, viewer=viewer, viewer_user=user),
        "introduction": getattr(match, "introduction", None),
        "checkins": selectors.checkins_open_for(match=match, side=side),
        "activities": match.activities.filter(side=side)[:20],
    }


# --- Volunteer household ---------------------------------------------------------------

def _volunteer(request: HttpRequest) -> VolunteerHousehold:
    household = VolunteerHousehold.objects.filter(user=request.user).select_related(
        "programme").first()
    if household is None:
        raise Http404
    return household


@login_required
def volunteer_home(request: HttpRequest) -> HttpResponse:
    household = _volunteer(request)
    proposals = (Proposal.objects.filter(volunteer=household, status=Proposal.Status.SENT)
                 .select_related("family").prefetch_related("family__members"))
    matches = (Match.objects.filter(volunteer=household, status__in=Match.LIVE)
               .select_related("family", "introduction"))
    return render(request, "matches/volunteer_home.html", {
        "household": household,
        "proposals": [(p, _profile(p.family)) for p in proposals],
        "matches": matches,
        "answer_form": AnswerForm(),
    })


@login_required
@require_POST
def volunteer_answer(request: HttpRequest, pk: int) -> HttpResponse:
    household = _volunteer(request)
    proposal = Proposal.objects.filter(pk=pk, volunteer=household).first()
    if proposal is None:
        raise Http404
    form = AnswerForm(request.POST)
    if form.is_valid():
        _attempt(request, lambda: services.proposal_answer(
            proposal=proposal, side=Side.VOLUNTEER, accept=form.cleaned_data["answer"] == "yes",
            reason=form.cleaned_data["reason"], comment=form.cleaned_data["comment"],
            by=request.user), _("Thank you, your answer is recorded."))
    else:
        _form_errors(request, form)
    return redirect("matches:volunteer_home")


def _volunteer_match(request: HttpRequest, pk: int) -> Match:
    match = (Match.objects.filter(pk=pk, volunteer__user=request.user)
             .select_related("family", "volunteer", "programme").first())
    if match is None:
        raise Http404
    return match


@login_required
def volunteer_match(request: HttpRequest, pk: int) -> HttpResponse:
    match = _volunteer_match(request, pk)
    return render(request, "matches/household_match.html", {
        **_side_context(match, Side.VOLUNTEER, request.user),
        "other": _profile(match.family), "side": Side.VOLUNTEER,
        "activity_form": ActivityForm(categories=match.programme.service_categories.filter(
            active=True)),
        "help_form": HelpForm(), "urls": _volunteer_urls(match),
    })


def _volunteer_urls(match: Match) -> dict[str, str]:
    from django.urls import reverse

    return {"activity": reverse("matches:volunteer_activity", args=[match.pk]),
            "help": reverse("matches:volunteer_help", args=[match.pk]),
            "checkin": "matches:volunteer_checkin", "home": reverse("matches:volunteer_home")}


@login_required
def volunteer_checkin(request: HttpRequest, pk: int) -> HttpResponse:
    checkin = CheckIn.objects.filter(pk=pk, side=Side.VOLUNTEER,
                                     match__volunteer__user=request.user).select_related(
        "match__family").first()
    if checkin is None:
        raise Http404
    return _checkin_page(request, checkin, by=request.user)


@login_required
@require_POST
def volunteer_activity(request: HttpRequest, pk: int) -> HttpResponse:
    match = _volunteer_match(request, pk)
    _log_activity(request, match, Side.VOLUNTEER, request.user)
    return redirect("matches:volunteer_match", pk=match.pk)


@login_required
@require_POST
def volunteer_help(request: HttpRequest, pk: int) -> HttpResponse:
    match = _volunteer_match(request, pk)
    _ask_help(request, match, Side.VOLUNTEER, request.user)
    return redirect("matches:volunteer_match", pk=match.pk)


# --- Shared by both sides ------------------------------------------------------------------

def _log_activity(request: HttpRequest, match: Match, side: str, user: Any) -> None:
    form = ActivityForm(request.POST, categories=match.programme.service_categories.filter(
        active=True))
    if form.is_valid():
        _attempt(request, lambda: services.activity_log(match=match, side=side, by=user,
                                                        **form.cleaned_data),
                 _("Noted, thank you."))
    else:
        _form_errors(request, form)


def _ask_help(request: HttpRequest, match: Match, side: str, user: Any) -> None:
    form = HelpForm(request.POST)
    if form.is_valid():
        _attempt(request, lambda: mediation_services.case_open(
            programme=match.programme, kind=form.cleaned_data["kind"],
            summary=form.cleaned_data["summary"], opened_by=side, by=user, match=match,
            callback=form.callback_data()),
            _("Thank you. The team will get back to you soon."))
    else:
        _form_errors(request, form)


def _checkin_page(request: HttpRequest, checkin: CheckIn, *, by: Any = None,
                  done_url: str = "") -> HttpResponse:
    match = checkin.match
    other = match.volunteer if checkin.side == Side.FAMILY else match.family
    form = CheckInForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.checkin_answer(checkin=checkin, by=by, **form.cleaned_data)
            except ValidationError as exc:
                _errors(request, exc)
                return render(request, "matches/checkin.html", {
                    "checkin": checkin, "other": other.contact_first_name, "form": None,
                    "closed": True}, status=409)
            messages.success(request, _("Thank you for your answers."))
            return render(request, "matches/checkin_done.html", {"done_url": done_url})
        _form_errors(request, form)
    if checkin.answered_at is not None:
        messages.error(request, _("This check-in was already answered."))
        return render(request, "matches/checkin.html", {
            "checkin": checkin, "other": other.contact_first_name, "form": None,
            "closed": True}, status=409)
    return render(request, "matches/checkin.html", {
        "checkin": checkin, "other": other.contact_first_name, "form": form})


def checkin_link(request: HttpRequest, token: str) -> HttpResponse:
    """A check-in reached from its e-mail link, without logging in: once, within 30 days."""
    try:
        checkin = services.checkin_from_token(token)
    except ValidationError as exc:
        _errors(request, exc)
        return render(request, "matches/checkin.html", {"form": None, "closed": True},
                      status=410)
    language = (checkin.match.family.page_language if checkin.side == Side.FAMILY
                else services.volunteer_language(checkin.match.volunteer))
    with translation.override(language):
        response = _checkin_page(request, checkin)
        response["Content-Language"] = language
        return response


# --- Family (personal link) ----------------------------------------------------------------

def _family(token: str) -> FamilyHousehold:
    link = services.family_link_resolve(token)
    if link is None:
        raise Http404
    return link.family


def _in_family_language(view):  # noqa: ANN001, ANN202
    def wrapped(request: HttpRequest, token: str, *args: Any, **kwargs: Any) -> HttpResponse:
        family = _family(token)
        with translation.override(family.page_language):
            response = view(request, token, family, *args, **kwargs)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
            response["Content-Language"] = family.page_language
            return response

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _family_match(family: FamilyHousehold) -> Match | None:
    return (Match.objects.filter(family=family, status__in=Match.LIVE)
            .select_related("volunteer", "volunteer__user", "programme").first())


@_in_family_language
def family_home(request: HttpRequest, token: str, family: FamilyHousehold) -> HttpResponse:
    proposal = (Proposal.objects.filter(family=family, status=Proposal.Status.SENT)
                .select_related("volunteer").prefetch_related("volunteer__members").first())
    match = _family_match(family)
    context: dict[str, Any] = {
        "token": token, "family": family, "proposal": proposal,
        "other_profile": _profile(proposal.volunteer) if proposal else None,
        "answer_form": AnswerForm(), "help_form": HelpForm(),
    }
    if match:
        context.update(_side_context(match, Side.FAMILY, None))
        context["other"] = _profile(match.volunteer)
        context["activity_form"] = ActivityForm(
            categories=match.programme.service_categories.filter(active=True))
    return render(request, "matches/family_home.html", context)


@require_POST
@_in_family_language
def family_answer(request: HttpRequest, token: str, family: FamilyHousehold,
                  pk: int) -> HttpResponse:
    proposal = Proposal.objects.filter(pk=pk, family=family).first()
    if proposal is None:
        raise Http404
    form = AnswerForm(request.POST)
    if form.is_valid():
        _attempt(request, lambda: services.proposal_answer(
            proposal=proposal, side=Side.FAMILY, accept=form.cleaned_data["answer"] == "yes",
            reason=form.cleaned_data["reason"], comment=form.cleaned_data["comment"]),
            _("Thank you, your answer is recorded."))
    else:
        _form_errors(request, form)
    return redirect("matches:family_home", token=token)


@_in_family_language
def family_checkin(request: HttpRequest, token: str, family: FamilyHousehold,
                   pk: int) -> HttpResponse:
    checkin = CheckIn.objects.filter(pk=pk, side=Side.FAMILY, match__family=family
                                     ).select_related("match__volunteer").first()
    if checkin is None:
        raise Http404
    from django.urls import reverse

    return _checkin_page(request, checkin,
                         done_url=reverse("matches:family_home", args=[token]))


@require_POST
@_in_family_language
def family_activity(request: HttpRequest, token: str, family: FamilyHousehold) -> HttpResponse:
    match = _family_match(family)
    if match is None:
        raise Http404
    _log_activity(request, match, Side.FAMILY, None)
    return redirect("matches:family_home", token=token)


@require_POST
@_in_family_language
def family_help(request: HttpRequest, token: str, family: FamilyHousehold) -> HttpResponse:
    """A family asks for help, with or without a match."""
    match = _family_match(family)
    form = HelpForm(request.POST)
    if form.is_valid():
        _attempt(request, lambda: mediation_services.case_open(
            programme=family.programme, kind=form.cleaned_data["kind"],
            summary=form.cleaned_data["summary"], opened_by=Side.FAMILY, match=match,
            family=family, callback=form.callback_data()),
            _("Thank you. The team will get back to you soon."))
    else:
        _form_errors(request, form)
    return redirect("matches:family_home", token=token)
