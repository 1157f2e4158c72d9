"""The practice sheet: the programme's record in the shape of the IMMERSE database of good
practices (the Voisins Solidaires sheet in shared/seed is one such record), with its
figures filled from live data, exported as Markdown or JSON in French, Dutch or English.

The texts follow the Voisins Solidaires sheet; the figures are the programme's own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from voisins import rounding
from voisins.matches.models import Match
from voisins.programmes.models import Programme

from . import selectors
from .models import EvaluationMeeting, SurveyResponse
from .questions import MIN_GROUP, Indicator

SHEET_LANGUAGES = ("fr", "nl", "en")
# The record's fields, in the order of the IMMERSE database.
FIELDS = ("description", "category", "country", "language", "dashboard_outcomes",
          "ex_post_evaluation", "deliverables", "reproducibility", "motivation", "funds",
          "type_of_action", "target_groups", "professionals_involved", "networks")


@dataclass(frozen=True)
class Figures:
    since: int | None
    families_met: int
    volunteers_met: int
    matches: int
    matches_active: int
    lasted_12_months: int
    share_12_months: float | None
    median_months: float | None
    meetings_held: int
    children_surveyed: int | None  # None under MIN_GROUP


def figures(*, programme: Programme, today: date | None = None) -> Figures:
    """The live figures the sheet quotes, since the start of the programme."""
    today = today or timezone.localdate()
    matches = Match.objects.filter(programme=programme)
    first = matches.order_by("started_on").values_list("started_on", flat=True).first()
    # Lasted at least 12 months: ended a year or more after the start, or still going a
    # year after it.
    lasted = sum(
        1 for started, ended in matches.filter(
            started_on__lte=today - timedelta(days=365)).values_list("started_on", "ended_on")
        if ended is None or (ended - started).days >= 365
    )
    persistence = selectors.persistence(programme=programme, today=today)
    overall = persistence.overall
    children = SurveyResponse.objects.filter(programme=programme, child__isnull=False).values(
        "child_id").distinct().count()
    return Figures(
        since=first.year if first else None,
        families_met=matches.values("family_id").distinct().count(),
        volunteers_met=matches.values("volunteer_id").distinct().count(),
        matches=matches.count(),
        matches_active=matches.exclude(status=Match.Status.ENDED).count(),
        lasted_12_months=lasted,
        share_12_months=overall.milestones[2].share if overall else None,
        median_months=overall.median_months if overall else None,
        meetings_held=EvaluationMeeting.objects.filter(
            programme=programme, planned_at__lte=timezone.now()).count(),
        children_surveyed=children if children >= MIN_GROUP else None,
    )


def _names(language: str) -> Any:
    """Names of countries and languages in `language` (from the CLDR, through Babel)."""
    from babel import Locale

    return Locale.parse(language)


def _capfirst(text: str) -> str:
    return text[:1].upper() + text[1:]


def _pct(share: float | None) -> str:
    """In whole percents, rounded as everywhere (voisins.rounding)."""
    return "—" if share is None else f"{number_format(rounding.percent_points(share), 0)} %"


def sheet(*, programme: Programme, language: str, today: date | None = None) -> dict[str, Any]:
    """The practice sheet as {field: text or list of texts}, plus "figures" and "title"."""
    if language not in SHEET_LANGUAGES:
        raise ValueError(language)
    f = figures(programme=programme, today=today)
    organisations = ", ".join(programme.organisations.values_list("name", flat=True))
    with translation.override(language):
        since = str(f.since) if f.since else "—"
        description = " ".join([
            _("Since %(year)s, %(organisations)s put residents of the area in touch with "
              "refugee and migrant families living in their immediate vicinity.") % {
                "year": since, "organisations": organisations or programme.name},
            _("The volunteers offer services according to their availability, skills and "
              "wishes, respecting the needs and wishes of the families: homework help, "
              "transport, discovering the neighbourhood or the city, reading mail, chatting "
              "in the host language, sharing a meal, and whatever the two households decide "
              "together."),
            _("The association recruits, trains and connects the volunteers, and offers "
              "remote mediation and collective support throughout."),
            _("Since %(year)s, %(families)s families and %(volunteers)s volunteer households "
              "have met through %(matches)s matches; %(active)s are going on today.") % {
                "year": since, "families": f.families_met, "volunteers": f.volunteers_met,
                "matches": f.matches, "active": f.matches_active},
        ])
        evaluation = " ".join([
            _("Once a year the association holds an evaluation meeting with the volunteers "
              "(%(n)s held so far).") % {"n": f.meetings_held},
            _("It counts how many matches persist over time: %(lasted)s matches lasted at "
              "least 12 months; %(share)s of the matches are still going after 12 months "
              "(Kaplan–Meier estimate); the median duration is %(median)s.") % {
                "lasted": f.lasted_12_months, "share": _pct(f.share_12_months),
                "median": (_("%(n)s months") % {"n": number_format(
                    rounding.months(f.median_months), rounding.MONTHS_DIGITS)}
                           if f.median_months is not None else _("not reached"))},
            (_("Children answer a short questionnaire on the seven Dashboard outcomes at the "
               "start of a match and after 6 and 12 months (%(n)s children so far).") % {
                "n": f.children_surveyed}) if f.children_surveyed is not None else
            _("Children answer a short questionnaire on the seven Dashboard outcomes at the "
              "start of a match and after 6 and 12 months."),
        ])
        record = {
            "title": programme.name,
            "description": description,
            "category": [_("Good practices")],
            "country": [_names(language).territories.get(programme.country,
                                                         programme.country)],
            "language": [_capfirst(_names(language).languages.get(code, code))
                         for code in programme.languages or []],
            **shared_fields(evaluation),
        }
        record["labels"] = {name: str(label) for name, label in field_labels().items()}
    record["figures"] = {
        "since": f.since, "families_met": f.families_met, "volunteers_met": f.volunteers_met,
        "matches": f.matches, "matches_active": f.matches_active,
        "matches_lasting_12_months": f.lasted_12_months,
        "share_active_after_12_months": (float(rounding.share(f.share_12_months))
                                         if f.share_12_months is not None else None),
        "median_duration_months": (float(rounding.months(f.median_months))
                                   if f.median_months is not None else None),
        "evaluation_meetings_held": f.meetings_held,
        "children_surveyed": f.children_surveyed,
    }
    record["language_code"] = language
    record["generated_on"] = (today or timezone.localdate()).isoformat()
    return record


def shared_fields(evaluation: str) -> dict[str, Any]:
    """The fields of a good-practice sheet that say what every Voisins programme does, the
    same for one programme (here) and for a network (``networks.practice``): the fixed
    texts, in the active language, after the ex-post evaluation written by the caller."""
    return {
        "dashboard_outcomes": [str(label) for _code, label in Indicator.choices],
        "ex_post_evaluation": evaluation,
        "deliverables": _("A website and social media page; recruitment campaigns for new "
                          "volunteers through local media, press releases and word of "
                          "mouth."),
        "reproducibility": _("Yes: the model can be taken up by other associations; this "
                             "software lets a new association start its own programme."),
        "motivation": _("The project reflects a holistic approach within neighbourhoods to "
                        "foster integration by building ties between refugee and migrant "
                        "families and host communities."),
        "funds": [_("Foundations")],
        "type_of_action": [_("Extracurricular activity")],
        "target_groups": [_("Migrant children (first and/or second generation)"),
                          _("Migrant families, parents"),
                          _("Newly arrived migrant children")],
        "professionals_involved": [_("Cultural mediators")],
        "networks": [_("Civil society"), _("NGOs, third-sector organisations")],
    }


def field_labels() -> dict[str, str]:
    return {
        "description": _("Description"),
        "category": _("Category"),
        "country": _("Country of origin / implementation"),
        "language": _("Language"),
        "dashboard_outcomes": _("Compliance with the Dashboard outcomes"),
        "ex_post_evaluation": _("Ex-post evaluation"),
        "deliverables": _("Project deliverables"),
        "reproducibility": _("Reproducibility"),
        "motivation": _("Motivation for submission"),
        "funds": _("Funds"),
        "type_of_action": _("Type of action"),
        "target_groups": _("Target groups"),
        "professionals_involved": _("Professionals involved"),
        "networks": _("Networks – actors and institutions mobilised by the project"),
    }


def as_json(record: dict[str, Any]) -> str:
    return json.dumps({k: v for k, v in record.items() if k != "labels"}, ensure_ascii=False,
                      indent=2)


def as_markdown(record: dict[str, Any]) -> str:
    labels = record["labels"]
    lines = [f"# {record['title']}", ""]
    for name in FIELDS:
        lines.append(f"## {labels[name]}")
        lines.append("")
        value = record[name]
        if isinstance(value, list):
            lines.extend(f"- {item}" for item in value)
        else:
            lines.append(str(value))
        lines.append("")
    return "\n".join(lines)
