"""Reading import files (CSV or XLSX) and their cells: the limits of a file, the row
problems kept up to a bound, the parsers of the cells that name languages, codes, needs
and people. Both importers build on it: households (`voisins/ops/household_import.py`,
on the top floor because a household's row also records its consents in `privacy`) and
match history (`voisins/evaluation/importers.py`).

Row numbers are those a spreadsheet shows (the header is row 1).
"""

import csv
import io
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any, BinaryIO

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from voisins.programmes.constants import LanguageLevel
from voisins.programmes.languages import is_language_code

from .models import (
    MemberKind,
    SchoolLevel,
)

MAX_ROWS = 50_000
# Limits checked as the rows come, before any row is kept or checked (a 2 MB file of a
# million one-letter rows under a 200-column header once took 4.8 GB): the columns of
# the header and of any row, the characters of one cell, and the cells of the file
# (rows × the header's width).
MAX_COLUMNS = 100
MAX_CELL_CHARS = 5_000
MAX_CELLS = 1_500_000


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return _("row %(row)s, column %(column)s: %(message)s") % {
            "row": self.row, "column": self.column or "—", "message": self.message}


@dataclass
class ImportResult:
    created: int = 0
    errors: list[RowError] = field(default_factory=list)
    omitted: int = 0  # problems found beyond those listed in `errors`

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def problem_count(self) -> int:
        return len(self.errors) + self.omitted


class ImportFileError(Exception):
    """The file cannot be read at all (wrong type, too large, no header)."""


def import_file_field(help_text: Any) -> forms.FileField:
    """The file field of an import page: a CSV or XLSX file, any other refused on the
    field. ``help_text`` says what a row holds."""
    return forms.FileField(label=gettext_lazy("CSV or XLSX file"), help_text=help_text,
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
                           validators=[_csv_or_xlsx])


def _csv_or_xlsx(upload: Any) -> None:
    if not upload.name.lower().endswith((".csv", ".xlsx")):
        raise ValidationError(_("Give a CSV or XLSX file."))


# --- Reading files ---------------------------------------------------------------------

def read_rows(upload: BinaryIO, filename: str) -> Iterator[dict[str, str]]:
    """Yield each data row of a CSV or XLSX file as {lower-case column: text}.

    The file is read from `upload` as the rows are needed, never held whole (nor decoded
    whole): `upload` must be seekable (an uploaded file, an open file, a BytesIO), because
    a first pass only counts and the rows are then read again.
    """
    name = filename.lower()
    source = getattr(upload, "file", upload)  # a Django upload: the file underneath
    source.seek(0, io.SEEK_END)
    if source.tell() > settings.IMPORT_MAX_BYTES:
        raise ImportFileError(_("The file is larger than %(mb)s MB.") % {
            "mb": settings.IMPORT_MAX_BYTES // (1024 * 1024)})
    if name.endswith(".xlsx"):
        reader = _xlsx_rows
    elif name.endswith(".csv") or name.endswith(".txt"):
        reader = _csv_rows
    else:
        raise ImportFileError(_("Give a CSV or XLSX file."))
    # A first pass only counts (no row is kept), so that a file over a limit is refused
    # at once, whatever its shape, before a single row is checked.
    _check_limits(reader(source))
    rows = reader(source)
    try:
        header = next(rows)
    except StopIteration:
        raise ImportFileError(_("The file is empty.")) from None
    columns = [str(c or "").strip().lower() for c in header]
    for values in rows:
        cells = ["" if v is None else _cell_text(v) for v in values]
        if not any(cells):
            continue
        yield dict(zip(columns, cells + [""] * (len(columns) - len(cells)), strict=False))


def _check_limits(rows: Iterator[Any]) -> None:
    """Raise ImportFileError at the first limit that the file goes over. Constant memory:
    one row at a time."""
    header = next(rows, None)
    if header is None:
        raise ImportFileError(_("The file is empty."))
    width = len(header)
    count = cells = 0
    for number, values in enumerate(itertools.chain([header], rows), start=1):
        if len(values) > MAX_COLUMNS:
            raise ImportFileError(_("Row %(row)s has more than %(n)s columns.") % {
                "row": number, "n": MAX_COLUMNS})
        if any(isinstance(v, str) and len(v) > MAX_CELL_CHARS for v in values):
            raise ImportFileError(_("Row %(row)s has a cell of more than %(n)s characters.")
                                  % {"row": number, "n": MAX_CELL_CHARS})
        if number == 1 or not any(v not in (None, "") for v in values):
            continue
        count += 1
        cells += max(width, len(values))
        if count > MAX_ROWS:
            raise ImportFileError(_("At most %(n)s rows per file.") % {"n": MAX_ROWS})
        if cells > MAX_CELLS:
            raise ImportFileError(_("The file has more than %(n)s cells.") % {"n": MAX_CELLS})


def _cell_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    return str(value).strip()


def _csv_rows(source: BinaryIO) -> Iterator[list[str]]:
    source.seek(0)
    text = io.TextIOWrapper(source, encoding="utf-8-sig", newline="")  # type: ignore[type-var]
    try:
        try:
            sample = text.read(4096)
            text.seek(0)
        except UnicodeDecodeError:
            raise ImportFileError(_("The CSV file is not in UTF-8.")) from None
        try:
            dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel  # type: ignore[assignment]
        try:
            yield from csv.reader(text, dialect)
        except csv.Error as exc:
            raise ImportFileError(_("The CSV file is malformed: %(error)s") % {
                "error": exc}) from None
        except UnicodeDecodeError:
            raise ImportFileError(_("The CSV file is not in UTF-8.")) from None
    finally:
        text.detach()  # the upload stays open: it belongs to the caller


# An XLSX file is a zip: what it unpacks to is bounded too, so that a small file cannot
# expand into gigabytes (a "zip bomb").
XLSX_MAX_UNPACKED_RATIO = 20


def _xlsx_rows(source: BinaryIO) -> Iterator[tuple]:
    import zipfile

    from openpyxl import load_workbook

    source.seek(0)
    try:
        with zipfile.ZipFile(source) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ImportFileError(_("The XLSX file cannot be read.")) from None
    if unpacked > XLSX_MAX_UNPACKED_RATIO * settings.IMPORT_MAX_BYTES:
        raise ImportFileError(_("The file is larger than %(mb)s MB.") % {
            "mb": settings.IMPORT_MAX_BYTES // (1024 * 1024)})
    source.seek(0)
    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a damaged file; all mean the same
        raise ImportFileError(_("The XLSX file cannot be read.")) from None
    try:
        yield from workbook.worksheets[0].iter_rows(values_only=True)
    except Exception:  # a sheet damaged after its first rows: the same answer
        raise ImportFileError(_("The XLSX file cannot be read.")) from None
    finally:
        workbook.close()


# --- Parsing cells ---------------------------------------------------------------------

def _items(text: str) -> list[str]:
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


def parse_languages(text: str) -> list[dict[str, str]]:
    """"ar:native, fr:basic" → [{"code": "ar", "level": "native"}, …]; level defaults to fluent."""
    result = []
    for item in _items(text):
        code, _sep, level = item.partition(":")
        code, level = code.strip().lower(), (level.strip().lower() or LanguageLevel.FLUENT)
        if not is_language_code(code):
            raise ValidationError(_("“%(value)s” is not an ISO 639 language code.") % {
                "value": code})
        if level not in LanguageLevel.values:
            raise ValidationError(_("“%(value)s” is not a language level (native, fluent, basic).")
                                  % {"value": level})
        result.append({"code": code, "level": level})
    if not result:
        raise ValidationError(_("Give at least one language."))
    return result


def parse_codes(text: str, known: set[str], what: str) -> list[str]:
    codes = [c.lower() for c in _items(text)]
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise ValidationError(_("Unknown %(what)s: %(values)s.") % {
            "what": what, "values": ", ".join(unknown)})
    return list(dict.fromkeys(codes))


def parse_needs(text: str, known: set[str]) -> dict[str, int]:
    """"homework:3, transport" → {"homework": 3, "transport": 2}; priority 1–3, default 2."""
    needs: dict[str, int] = {}
    for item in _items(text):
        code, _sep, priority = item.partition(":")
        code = code.strip().lower()
        if code not in known:
            raise ValidationError(_("Unknown service category: %(values)s.") % {"values": code})
        try:
            value = int(priority) if priority.strip() else 2
        except ValueError:
            value = 0
        if not 1 <= value <= 3:
            raise ValidationError(_("The priority of “%(code)s” must be 1, 2 or 3.") % {
                "code": code})
        needs[code] = value
    return needs


def parse_people(text: str, kind: str) -> list[dict[str, Any]]:
    """"2015:primary, 2018" → children with birth year and school level."""
    this_year = timezone.now().year
    people = []
    for item in _items(text):
        year_text, _sep, level = item.partition(":")
        try:
            year = int(year_text)
        except ValueError:
            raise ValidationError(_("“%(value)s” is not a birth year.") % {"value": year_text}) \
                from None
        if not this_year - 110 <= year <= this_year:
            raise ValidationError(_("Give a birth year between %(a)s and %(b)s.") % {
                "a": this_year - 110, "b": this_year})
        level = level.strip().lower()
        if level and (kind == MemberKind.ADULT or level not in SchoolLevel.values):
            raise ValidationError(_("“%(value)s” is not a school level.") % {"value": level})
        people.append({"kind": kind, "birth_year": year, "school_level": level})
    return people


def open_rows(upload: BinaryIO, filename: str, row_form: type[forms.Form],
              result: ImportResult,
              columns: Callable[[dict[str, str]], dict[str, str]] | None = None,
              ) -> tuple[dict[str, str], Iterator[dict[str, str]]] | None:
    """The file's first row (its columns renamed by ``columns``) and the rows after it,
    once the header has every column ``row_form`` requires; None when the file cannot be
    read, has no data rows or lacks a column, the problems then in ``result.errors``."""
    try:
        rows = read_rows(upload, filename)
        first = next(rows, None)
    except ImportFileError as exc:
        result.errors.append(RowError(1, "", str(exc)))
        return None
    if first is None:
        result.errors.append(RowError(1, "", _("The file has no data rows.")))
        return None
    if columns is not None:
        first = columns(first)
    missing = [name for name, f in row_form.base_fields.items()
               if f.required and name not in first]
    if missing:
        result.errors.extend(RowError(1, name, _("This column is missing.")) for name in missing)
        return None
    return first, rows


# Rows written at a time inside the import's transaction, and problems listed at most.
CHUNK_ROWS = 500
MAX_ERRORS = 200


class _RollBack(Exception):
    """Raised inside the import's transaction to undo it: some row had a problem."""


class _Problems:
    """The problems of an import: the first MAX_ERRORS kept, the others only counted."""

    def __init__(self) -> None:
        self.kept: list[RowError] = []
        self.omitted = 0

    def add(self, error: RowError) -> None:
        if len(self.kept) < MAX_ERRORS:
            self.kept.append(error)
        else:
            self.omitted += 1

    def __bool__(self) -> bool:
        return bool(self.kept)

    def listed(self) -> list[RowError]:
        return sorted(self.kept, key=lambda e: e.row)  # stable: a row's columns stay in order
