"""The documents of expenses: a volunteer household's yearly statement (PDF, in its
language) and the accountant's export of a year (XLSX and CSV, through
voisins.spreadsheets, which keeps typed text from becoming a formula)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from voisins.familypages.selectors import volunteer_page_language
from voisins.households.models import VolunteerHousehold
from voisins.programmes.models import Programme
from voisins.spreadsheets import csv_lines, xlsx_file

from . import selectors
from .models import Expense, Regime

RTL = {"ar", "fa", "he", "ur"}


def statement_language(household: VolunteerHousehold) -> str:
    """The household's language: the one it chose for messages, else its pages'."""
    known = {code for code, _name in settings.LANGUAGES}
    if household.message_language in known:
        return household.message_language
    return volunteer_page_language(household)


def statement_filename(household: VolunteerHousehold, year: int) -> str:
    return f"{household.programme.slug}-expenses-{year}-{household.pk}.pdf"


def statement_pdf(household: VolunteerHousehold, year: int) -> bytes:
    """The yearly statement of `household`: the programme, the household, each approved
    expense, the totals, and the regime and ceilings of the year, in its language."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    language = statement_language(household)
    with translation.override(language):
        statement = selectors.statement(household, year)
        html = render_to_string("expenses/statement.html", {
            "s": statement, "language": language, "rtl": language in RTL,
            "flat": statement.regime == Regime.FLAT_RATE, "today": timezone.localdate()})
    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    return HTML(string=html, url_fetcher=fetcher).write_pdf()


def _header() -> list[str]:
    return [_("Date"), _("Volunteer household"), _("Household number"), _("What for"),
            _("Kind"), _("Km"), _("Rate per km (€)"), _("Amount (€)"), _("Regime"),
            _("Approved on"), _("Approved by")]


def _rows(programme: Programme, year: int) -> Iterator[list[Any]]:
    for e in selectors.accountant_rows(programme, year).iterator(chunk_size=500):
        yield [e.spent_on, str(e.household), e.household_id, e.description,
               str(Expense.Kind(e.kind).label), e.km, e.km_rate, e.amount,
               str(Regime(e.regime).label),
               timezone.localtime(e.decided_at).date() if e.decided_at else None,
               e.decided_by.email if e.decided_by else ""]


def export_filename(programme: Programme, year: int, extension: str) -> str:
    return f"{programme.slug}-expenses-{year}.{extension}"


def export_xlsx(programme: Programme, year: int) -> IO[bytes]:
    """Every approved expense of the year, one row each (amounts as numbers)."""
    return xlsx_file(_header(), _rows(programme, year),
                     title=_("Expenses %(year)s") % {"year": year})


def export_csv(programme: Programme, year: int) -> Iterator[bytes]:
    """The same rows as the XLSX, as CSV (UTF-8 with a byte order mark)."""
    header = _header()
    rows = [[("" if v is None else v) for v in row] for row in _rows(programme, year)]
    return csv_lines(header, rows)
