"""Evaluation pages: each view checks access through voisins.access, calls one service or
selector, and renders."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from voisins import access
from voisins.matches.models import Match
from voisins.privacy.services import has_consent

from . import selectors, services
from .forms import (
    MatchHistoryForm,
    PeriodForm,
    PersistenceForm,
    SurveyForm,
    SurveyResultsForm,
)
from .importers import import_matches
from .questions import MIN_GROUP, SURVEY_LANGUAGES, Wave, age_band, questions_for


@login_required
def import_matches_page(request: HttpRequest, slug: str) -> HttpResponse:
    prog = access.programme_or_404(request.user, slug, "import_matches")
    result = None
    if request.method == "POST":
        form = MatchHistoryForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            result = import_matches(programme=prog, upload=upload, filename=upload.name,
                                    by=request.user)
            if result.ok:
                messages.success(request, _("%(n)s matches imported.") % {"n": result.created})
                return redirect("evaluation:import_matches", slug=prog.slug)
    else:
        form = MatchHistoryForm()
    return render(request, "evaluation/import_matches.html", {
        "programme": prog, "form": form, "result": result,
        "end_reasons": Match.EndReason.choices})


@login_required
def persistence_page(request: HttpRequest, slug: str) -> HttpResponse:
    prog = access.programme_or_404(request.user, slug, "view_aggregates")
    form = PersistenceForm(request.GET or None)
    result = None
    if not request.GET or form.is_valid():
        data = form.cleaned_data if request.GET else {}
        result = selectors.persistence(
            programme=prog, period=selectors.Period(data.get("start"), data.get("end")),
            split=data.get("split") or "", cutoff=data.get("cutoff"))
    return render(request, "evaluation/persistence.html",
                  {"programme": prog, "form": form, "result": result})


@login_required
def dashboard_page(request: HttpRequest, slug: str) -> HttpResponse:
    prog = access.programme_or_404(request.user, slug, "view_aggregates")
    form = PeriodForm(request.GET or None)
    period = selectors.default_period()
    if request.GET and form.is_valid():
        period = selectors.Period(form.cleaned_data["start"], form.cleaned_data["end"])
    elif not request.GET:
        form = PeriodForm(initial={"start": period.start, "end": period.end})
    return render(request, "evaluation/dashboard.html", {
        "programme": prog, "form": form,
        "dashboard": selectors.dashboard(programme=prog, period=period),
        "can": {action: access.can(request.user, action, prog) for action in (
            "import_matches", "record_surveys", "manage_evaluation", "export_reports")},
    })


@login_required
def surveys_page(request: HttpRequest, slug: str) -> HttpResponse:
    prog = access.programme_or_404(request.user, slug, "record_surveys")
    return render(request, "evaluation/surveys.html", {
        "programme": prog, "rows": selectors.surveys_due(programme=prog), "waves": Wave.choices})


@login_required
def survey_results_page(request: HttpRequest, slug: str) -> HttpResponse:
    prog = access.programme_or_404(request.user, slug, "view_aggregates")
    form = SurveyResultsForm(request.GET or None)
    data = form.cleaned_data if request.GET and form.is_valid() else {}
    results = selectors.survey_results(
        programme=prog, period=selectors.Period(data.get("start"), data.get("end")),
        wave=data.get("wave") or "m6", band=data.get("band") or "")
    return render(request, "evaluation/survey_results.html", {
        "programme": prog, "form": form, "results": results, "min_group": MIN_GROUP,
        "can_record": access.can(request.user, "record_surveys", prog)})


@login_required
def survey_answer_page(request: HttpRequest, slug: str, match: int, child: int,
                       wave: str) -> HttpResponse:
    """The questionnaire, in the family's language (or the one chosen), filled with the
    child and a parent; a coordinator records it."""
    prog = access.programme_or_404(request.user, slug, "record_surveys")
    the_match = access.record_or_404(Match.objects.select_related("family"), request.user,
                                     "record_surveys", pk=match, programme=prog)
    member = the_match.family.members.filter(pk=child, kind="child").first()
    if member is None or wave not in Wave.values:
        raise Http404
    language = request.GET.get("lang") or request.POST.get("lang") or \
        the_match.family.page_language
    if language not in SURVEY_LANGUAGES:
        language = "fr"
    band = age_band(member.birth_year, timezone.localdate())
    with translation.override(language):
        form = SurveyForm(request.POST or None, questions=questions_for(band) if band else [])
        error = None
        if request.method == "POST" and form.is_valid():
            try:
                _response, created = services.survey_record(
                    match=the_match, child=member, wave=wave, answers=form.answers(),
                    language=language, by=request.user)
            except ValidationError as exc:
                error = exc
            else:
                messages.success(request, _("Thank you! Your answers were saved.") if created
                                 else _("These answers were already given. The first answers "
                                        "are kept."))
                return redirect("evaluation:surveys", slug=prog.slug)
        return render(request, "evaluation/survey_answer.html", {
            "programme": prog, "match": the_match, "child": member, "band": band,
            "wave": Wave(wave), "form": form, "language": language, "error": error,
            "languages": [(code, name) for code, name in settings.LANGUAGES
                          if code in SURVEY_LANGUAGES],
            "consent": has_consent(the_match.family, "surveys"),
        })
