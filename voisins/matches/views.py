"""Coordinators' pages of match life: each view checks access, calls one service or
selector, and renders."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from voisins import access
from voisins.audit.services import audit_list, audit_read
from voisins.feedback import errors_to_form, errors_to_messages, form_errors_to_messages
from voisins.households.models import FamilyHousehold
from voisins.households.selectors import household_records, names_of
from voisins.households.status import FamilyStatus
from voisins.messaging.feedback import attempt
from voisins.messaging.selectors import reach_summary
from voisins.messaging.services import collect as collect_messages
from voisins.programmes.services import programme_set_matching_weights
from voisins.workspace.lists import list_query, render_list

from . import bridge, selectors, services, waiting
from .filters import CheckInFilter, MatchFilter, ProposalFilter
from .forms import (
    AnswerForm,
    EndForm,
    IntroductionHeldForm,
    IntroductionPlanForm,
    MatchingWeightsForm,
    PauseForm,
    ProgrammePauseForm,
    ProposalEditForm,
    RunFilterForm,
)
from .models import Match, MatchingRun, Proposal, UndoableAction


def _confirm(request: HttpRequest, *, title: str, preview: dict, action: str, button: str,
             cancel: str, fields: list[tuple[str, Any]] = (), undo_days: int = 0,
             final: str = "") -> HttpResponse:
    """The second step of a risky action: what will happen, who will be told and how, and
    the same form posted again with ``confirm=1`` (no JavaScript needed)."""
    return render(request, "confirm.html", {
        "title": title, "what": preview["what"], "told": preview["told"], "action": action,
        "button": button, "cancel": cancel, "fields": fields, "undo_days": undo_days,
        "final": final})


# --- Dashboard -------------------------------------------------------------------------

@login_required
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    prog = access.programme_or_404(request.user, slug, "manage_matches")
    return render(request, "matches/dashboard.html", {
        "programme": prog, **selectors.dashboard(prog, request.user),
        "pause": selectors.running_pause(prog),
        "pause_form": ProgrammePauseForm(),
        "undoable_pause": selectors.undoable_pause(prog),
    })


# --- Matching --------------------------------------------------------------------------

@login_required
def matching(request: HttpRequest, slug: str) -> HttpResponse:
    prog = access.programme_or_404(request.user, slug, "manage_matches")
    if request.method == "POST":
        run = services.matching_run_start(programme=prog, by=request.user,
                                          dry_run=request.POST.get("dry_run") == "1")
        return redirect("matches:run", slug=prog.slug, pk=run.pk)
    runs = selectors.recent_runs(programme=prog)
    return render(request, "matches/matching.html", {
        "programme": prog, "runs": runs,
        "waiting": selectors.waiting_families(prog).count(),
        "weights_form": MatchingWeightsForm(current=prog.matching_weights
                                            if isinstance(prog.matching_weights, dict) else {}),
        "may_change_weights": access.can(request.user, "manage_programme", prog),
    })


@login_required
@require_POST
def matching_weights(request: HttpRequest, slug: str) -> HttpResponse:
    prog = access.programme_or_404(request.user, slug, "manage_programme")
    form = MatchingWeightsForm(request.POST)
    if not form.is_valid():
        form_errors_to_messages(request, form)
    else:
        attempt(request, lambda: programme_set_matching_weights(
            programme=prog, weights=form.cleaned_data, by=request.user),
            _("Matching weights saved; the next run uses them."))
    return redirect("matches:matching", slug=prog.slug)


RUN_PAGE_SIZE = 50


def _run(request: HttpRequest, slug: str, pk: int) -> tuple[Any, MatchingRun]:
    prog = access.programme_or_404(request.user, slug, "manage_matches")
    run = access.record_or_404(prog.matching_runs.all(), request.user, "manage_matches",
                               pk=pk, programme=prog)
    return prog, run


@login_required
def run_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A run's pairs, named, to filter, sort, review and send; and the families it left
    out, with why. A filter that makes no sense answers 400, naming it."""
    prog, run = _run(request, slug, pk)
    pairs = selectors.run_pairs(run)
    form = RunFilterForm(request.GET, areas=selectors.run_areas(pairs))
    valid = form.is_valid()
    chosen = selectors.run_pairs_filter(pairs, **form.cleaned_data) if valid else []
    page = Paginator(chosen, RUN_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = selectors.run_pairs_named(run, list(page))
    not_proposed = waiting.explained(run.not_proposed, prog)
    # The page names households (families left out by name): its reading is audited.
    audit_list(request=request, programme=prog,
               households=[*(h for p in rows for h in (p["family"], p["volunteer"])),
                           *(row["family"] for g in not_proposed for row in g["rows"])],
               via="matching_run")
    context = {"programme": prog, "run": run, "page": page, "rows": rows, "filter_form": form,
               "pairs_total": len(pairs), "not_proposed": not_proposed,
               "back": request.GET.urlencode(),
               "drafts": sum(1 for p in rows if p["proposal"] and p["proposal"].status
                             == Proposal.Status.DRAFT)}
    return render(request, "matches/_run_rows.html" if request.htmx and valid
                  else "matches/run.html", context, status=200 if valid else 400)


def _send_selected(request: HttpRequest, prog: Any, run: MatchingRun | None = None
                   ) -> HttpResponse | None:
    """Send the proposals ticked (``proposal`` ids) and say, for each, what happened and
    who was told how; a 400 when an id is not a number."""
    try:
        ids = [int(value) for value in request.POST.getlist("proposal")]
    except ValueError:
        return HttpResponse(_("proposal: not a proposal number."), status=400,
                            content_type="text/plain; charset=utf-8")
    if not ids:
        messages.error(request, _("Select at least one proposal to send."))
        return None
    # What each household was told, exactly (channel and state of each message).
    try:
        with collect_messages() as queued:
            done = services.proposals_send_selected(programme=prog, ids=ids, by=request.user,
                                                    run=run)
    except ValidationError as exc:
        errors_to_messages(request, exc)
        return None
    if done["sent"]:
        sent = ngettext("%(n)s proposal sent: %(names)s.", "%(n)s proposals sent: %(names)s.",
                        len(done["sent"])) % {
            "n": len(done["sent"]),
            "names": "; ".join(f"{p.family} – {p.volunteer}" for p in done["sent"])}
        messages.success(request, " ".join(filter(None, [sent, reach_summary(queued)])))
    for proposal, reason in done["refused"]:
        messages.error(request, _("Not sent: %(pair)s: %(reason)s") % {
            "pair": f"{proposal.family} – {proposal.volunteer}", "reason": reason})
    return None


@login_required
@require_POST
def run_send(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Send the run's proposals ticked on its page in one action, then back to the page
    as it was filtered, with what happened."""
    prog, run = _run(request, slug, pk)
    bad_request = _send_selected(request, prog, run)
    if bad_request is not None:
        return bad_request
    # The page's filters, as it was sent from (parsed and written out again).
    back = QueryDict(str(request.POST.get("back", ""))[:500]).urlencode()
    url = reverse("matches:run", args=[prog.slug, run.pk])
    return redirect(f"{url}?{back}" if back else url)


@login_required
def recruitment_gaps(request: HttpRequest, slug: str) -> HttpResponse:
    prog = access.programme_or_404(request.user, slug, "manage_matches")
    try:
        gaps = waiting.recruitment_gaps(prog)
    except ValidationError as exc:  # the programme's stored weights are not valid
        errors_to_messages(request, exc)
        gaps = {"waiting": 0, "unmet": 0, "set_aside": 0, "lines": [], "areas": []}
    if request.GET.get("format") == "geojson":
        return JsonResponse(waiting.areas_geojson(gaps["areas"]))
    tiles = {"url": settings.VOISINS.get("MAP_TILES", ""),
             "attribution": settings.VOISINS.get("MAP_ATTRIBUTION", "")}
    return render(request, "matches/gaps.html", {"programme": prog, **gaps, "tiles": tiles})


@login_required
def why_waiting(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Why a waiting family still waits: the section of its page, loaded after the page
    (the analysis reads the households around it; the page itself stays quick)."""
    prog = access.programme_or_404(request.user, slug, "manage_matches")
    family = access.record_or_404(household_records(model=FamilyHousehold), request.user,
                                  "manage_matches", pk=pk, programme=prog)
    entry = None
    if family.status == FamilyStatus.WAITING:
        try:
            entry = waiting.family_waits(family)
        except ValidationError as exc:  # the programme's stored weights are not valid
            errors_to_messages(request, exc)
    template = "matches/_why_waiting.html" if request.htmx else "matches/why_waiting.html"
    return render(request, template, {"programme": prog, "family": family, "entry": entry})


@login_required
def suggestions(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    prog = access.programme_or_404(request.user, slug, "manage_matches")
    family = access.record_or_404(household_records(model=FamilyHousehold), request.user,
                                  "manage_matches", pk=pk, programme=prog)
    if request.method == "POST":
        volunteer = prog.volunteerhousehold_set.filter(pk=request.POST.get("volunteer")).first() \
            if str(request.POST.get("volunteer", "")).isdigit() else None
        if volunteer is None:
            messages.error(request, _("volunteer: Choose a volunteer household."))
        else:
            try:
                proposal = services.proposal_pick(family=family, volunteer=volunteer,
                                                  by=request.user)
            except ValidationError as exc:
                errors_to_messages(request, exc)
            else:
                messages.success(request, _("Proposal ready for review."))
                return redirect("matches:proposal", slug=prog.slug, pk=proposal.pk)
    rows = {v.pk: v for v in selectors.matchable_volunteers_near(family)}
    waits = None
    try:
        found = bridge.suggest_for(prog, family, list(rows.values()),
                                   selectors.excluded_pairs_of(family), k=10)
        if not found and family.status == FamilyStatus.WAITING:
            waits = waiting.family_waits(family)
    except ValidationError as exc:  # the programme's stored weights are not valid
        errors_to_messages(request, exc)
        found = []
    items = [{"volunteer": rows[p.volunteer_id], "score": p.score,
              "distance_km": p.distance_km,
              "reasons": [bridge.reason_text(r) for r in bridge.reasons_as_json(p.reasons)]}
             for p in found]
    return render(request, "matches/suggestions.html", {
        "programme": prog, "family": family, "items": items, "waits": waits,
        "not_proposable": selectors.family_not_proposable(family)})


# --- Proposals ---------------------------------------------------------------------------

@login_required
def proposal_list(request: HttpRequest, slug: str) -> HttpResponse:
    prog = access.programme_or_404(request.user, slug, "manage_matches")
    filterset = ProposalFilter(
        list_query(request, status=Proposal.Status.DRAFT),
        queryset=selectors.proposals_listed(programme=prog))
    return render_list(request, template="matches/proposal_list.html",
                       rows="matches/_proposal_rows.html", filterset=filterset,
                       context={"programme": prog}, households=("family", "volunteer"),
                       export="proposals")


@login_required
@require_POST
def proposals_send(request: HttpRequest, slug: str) -> HttpResponse:
    """Send the proposals ticked on the list in one action, then say what happened."""
    prog = access.programme_or_404(request.user, slug, "manage_matches")
    bad_request = _send_selected(request, prog)
    return bad_request or redirect(f"{reverse('matches:proposals', args=[prog.slug])}?status=draft")


def _proposal(request: HttpRequest, slug: str, pk: int) -> tuple[Any, Proposal]:
    prog = access.programme_or_404(request.user, slug, "manage_matches")
    proposal = access.record_or_404(selectors.proposals_with_households(), request.user,
                                    "manage_matches", pk=pk, programme=prog)
    return prog, proposal


@login_required
def proposal_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    prog, proposal = _proposal(request, slug, pk)
    back_to_run = proposal.run_id is not None and request.POST.get(
        "back", request.GET.get("back")) == "run"
    if request.method == "POST":
        form = ProposalEditForm(request.POST)
        if form.is_valid():
            if attempt(request, lambda: services.proposal_update(
                    proposal=proposal, note=form.cleaned_data["note"],
                    expires_at=form.expires_at(proposal.expires_at), by=request.user),
                    _("Proposal saved.")):
                if back_to_run:  # edited from its run's page: back there
                    return redirect(reverse("matches:run", args=[prog.slug, proposal.run_id])
                                    + "#pairs")
                return redirect("matches:proposal", slug=prog.slug, pk=proposal.pk)
        else:
            form_errors_to_messages(request, form)
    else:
        form = ProposalEditForm(initial=ProposalEditForm.initial_for(
            note=proposal.note, expires_at=proposal.expires_at))
    return render(request, "matches/proposal_detail.html", {
        "programme": prog, "proposal": proposal, "form": form, "answer_form": AnswerForm(),
        # Both answers may be recorded on this page: each form its own ids.
        "volunteer_answer_form": AnswerForm(auto_id="id_v_%s"), "back_to_run": back_to_run,
        "reasons": [bridge.reason_text(r) for r in proposal.reasons],
    })


@login_required
@require_POST
def proposal_send(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    prog, proposal = _proposal(request, slug, pk)
    attempt(request, lambda: services.proposal_send(proposal=proposal, by=request.user),
             _("Proposal sent."))
    return redirect("matches:proposal", slug=prog.slug, pk=proposal.pk)


@login_required
@require_POST
def proposal_discard(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    prog, proposal = _proposal(request, slug, pk)
    back = reverse("matches:proposal", args=[prog.slug, proposal.pk])
    if request.POST.get("confirm") != "1":
        return _confirm(request, title=_("Discard this proposal?"),
                        preview=selectors.discard_preview(proposal),
                        action=reverse("matches:proposal_discard", args=[prog.slug, proposal.pk]),
                        button=_("Yes, discard it"), cancel=back)
    attempt(request, lambda: services.proposal_discard(proposal=proposal, by=request.user),
             _("Proposal discarded."))
    return redirect("matches:proposal", slug=prog.slug, pk=proposal.pk)


def _record_answer(request: HttpRequest, slug: str, pk: int, side: str,
                   recorded: str) -> HttpResponse:
    """A coordinator records one household's answer on its behalf (by phone, in person,
    with an interpreter)."""
    prog, proposal = _proposal(request, slug, pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        attempt(request, lambda: services.proposal_answer(
            proposal=proposal, side=side, accept=form.cleaned_data["answer"] == "yes",
            reason=form.cleaned_data["reason"], comment=form.cleaned_data["comment"],
            by=request.user), recorded)
    else:
        form_errors_to_messages(request, form)
    # Recorded from the to-call list: back to it.
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                                require_https=request.is_secure()):
        return redirect(back)
    return redirect("matches:proposal", slug=prog.slug, pk=proposal.pk)


@login_required
@require_POST
def proposal_family_answer(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _record_answer(request, slug, pk, "family", _("The family's answer is recorded."))


@login_required
@require_POST
def proposal_volunteer_answer(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _record_answer(request, slug, pk, "volunteer",
                          _("The volunteer household's answer is recorded."))


# --- Matches ----------------------------------------------------------------------------

@login_required
def match_list(request: HttpRequest, slug: str) -> HttpResponse:
    prog = access.programme_or_404(request.user, slug, "mediate")
    data = list_query(request, status="live")
    filterset = MatchFilter(data, queryset=selectors.matches_for(prog, request.user).only(
        "status", "started_on", "needs_attention", "attention_reasons",
        *names_of("family", "volunteer")))
    return render_list(request, template="matches/match_list.html",
                       rows="matches/_match_rows.html", filterset=filterset,
                       context={"programme": prog, "attention": bool(data.get("attention"))},
                       households=("family", "volunteer"), export="matches")


def _match(request: HttpRequest, slug: str, pk: int, action: str = "mediate"
           ) -> tuple[Any, Match]:
    prog = access.programme_or_404(request.user, slug, action)
    queryset = selectors.matches_for(prog, request.user).select_related(
        "proposal", "introduction", "family", "volunteer", "programme")
    match = access.record_or_404(queryset, request.user, action, pk=pk)
    return prog, match


# The forms of a match's page: their name in the template and their own ids (several
# forms on one page).
MATCH_FORMS = {"plan_form": (IntroductionPlanForm, "id_plan_%s"),
               "held_form": (IntroductionHeldForm, "id_held_%s"),
               "pause_form": (PauseForm, "id_pause_%s"), "end_form": (EndForm, "id_end_%s")}


def _match_page(request: HttpRequest, prog: Any, match: Match, bound: dict | None = None,
                status: int = 200) -> HttpResponse:
    """The match and its forms; one of them may come back bound, with its errors."""
    forms = {name: form_class(auto_id=auto_id)
             for name, (form_class, auto_id) in MATCH_FORMS.items()} | (bound or {})
    page = selectors.match_page(match, request.user)
    if page["answers_shown"]:
        audit_read(by=request, record=match, fields=selectors.MATCH_ANSWERS)
    if page["contacts"]:
        for side in page["sides"]:
            audit_read(by=request, record=side["household"], fields=selectors.CONTACT_FIELDS)
    return render(request, "matches/match_detail.html", {
        "programme": prog, "match": match, **page,
        "reveals": match.reveals.all()[:20],
        "undoable": selectors.match_history(match),
        "can_manage": access.can(request.user, "manage_matches", prog),
        "household_pages": access.can(request.user, "view_households", prog),
        **forms,
    }, status=status)


@login_required
def match_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    prog, match = _match(request, slug, pk)
    return _match_page(request, prog, match)


def _match_action(request: HttpRequest, slug: str, pk: int, form_name: str | None,
                  action: Callable[[Match, dict], Any], success: str) -> HttpResponse:
    prog, match = _match(request, slug, pk, "manage_matches")
    form = None
    if form_name:
        form_class, auto_id = MATCH_FORMS[form_name]
        form = form_class(request.POST, auto_id=auto_id)
        if not form.is_valid():  # shown again with its errors next to the fields
            return _match_page(request, prog, match, {form_name: form}, status=400)
    try:
        with collect_messages() as queued:
            action(match, form.cleaned_data if form else {})
    except ValidationError as exc:
        if form is None:
            errors_to_messages(request, exc)
            return redirect("matches:match", slug=prog.slug, pk=match.pk)
        errors_to_form(form, exc)  # the rule that refused it, next to its field
        return _match_page(request, prog, match, {form_name: form}, status=400)
    messages.success(request, " ".join(filter(None, [success, reach_summary(queued)])))
    return redirect("matches:match", slug=prog.slug, pk=match.pk)


@login_required
@require_POST
def introduction_plan(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _match_action(request, slug, pk, "plan_form",
                         lambda m, d: services.introduction_plan(match=m, by=request.user, **d),
                         _("Introduction planned."))


@login_required
@require_POST
def introduction_held(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _match_action(request, slug, pk, "held_form",
                         lambda m, d: services.introduction_record(match=m, by=request.user,
                                                                   **d),
                         _("Introduction recorded: the match is active."))


@login_required
@require_POST
def match_pause(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _match_action(request, slug, pk, "pause_form",
                         lambda m, d: services.match_pause(match=m, by=request.user, **d),
                         _("Match paused."))


@login_required
@require_POST
def match_resume(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _match_action(request, slug, pk, None,
                         lambda m, d: services.match_resume(match=m, by=request.user),
                         _("Match resumed."))


@login_required
@require_POST
def match_end(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Ending is asked twice: the form, then a page saying what will happen."""
    if request.POST.get("confirm") != "1":
        prog, match = _match(request, slug, pk, "manage_matches")
        form = EndForm(request.POST, auto_id="id_end_%s")
        if not form.is_valid():
            return _match_page(request, prog, match, {"end_form": form}, status=400)
        data = form.cleaned_data
        return _confirm(
            request, title=_("End this match?"),
            preview=selectors.end_preview(match, reason=data["reason"],
                                          family_waits_again=data["family_waits_again"]),
            action=reverse("matches:match_end", args=[prog.slug, match.pk]),
            button=_("Yes, end the match"), cancel=reverse("matches:match",
                                                           args=[prog.slug, match.pk]),
            fields=[("reason", data["reason"]), ("note", data["note"]),
                    *([("family_waits_again", "on")] if data["family_waits_again"] else [])],
            undo_days=UndoableAction.UNDO_DAYS)
    return _match_action(request, slug, pk, "end_form",
                         lambda m, d: services.match_end(match=m, by=request.user, **d),
                         _("Match ended. You can undo it for %(n)s days from this page.")
                         % {"n": UndoableAction.UNDO_DAYS})


@login_required
@require_POST
def match_end_undo(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    def undo(match: Match, data: dict) -> None:
        action = selectors.undo_end_action(match)
        if action is None:
            raise ValidationError(_("This match was not ended here; there is nothing to "
                                    "undo."))
        services.action_undo(action=action, by=request.user)

    return _match_action(request, slug, pk, None, undo,
                         _("The end was undone: the match runs again as before."))


@login_required
@require_POST
def match_clear(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _match_action(request, slug, pk, None,
                         lambda m, d: services.match_clear_attention(match=m, by=request.user),
                         _("Warnings marked as dealt with."))


@login_required
@require_POST
def match_mediator(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    def assign(match: Match, data: dict) -> None:
        raw = request.POST.get("mediator", "")
        user = None
        if raw:
            membership = match.programme.memberships.filter(
                user_id=raw if raw.isdigit() else None).select_related("user").first()
            if membership is None:
                raise ValidationError({"mediator": _("Choose a mediator of this programme.")})
            user = membership.user
        services.match_assign_mediator(match=match, mediator=user, by=request.user)

    return _match_action(request, slug, pk, None, assign, _("Mediator saved."))


@login_required
@require_POST
def pause_all(request: HttpRequest, slug: str) -> HttpResponse:
    prog = access.programme_or_404(request.user, slug, "manage_matches")
    if request.POST.get("action") == "resume":
        attempt(request, lambda: services.programme_resume_all(programme=prog, by=request.user),
                 _("Every paused match is running again."))
    else:
        form = ProgrammePauseForm(request.POST)
        if not form.is_valid():
            form_errors_to_messages(request, form)
        elif request.POST.get("confirm") != "1":
            return _confirm(
                request, title=_("Pause every match?"), preview=selectors.pause_preview(prog),
                action=reverse("matches:pause_all", args=[prog.slug]),
                button=_("Yes, pause every match"),
                cancel=reverse("matches:dashboard", args=[prog.slug]),
                fields=[("message", form.cleaned_data["message"])],
                undo_days=UndoableAction.UNDO_DAYS)
        else:
            attempt(request, lambda: services.programme_pause_all(
                programme=prog, message=form.cleaned_data["message"], by=request.user),
                _("Every match is paused."))
    return redirect("matches:dashboard", slug=prog.slug)


@login_required
@require_POST
def pause_undo(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Undo a programme pause (within the days allowed): as if it had not happened."""
    prog = access.programme_or_404(request.user, slug, "manage_matches")
    action = access.record_or_404(
        selectors.pause_actions(prog), request.user, "manage_matches", pk=pk)
    attempt(request, lambda: services.action_undo(action=action, by=request.user),
             _("The programme pause was undone: the matches run as if it had not happened."))
    return redirect("matches:dashboard", slug=prog.slug)


@login_required
def checkins_overdue(request: HttpRequest, slug: str) -> HttpResponse:
    prog = access.programme_or_404(request.user, slug, "manage_matches")
    filterset = CheckInFilter(request.GET, queryset=selectors.checkins_overdue(prog).only(
        "match", "side", "due_on", "notified_at", *names_of("match__family", "match__volunteer")))
    return render_list(request, template="matches/checkins_overdue.html",
                       rows="matches/_checkin_rows.html", filterset=filterset,
                       context={"programme": prog}, export="checkins")
