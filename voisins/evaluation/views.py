"""Evaluation pages: each view checks access through voisins.access, calls one service or
selector, and renders."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from voisins import access
from voisins.familypages.decorators import family_page
from voisins.feedback import save_form
from voisins.matches.models import Match
from voisins.privacy.selectors import has_consent

from . import practice, reports, selectors, services
from .forms import (
    AttendanceForm,
    FeedbackForm,
    MatchHistoryForm,
    MeetingForm,
    MinutesForm,
    PeriodForm,
    PersistenceForm,
    ReportForm,
    SurveyForm,
    SurveyResultsForm,
)
from .importers import import_matches
from .models import MeetingInvitation
from .questions import MIN_GROUP, SURVEY_LANGUAGES, Wave, age_band, questions_for
from .reports import REPORT_LANGUAGES


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


def _report_language() -> str:
    language = translation.get_language()
    return language if language in dict(settings.LANGUAGES) else "fr"


@login_required
def persistence_page(request: HttpRequest, slug: str) -> HttpResponse:
    prog = access.programme_or_404(request.user, slug, "view_aggregates")
    form = PersistenceForm(request.GET or None)
    result = lockdowns = None
    if not request.GET or form.is_valid():
        data = form.cleaned_data if request.GET else {}
        report = reports.report_build(
            programme=prog, period=selectors.Period(data.get("start"), data.get("end")),
            language=_report_language(),
            small_counts=access.can(request.user, "view_small_counts", prog))
        result = report.persistence_for(data.get("split") or "", data.get("cutoff"))
        lockdowns = report.lockdowns
    return render(request, "evaluation/persistence.html",
                  {"programme": prog, "form": form, "result": result, "lockdowns": lockdowns},
                  status=400 if form.errors else 200)


@login_required
def dashboard_page(request: HttpRequest, slug: str) -> HttpResponse:
    prog = access.programme_or_404(request.user, slug, "view_aggregates")
    form = PeriodForm(request.GET or None)
    period = selectors.default_period()
    if request.GET and form.is_valid():
        period = selectors.Period(form.cleaned_data["start"], form.cleaned_data["end"])
    elif not request.GET:
        form = PeriodForm(initial={"start": period.start, "end": period.end})
    # The same report object as the PDF and the XLSX: a viewer reads "< 5" where they do.
    report = reports.report_build(
        programme=prog, period=period, language=_report_language(),
        small_counts=access.can(request.user, "view_small_counts", prog))
    return render(request, "evaluation/dashboard.html", {
        "programme": prog, "form": form, "dashboard": report.dashboard,
        "can": {action: access.can(request.user, action, prog) for action in (
            "import_matches", "record_surveys", "manage_evaluation", "export_reports")},
    }, status=400 if form.errors else 200)


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


def _record_answers(request: HttpRequest, form: SurveyForm, *, match: Match, child: Any,
                    wave: str, language: str, by: Any = None
                    ) -> tuple[bool, ValidationError | None]:
    """Record a sent and valid questionnaire, with a message saying whether these answers
    are kept or the first ones were: (True, None) once recorded, (False, the error to
    show) when the service refused, (False, None) when there is nothing to record."""
    if request.method != "POST" or not form.is_valid():
        return False, None
    try:
        _response, created = services.survey_record(
            match=match, child=child, wave=wave, answers=form.answers(), language=language,
            by=by)
    except ValidationError as exc:
        return False, exc
    messages.success(request, _("Thank you! Your answers were saved.") if created
                     else _("These answers were already given. The first answers are kept."))
    return True, None


@login_required
def survey_answer_page(request: HttpRequest, slug: str, match: int, child: int,
                       wave: str) -> HttpResponse:
    """The questionnaire, in the family's language (or the one chosen), filled with the
    child and a parent; a coordinator records it."""
    prog = access.programme_or_404(request.user, slug, "record_surveys")
    the_match = access.record_or_404(selectors.matches_with_family(), request.user,
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
        saved, error = _record_answers(request, form, match=the_match, child=member,
                                       wave=wave, language=language, by=request.user)
        if saved:
            return redirect("evaluation:surveys", slug=prog.slug)
    # The page is in the coordinator's language; the questionnaire in it, in the family's
    # ({% language %} in the template), marked with its own lang and dir.
    return render(request, "evaluation/survey_answer.html", {
        "programme": prog, "match": the_match, "child": member, "band": band,
        "wave": Wave(wave), "form": form, "language": language, "error": error,
        "languages": [(code, name) for code, name in settings.LANGUAGES
                      if code in SURVEY_LANGUAGES],
        "consent": has_consent(the_match.family, "surveys"),
    })


@family_page
def family_surveys_page(request: HttpRequest, token: str) -> HttpResponse:
    """The family's own page of questionnaires (through its personal link): each child
    of 4 to 18, each wave, and a link to the ones open now."""
    due = selectors.family_surveys_due(family=request.family)
    children = [(member, [(code, label, states[code]) for code, label in Wave.choices])
                for member, _band, states in (due.children if due else [])]
    return render(request, "evaluation/family_surveys.html", {
        "token": token, "due": due, "children": children})


@family_page
def family_survey_answer_page(request: HttpRequest, token: str, child: int,
                              wave: str) -> HttpResponse:
    """One child's questionnaire, answered at home with a parent, in the family's language
    (the one of its pages)."""
    due = selectors.family_surveys_due(family=request.family)
    found = [(member, band, states) for member, band, states in (due.children if due else [])
             if member.pk == child]
    if not found or wave not in Wave.values:
        raise Http404
    member, band, states = found[0]
    back = redirect("evaluation:family_surveys", token=token)
    if not due.consent or states[wave] != "open":
        return back
    form = SurveyForm(request.POST or None, questions=questions_for(band))
    saved, error = _record_answers(request, form, match=due.match, child=member, wave=wave,
                                   language=translation.get_language())
    if saved:
        return back
    return render(request, "evaluation/family_survey_answer.html", {
        "token": token, "child": member, "band": band, "wave": Wave(wave), "form": form,
        "error": error, "consent": True, "language": ""})


@login_required
def reports_page(request: HttpRequest, slug: str) -> HttpResponse:
    """The report form; with ?format=pdf or xlsx, the report itself, as a download."""
    prog = access.programme_or_404(request.user, slug, "export_reports")
    language = translation.get_language() if translation.get_language() in REPORT_LANGUAGES \
        else "fr"
    form = ReportForm(request.GET if "format" in request.GET else None,
                      initial={"language": language, **_period_initial()})
    if "format" in request.GET and form.is_valid():
        data = form.cleaned_data
        report = reports.report_build(
            programme=prog, period=selectors.Period(data["start"], data["end"]),
            language=data["language"])
        if data["format"] == "xlsx":
            return HttpResponse(
                reports.report_xlsx(report),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                headers={"Content-Disposition":
                         f'attachment; filename="{report.filename("xlsx")}"'})
        return HttpResponse(reports.report_pdf(report), content_type="application/pdf",
                            headers={"Content-Disposition":
                                     f'attachment; filename="{report.filename("pdf")}"'})
    return render(request, "evaluation/reports.html", {"programme": prog, "form": form},
                  status=400 if form.errors else 200)


def _period_initial() -> dict:
    period = selectors.default_period()
    return {"start": period.start, "end": period.end}


@login_required
def meetings_page(request: HttpRequest, slug: str) -> HttpResponse:
    prog = access.programme_or_404(request.user, slug, "manage_evaluation")
    form = MeetingForm(request.POST or None,
                       initial={"year": timezone.localdate().year})
    if saved := save_form(request, form, lambda: services.meeting_plan(
            programme=prog, by=request.user, **form.cleaned_data), _("Meeting planned.")):
        return redirect("evaluation:meeting", slug=prog.slug, pk=saved.value.pk)
    return render(request, "evaluation/meetings.html", {
        "programme": prog, "form": form,
        "meetings": selectors.meetings_counted(programme=prog),
        "themes": selectors.theme_table(programme=prog)})


@login_required
def meeting_page(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    prog = access.programme_or_404(request.user, slug, "manage_evaluation")
    meeting = access.record_or_404(selectors.meeting_records(), request.user,
                                   "manage_evaluation", pk=pk, programme=prog)
    minutes_form = MinutesForm(initial={"minutes": meeting.minutes,
                                        "themes": meeting.minutes_themes})
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "invite":
            created = services.meeting_invite(meeting=meeting)
            messages.success(request, _("%(n)s volunteer households invited.") % {
                "n": len(created)})
            return redirect("evaluation:meeting", slug=prog.slug, pk=meeting.pk)
        if action == "attendance":
            form = AttendanceForm(request.POST)
            if form.is_valid():
                invitation = meeting.invitations.filter(
                    pk=form.cleaned_data["invitation"]).first()
                if invitation is None:
                    raise Http404
                services.invitation_set_attendance(
                    invitation=invitation, attendance=form.cleaned_data["attendance"])
                messages.success(request, _("Attendance saved."))
            else:
                messages.error(request, _("Choose present, excused or absent."))
            return redirect("evaluation:meeting", slug=prog.slug, pk=meeting.pk)
        if action == "minutes":
            minutes_form = MinutesForm(request.POST)
            if save_form(request, minutes_form, lambda: services.meeting_write_minutes(
                    meeting=meeting, **minutes_form.cleaned_data), _("Minutes saved.")):
                return redirect("evaluation:meeting", slug=prog.slug, pk=meeting.pk)
    invitations = meeting.invitations.select_related("volunteer", "feedback").order_by(
        "volunteer__contact_last_name", "id")
    return render(request, "evaluation/meeting.html", {
        "programme": prog, "meeting": meeting, "invitations": invitations,
        "minutes_form": minutes_form, "attendance_choices": MeetingInvitation.Attendance.choices,
        "after": timezone.now() >= meeting.planned_at})


def feedback_page(request: HttpRequest, token: str) -> HttpResponse:
    """The volunteer household's personal feedback form (no account needed: the link is
    the key, sent to the household only)."""
    invitation = selectors.meeting_invitation_by_token(token=token)
    if invitation is None:
        raise Http404
    existing = getattr(invitation, "feedback", None)
    initial = {} if existing is None else {
        "what_works": existing.what_works, "what_is_hard": existing.what_is_hard,
        "what_to_change": existing.what_to_change, "themes": existing.themes}
    form = FeedbackForm(request.POST or None, initial=initial)
    if save_form(request, form, lambda: services.feedback_submit(
            invitation=invitation, **form.cleaned_data),
            _("Thank you! Your feedback was saved. You can change it until the form closes.")):
        return redirect("evaluation:feedback", token=token)
    return render(request, "evaluation/feedback.html", {
        "invitation": invitation, "meeting": invitation.meeting, "form": form,
        "open": invitation.meeting.feedback_open})


@login_required
def practice_sheet_page(request: HttpRequest, slug: str) -> HttpResponse:
    """The practice sheet on screen; ?format=md or json downloads it."""
    prog = access.programme_or_404(request.user, slug, "view_aggregates")
    language = request.GET.get("language", "")
    if language not in practice.SHEET_LANGUAGES:
        current = translation.get_language()
        language = current if current in practice.SHEET_LANGUAGES else "fr"
    record = practice.sheet(programme=prog, language=language)
    fmt = request.GET.get("format", "")
    stem = f"{prog.slug}-practice-sheet-{language}"
    if fmt == "json":
        return HttpResponse(practice.as_json(record), content_type="application/json",
                            headers={"Content-Disposition": f'attachment; filename="{stem}.json"'})
    if fmt == "md":
        return HttpResponse(practice.as_markdown(record),
                            content_type="text/markdown; charset=utf-8",
                            headers={"Content-Disposition": f'attachment; filename="{stem}.md"'})
    return render(request, "evaluation/practice_sheet.html", {
        "programme": prog, "record": record, "language": language,
        "fields": [(record["labels"][name], record[name]) for name in practice.FIELDS],
        "languages": [("fr", "Français"), ("nl", "Nederlands"), ("en", "English")]})
