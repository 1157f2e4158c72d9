"""Importing households from CSV or XLSX: every row is checked and written, a chunk at a
time, in one transaction that is rolled back when any row has a problem; then nothing is
written and the problems are listed. Memory does not grow with the rows (docs/import.md).

The columns are documented in docs/import.md. Each row is checked by a plain Django form,
so messages come in the user's language and name the column; the model's own validation
runs on top. Row numbers are those a spreadsheet shows (the header is row 1).

It sits here, on the top floor beside the `voisins import` command, and not in
`households`, because a row writes to two apps: the household and its members
(`households`) and the consents given at intake (`privacy`, which sits on `households`).
A call straight down to both reads plainer than a registry that `privacy` would fill at
start-up for `households` to call back (and an import cannot then drop the consents
silently when that registry was not filled). The file reading and the cells' parsers
stay in `voisins.households.importers`, which the match-history importer shares.
"""

import gc
import itertools
from dataclasses import dataclass
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
from voisins.households.importers import (
    CHUNK_ROWS,
    MAX_ERRORS,
    ImportFileError,
    ImportResult,
    RowError,
    _Problems,
    _RollBack,
    open_rows,
    parse_codes,
    parse_languages,
    parse_needs,
    parse_people,
    read_rows,
)
from voisins.households.models import (
    FamilyHousehold,
    FamilyWish,
    Gender,
    Member,
    MemberKind,
    StatusChange,
    VolunteerHousehold,
)
from voisins.households.services import BY_EXCEPTION
from voisins.households.status import FamilyStatus, VolunteerStatus
from voisins.phones import InvalidPhone, normalise_phone
from voisins.places import find_postcode, normalise_postcode
from voisins.privacy.models import Consent, ConsentPurpose
from voisins.privacy.selectors import notice_at
from voisins.programmes.constants import SLOTS
from voisins.programmes.models import Programme

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
    opened = open_rows(upload, filename, row_form, result)
    if opened is None:
        return result
    first, rows = opened
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
