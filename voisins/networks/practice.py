"""The network's practice sheet: the IMMERSE record of good practices (as
`voisins.evaluation.practice` makes it for one programme), its figures those of the whole
network — how many programmes, in how many towns, how many matches, how long they last
(median of the pooled Kaplan–Meier) — from what the members published, never a record.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone, translation
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from voisins import rounding
from voisins.evaluation import practice as programme_practice

from . import reports, selectors
from .models import Network

FIELDS = programme_practice.FIELDS
as_markdown = programme_practice.as_markdown


def figures(*, network: Network, language: str) -> dict[str, Any]:
    """The live figures of the sheet, over every month the members ever published."""
    span = selectors.published_span(network)
    present = [m for m in selectors.members_of(network) if m.left_at is None]
    if span is None:
        return {"programmes": len(present), "towns": [], "since": None, "matches": None,
                "active": None, "median": None, "share_12": None, "last": None}
    report = reports.report_build(network=network, period=span, language=language)
    pooled = report.pooled
    towns = sorted({m.remote_town for m in present if m.remote_town}
                   | {f.town for pk, f in pooled.members.items()
                      if f.town and pk in {m.pk for m in present}})
    overall = report.overall
    with translation.override(language):
        matches = reports.count_cell(sum(f.started for f in pooled.members.values()))
        active = reports.count_cell(sum(f.active_at_end for f in pooled.members.values()))
    return {"programmes": len(present), "towns": towns, "since": span.start.year,
            "matches": matches, "active": active, "last": span.end,
            "median": overall.median_months if overall else None,
            "share_12": overall.milestones[2].share if overall else None}


def _countries(members: list, language: str) -> list[str]:
    """The countries of the network's programmes on this instance, in `language` (CLDR)."""
    from babel import Locale

    names = Locale.parse(language).territories
    codes = sorted({m.programme.country for m in members if m.programme_id
                    and getattr(m.programme, "country", "")})
    return [names.get(code, code) for code in codes]


def sheet(*, network: Network, language: str, today: date | None = None) -> dict[str, Any]:
    """The sheet as {field: text or list of texts}, plus "title" and "figures"."""
    if language not in programme_practice.SHEET_LANGUAGES:
        language = "en"
    f = figures(network=network, language=language)
    present = [m for m in selectors.members_of(network) if m.left_at is None]
    with translation.override(language):
        since = str(f["since"]) if f["since"] else "—"
        towns = ", ".join(f["towns"]) or "—"
        median = (_("%(n)s months") % {"n": number_format(
            rounding.months(f["median"]), rounding.MONTHS_DIGITS)}
                  if f["median"] is not None else _("not reached"))
        share = ("—" if f["share_12"] is None else
                 f"{number_format(rounding.percent_points(f['share_12']), 0)} %")
        description = " ".join([
            _("The network %(network)s brings together %(programmes)s programmes that put "
              "residents in touch with refugee and migrant families living in their "
              "immediate vicinity, in %(count)s towns: %(towns)s.") % {
                "network": network.name, "programmes": f["programmes"],
                "count": len(f["towns"]), "towns": towns},
            _("The volunteers offer services according to their availability, skills and "
              "wishes, respecting the needs and wishes of the families: homework help, "
              "transport, discovering the neighbourhood or the city, reading mail, chatting "
              "in the host language, sharing a meal, and whatever the two households decide "
              "together."),
            (_("Since %(year)s, %(matches)s matches have started in the network; "
               "%(active)s were going on at the end of %(month)s.") % {
                "year": since, "matches": f["matches"], "active": f["active"],
                "month": date_format(f["last"], "YEAR_MONTH_FORMAT")})
            if f["last"] else "",
        ]).strip()
        evaluation = " ".join([
            _("The network pools the figures each programme publishes, never a record of a "
              "household: %(share)s of the matches are still going after 12 months "
              "(Kaplan–Meier estimate of all the matches pooled); the median duration is "
              "%(median)s.") % {"share": share, "median": median},
            _("Children answer a short questionnaire on the seven Dashboard outcomes at the "
              "start of a match and after 6 and 12 months."),
        ])
        record = {
            "title": network.name,
            "description": description,
            "category": [_("Good practices")],
            "country": _countries(present, language),
            "language": [],
            **programme_practice.shared_fields(evaluation),
        }
        record["labels"] = {name: str(label) for name, label in
                            programme_practice.field_labels().items()}
    record["figures"] = {
        "programmes": f["programmes"], "towns": len(f["towns"]), "since": f["since"],
        "matches": f["matches"].text if f["matches"] else None,
        "median_duration_months": (float(rounding.months(f["median"]))
                                   if f["median"] is not None else None),
    }
    record["language_code"] = language
    record["generated_on"] = (today or timezone.localdate()).isoformat()
    return record
