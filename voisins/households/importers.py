"""Importing households from CSV or XLSX: every row is checked and written, a chunk at a
time, in one transaction that is rolled back when any row has a problem; then nothing is
written and the problems are listed. Memory does not grow with the rows (docs/import.md).

The columns are documented in docs/import.md. Each row is checked by a plain Django form,
so messages come in the user's language and name the column; the model's own validation
runs on top. Row numbers are those a spreadsheet shows (the header is row 1).
"""

import csv
import gc
import io
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, BinaryIO

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from voisins.accounts.models import User
from voisins.programmes.constants import SLOTS, LanguageLevel
from voisins.programmes.languages import is_language_code
from voisins.programmes.models import Programme

from .geocoding import find_postcode, normalise_postcode
from .models import (
    FamilyHousehold,
    FamilyWish,
    Gender,
    Member,
    MemberKind,
    SchoolLevel,
    StatusChange,
    VolunteerHousehold,
)
from .services import BY_EXCEPTION
from .status import FamilyStatus, VolunteerStatus

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


# --- Row forms -------------------------------------------------------------------------

class _HouseholdRow(forms.Form):
    reference = forms.CharField(max_length=60, required=False)
    first_name = forms.CharField(max_length=100)
    last_name = forms.CharField(max_length=100, required=False)
    gender = forms.ChoiceField(choices=Gender.choices, required=False)
    email = forms.EmailField(required=False)
    phone = forms.CharField(max_length=30, required=False)
    postcode = forms.CharField(max_length=12)
    languages = forms.CharField(max_length=500)
    availability = forms.CharField(max_length=500)
    radius_km = forms.FloatField(min_value=0.1, max_value=50, required=False)
    adults = forms.CharField(max_length=200, required=False)
    children = forms.CharField(max_length=300, required=False)
    # What the household agreed to on paper (or by the intake form of a partner), so that
    # an imported household can be matched without recording each consent again.
    consents = forms.CharField(max_length=200, required=False)
    consent_date = forms.DateField(required=False, input_formats=["%Y-%m-%d", "%d/%m/%Y"])
    consent_given_by = forms.CharField(max_length=200, required=False)

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.categories = set(programme.service_categories.values_list("code", flat=True))

    def clean_gender(self) -> str:
        return self.cleaned_data["gender"] or ""

    def clean_phone(self) -> str:
        from .phones import InvalidPhone, normalise_phone

        try:
            return normalise_phone(self.cleaned_data["phone"], self.programme.country)
        except InvalidPhone:
            raise ValidationError(_("“%(phone)s” is not a phone number; write it as 0470 12 34 "
                                    "56 or +32 470 12 34 56.") % {
                "phone": self.cleaned_data["phone"][:30]}) from None

    def clean_postcode(self) -> str:
        code = self.cleaned_data["postcode"]
        if find_postcode(self.programme.country, code) is None:
            raise ValidationError(_("Unknown postcode “%(postcode)s” for %(country)s.") % {
                "postcode": code, "country": self.programme.country})
        return normalise_postcode(code)

    def clean_languages(self) -> list[dict[str, str]]:
        return parse_languages(self.cleaned_data["languages"])

    def clean_availability(self) -> list[str]:
        slots = parse_codes(self.cleaned_data["availability"], set(SLOTS), _("availability slot"))
        if not slots:
            raise ValidationError(_("Give at least one availability slot, such as mon-pm."))
        return slots

    def clean_adults(self) -> list[dict[str, Any]]:
        return parse_people(self.cleaned_data["adults"], MemberKind.ADULT)

    def clean_children(self) -> list[dict[str, Any]]:
        return parse_people(self.cleaned_data["children"], MemberKind.CHILD)

    def clean_consents(self) -> list[str]:
        from voisins.privacy.models import ConsentPurpose

        return parse_codes(self.cleaned_data["consents"], set(ConsentPurpose.values),
                           _("consent purpose"))

    def clean_consent_date(self) -> date | None:
        given = self.cleaned_data["consent_date"]
        if given is not None and given > timezone.localdate():
            raise ValidationError(_("A consent cannot be given in the future."))
        return given

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("consents"):
            for column in ("consent_date", "consent_given_by"):
                if data.get(column) and column not in self.errors:
                    self.add_error(column, _("Say in the column consents what was agreed to."))
        return data


class FamilyRow(_HouseholdRow):
    needs = forms.CharField(max_length=500)
    arrival_date = forms.DateField(required=False, input_formats=["%Y-%m-%d", "%d/%m/%Y"])
    wishes = forms.CharField(max_length=300, required=False)
    page_language = forms.ChoiceField(choices=settings.LANGUAGES, required=False)
    status = forms.ChoiceField(choices=FamilyStatus.choices, required=False)

    def clean_needs(self) -> dict[str, int]:
        needs = parse_needs(self.cleaned_data["needs"], self.categories)
        if not needs:
            raise ValidationError(_("Give at least one need."))
        return needs

    def clean_wishes(self) -> list[str]:
        return parse_codes(self.cleaned_data["wishes"], set(FamilyWish.values), _("wish"))


class VolunteerRow(_HouseholdRow):
    offers = forms.CharField(max_length=500)
    capacity = forms.IntegerField(min_value=0, max_value=10, required=False)
    motivation = forms.CharField(max_length=2000, required=False)
    status = forms.ChoiceField(choices=VolunteerStatus.choices, required=False)

    def clean_offers(self) -> list[str]:
        offers = parse_codes(self.cleaned_data["offers"], self.categories, _("service category"))
        if not offers:
            raise ValidationError(_("Give at least one offer."))
        return offers


# --- The import itself ----------------------------------------------------------------

KINDS = {
    "families": (FamilyHousehold, FamilyRow, FamilyStatus.WAITING),
    "volunteers": (VolunteerHousehold, VolunteerRow, VolunteerStatus.AVAILABLE),
}


# The file's column for a model field that `_build` renames (an error names the column).
MODEL_FIELD_COLUMNS = {"contact_first_name": "first_name", "contact_last_name": "last_name",
                       "contact_gender": "gender"}


@dataclass
class _Row:
    household: Any
    members: list[dict]
    consents: list[str]
    consent_given: datetime | None  # None: when the file is written
    consent_given_by: str


def _build(kind: str, programme: Programme, data: dict[str, Any]) -> _Row:
    model, _form, default_status = KINDS[kind]
    place = find_postcode(programme.country, data["postcode"])
    assert place is not None  # checked by the form
    fields: dict[str, Any] = {
        "programme": programme,
        "reference": data["reference"],
        "contact_first_name": data["first_name"],
        "contact_last_name": data["last_name"],
        "contact_gender": data["gender"],
        "email": data["email"],
        "phone": data["phone"],
        "postcode": data["postcode"],
        "locality": place.locality,
        "lat": place.lat,
        "lon": place.lon,
        "languages": data["languages"],
        "availability": data["availability"],
        "radius_km": data["radius_km"] or programme.default_radius_km,
        "status": data["status"] or default_status,
    }
    if kind == "families":
        fields.update(needs=data["needs"], arrival_date=data["arrival_date"],
                      wishes=data["wishes"], page_language=data["page_language"])
        if fields["status"] == FamilyStatus.WAITING:
            fields["waiting_since"] = timezone.now()
    else:
        capacity = data["capacity"]
        fields.update(offers=data["offers"], motivation=data["motivation"],
                      capacity=1 if capacity is None else capacity)
    given = data["consent_date"]
    household = model(**fields)
    if kind == "families" and not household.page_language:
        household.page_language = household.default_page_language()
    return _Row(household, data["adults"] + data["children"], data["consents"],
                # A date only: noon that day, in the programme's time zone.
                timezone.make_aware(datetime.combine(given, time(12))) if given else None,
                data["consent_given_by"])


def import_households(
    *, programme: Programme, kind: str, upload: BinaryIO, filename: str, by: User | None = None
) -> ImportResult:
    """Check every row of a families or volunteers file, then write all of it or nothing.

    Returns an ImportResult with the number created, or with the problems found (row,
    column, message; the first MAX_ERRORS, and how many more) and nothing written.

    Notes
    -----
    Memory is a small constant, whatever the number of rows: the rows are read one at a
    time and written CHUNK_ROWS at a time inside one transaction, which is rolled back
    at the end when any row had a problem. A reference used twice in the file is found
    in the database (the first row was written already); the earlier row is looked up
    by reading the file again, only for the few problems listed.
    """
    model, row_form, _default_status = KINDS[kind]
    result = ImportResult()
    try:
        rows = read_rows(upload, filename)
        first = next(rows, None)
    except ImportFileError as exc:
        result.errors.append(RowError(1, "", str(exc)))
        return result
    if first is None:
        result.errors.append(RowError(1, "", _("The file has no data rows.")))
        return result
    missing = [name for name, f in row_form.base_fields.items()
               if f.required and name not in first]
    if missing:
        result.errors.extend(RowError(1, name, _("This column is missing.")) for name in missing)
        return result
    # Households up to this key were there before the import; above it, this import
    # wrote them (a reference among those was on an earlier row of the file).
    before = model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    errors = _Problems()
    repeated: dict[str, list[int]] = {}  # reference → rows that repeat it (listed ones only)
    try:
        with transaction.atomic():
            chunk: list[tuple[int, _Row]] = []
            for number, row in enumerate(itertools.chain([first], rows), start=2):
                checked = _check_row(kind, programme, row_form, number, row, errors)
                if checked is not None:
                    chunk.append((number, checked))
                if (number - 1) % CHUNK_ROWS == 0:  # every CHUNK_ROWS rows read
                    result.created += _write_chunk(kind, model, programme, chunk, before, by,
                                                   errors, repeated)
                    chunk = []
            result.created += _write_chunk(kind, model, programme, chunk, before, by, errors,
                                           repeated)
            if errors:
                raise _RollBack
    except _RollBack:
        result.created = 0
    except ImportFileError as exc:  # a sheet damaged after its first rows
        result.created = 0
        errors.add(RowError(1, "", str(exc)))
    if repeated:
        _name_earlier_rows(upload, filename, repeated, errors)
    result.errors, result.omitted = errors.listed(), errors.omitted
    return result


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


def _check_row(kind: str, programme: Programme, row_form: type[forms.Form], number: int,
               row: dict[str, str], errors: _Problems) -> "_Row | None":
    form = row_form(row, programme=programme)
    if not form.is_valid():
        for column, messages in form.errors.items():
            for m in messages:
                errors.add(RowError(number, column, str(m)))
        return None
    checked = _build(kind, programme, form.cleaned_data)
    try:
        checked.household.full_clean(exclude=["programme"])
    except ValidationError as exc:
        for field_name, messages in exc.message_dict.items():
            column = MODEL_FIELD_COLUMNS.get(field_name, field_name)
            for m in messages:
                errors.add(RowError(number, column, m))
        return None
    return checked


def _write_chunk(kind: str, model: Any, programme: Programme, chunk: list[tuple[int, _Row]],
                 before: int, by: User | None, errors: _Problems,
                 repeated: dict[str, list[int]]) -> int:
    """Write the good rows of a chunk; a reference already taken is a problem of its row
    (taken before the import, or by an earlier row of this file). Returns how many."""
    references = {r.household.reference for _n, r in chunk if r.household.reference}
    taken = dict(model.objects.filter(programme=programme, reference__in=references)
                 .values_list("reference", "pk")) if references else {}
    in_chunk: dict[str, int] = {}
    good = []
    for number, row in chunk:
        reference = row.household.reference
        if reference in taken and taken[reference] <= before:
            errors.add(RowError(number, "reference", _(
                "A household with reference “%(ref)s” already exists.") % {"ref": reference}))
        elif reference in taken:
            # Said once the earlier row is known (see _name_earlier_rows).
            if len(errors.kept) < MAX_ERRORS:
                repeated.setdefault(reference, []).append(number)
            errors.add(RowError(number, "reference", ""))
        elif reference and reference in in_chunk:
            errors.add(RowError(number, "reference", _(
                "Reference “%(ref)s” is also on row %(row)s.") % {
                    "ref": reference, "row": in_chunk[reference]}))
        else:
            if reference:
                in_chunk[reference] = number
            good.append(row)
    _write(kind, good, by)
    # Forms and model instances hold reference cycles: without this, a chunk's garbage
    # waits for the cyclic collector, and the peak grows with the rows until it comes.
    gc.collect()
    return len(good)


def _name_earlier_rows(upload: BinaryIO, filename: str, repeated: dict[str, list[int]],
                       errors: _Problems) -> None:
    """Fill in the message of each row that repeats a reference of an earlier row, with
    that row: the file is read again (only the references listed are looked for)."""
    first_row: dict[str, int] = {}
    for number, row in enumerate(read_rows(upload, filename), start=2):
        reference = row.get("reference", "")
        if reference in repeated and reference not in first_row:
            first_row[reference] = number
            if len(first_row) == len(repeated):
                break
    for i, error in enumerate(errors.kept):
        if error.column == "reference" and not error.message:
            reference = next(ref for ref, numbers in repeated.items() if error.row in numbers)
            errors.kept[i] = RowError(error.row, "reference", _(
                "Reference “%(ref)s” is also on row %(row)s.") % {
                    "ref": reference, "row": first_row.get(reference, "?")})


@transaction.atomic
def _write(kind: str, built: list[_Row], by: User | None) -> None:
    from voisins.privacy.models import Consent
    from voisins.privacy.selectors import notice_at

    key = "family" if kind == "families" else "volunteer"
    now = timezone.now()
    notices: dict[datetime, Any] = {}
    # Saved one by one (not bulk) so that every backend returns the primary keys and
    # the audit log sees each creation (consents included).
    members, changes = [], []
    for row in built:
        household, people = row.household, row.members
        if key == "volunteer" and household.status in BY_EXCEPTION:
            # Screened and trained before Voisins, as the file says: said on its page.
            household.exception_reason = _("Imported as “%(status)s”, without a screening "
                                           "or required training recorded in Voisins.") % {
                                               "status": household.get_status_display()}
            household.exception_by, household.exception_at = by, now
        household.save()
        given = row.consent_given or now
        if row.consents and given not in notices:
            notices[given] = notice_at(household.programme_id, given)
        for purpose in row.consents:
            Consent.objects.create(programme_id=household.programme_id, purpose=purpose,
                                   notice=notices[given], given_at=given,
                                   given_by_name=row.consent_given_by, recorded_by=by,
                                   **{key: household})
        members.extend(Member(**person, **{key: household}) for person in people)
        changes.append(StatusChange(**{key: household}, from_status="",
                                    to_status=household.status, changed_by=by,
                                    note=str(gettext_lazy("imported"))))
    Member.objects.bulk_create(members, batch_size=1000)
    StatusChange.objects.bulk_create(changes, batch_size=1000)
