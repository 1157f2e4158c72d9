"""Importing match history from the spreadsheets associations kept before Voisins.

One row per match: family reference, volunteer reference, start date, end date (empty
while the match is still active) and end reason. Like the households import
(voisins.households.importers, whose file reading is reused), rows are checked and
written a chunk at a time in one transaction, rolled back when any row has a problem:
then nothing is written and the problems are listed (row, column, message).

A household that the file refers to but the programme does not know yet is created as an
*archived* record: known only from history, never proposed for matching. It needs a
postcode (columns ``family_postcode`` / ``volunteer_postcode``) so that the statistics by
district still count it; its reference stands in for a name.
"""

import gc
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, BinaryIO

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

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
    parse_needs,
    read_rows,
)
from voisins.households.models import FamilyHousehold, StatusChange, VolunteerHousehold
from voisins.households.status import FamilyStatus, VolunteerStatus
from voisins.matches.models import Match, Proposal
from voisins.places import find_postcode, normalise_postcode
from voisins.programmes.models import Programme

# Other names that spreadsheets give the same columns.
ALIASES = {
    "family_reference": "family", "family reference": "family", "famille": "family",
    "gezin": "family",
    "volunteer_reference": "volunteer", "volunteer reference": "volunteer",
    "bénévole": "volunteer", "benevole": "volunteer", "vrijwilliger": "volunteer",
    "start_date": "start", "start date": "start", "début": "start", "debut": "start",
    "end_date": "end", "end date": "end", "fin": "end", "einde": "end",
    "reason": "end_reason", "end reason": "end_reason",
}
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"]


def _reason_lookup() -> dict[str, str]:
    """End reasons by code and by their label in each staff language (case-insensitive)."""
    lookup: dict[str, str] = {}
    for code, label in Match.EndReason.choices:
        lookup[code] = code
        for language in ("fr", "nl", "en"):
            with override(language):
                lookup[str(label).strip().lower()] = code
    return lookup


class MatchRow(forms.Form):
    family = forms.CharField(max_length=60)
    volunteer = forms.CharField(max_length=60)
    start = forms.DateField(input_formats=DATE_FORMATS)
    end = forms.DateField(input_formats=DATE_FORMATS, required=False)
    end_reason = forms.CharField(max_length=100, required=False)
    family_postcode = forms.CharField(max_length=12, required=False)
    volunteer_postcode = forms.CharField(max_length=12, required=False)
    needs = forms.CharField(max_length=500, required=False)

    def __init__(self, *args: Any, programme: Programme, categories: set[str],
                 reasons: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.categories = categories
        self.reasons = reasons

    def _postcode(self, name: str) -> str:
        code = self.cleaned_data[name]
        if code and find_postcode(self.programme.country, code) is None:
            raise ValidationError(_("Unknown postcode “%(postcode)s” for %(country)s.") % {
                "postcode": code, "country": self.programme.country})
        return normalise_postcode(code) if code else ""

    def clean_family_postcode(self) -> str:
        return self._postcode("family_postcode")

    def clean_volunteer_postcode(self) -> str:
        return self._postcode("volunteer_postcode")

    def clean_needs(self) -> dict[str, int]:
        return parse_needs(self.cleaned_data["needs"], self.categories)

    def clean_start(self) -> date:
        start = self.cleaned_data["start"]
        if start > timezone.localdate():
            raise ValidationError(_("The start date is in the future."))
        return start

    def clean_end(self) -> date | None:
        end = self.cleaned_data["end"]
        if end is not None and end > timezone.localdate():
            raise ValidationError(_("The end date is in the future; leave it empty while the "
                                    "match is active."))
        return end

    def clean_end_reason(self) -> str:
        text = self.cleaned_data["end_reason"].strip().lower()
        if not text:
            return ""
        if text not in self.reasons:
            raise ValidationError(_("Unknown end reason “%(value)s”; use one of: %(codes)s.") % {
                "value": self.cleaned_data["end_reason"],
                "codes": ", ".join(Match.EndReason.values)})
        return self.reasons[text]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end date is before the start date."))
        # An end date refused above (in the future, say) is the only error of its row:
        # the reason is not also said to lack one.
        if end is None and data.get("end_reason") and "end" not in self.errors:
            self.add_error("end_reason", _("An end reason needs an end date."))
        return data


@dataclass
class _Planned:
    row: int
    family_ref: str
    volunteer_ref: str
    start: date
    end: date | None
    reason: str
    family_postcode: str
    volunteer_postcode: str
    needs: dict[str, int]


def _columns(row: dict[str, str]) -> dict[str, str]:
    return {ALIASES.get(name, name).replace(" ", "_"): value for name, value in row.items()}


# A match written by an earlier chunk of this import, known by what its row says; its row
# number is found again at the end, for the few problems listed (see _resolve).
_Key = tuple[str, str, date]
# Where a span comes from: None, a match recorded before the import; a row number; a _Key.
_Tag = int | _Key | None
_FAR = date.max


@dataclass
class _Pending:
    """A problem whose message names rows that were written by earlier chunks."""

    index: int
    build: Callable[[Callable[[Any], str]], str]


@dataclass
class _State:
    """What an import keeps from one chunk to the next: a few numbers, never the rows."""

    programme: Programme
    by: User | None
    categories: set[str]
    reasons: dict[str, str]
    # Records up to these keys were there before the import; above them, it wrote them.
    families_before: int
    volunteers_before: int
    matches_before: int
    errors: _Problems
    pending: list[_Pending]
    created: int = 0

    def problem(self, row: int, column: str, message: str) -> None:
        self.errors.add(RowError(row, column, message))

    def problem_naming_rows(self, row: int, column: str,
                            build: Callable[[Callable[[Any], str]], str]) -> None:
        if len(self.errors.kept) < MAX_ERRORS:
            self.pending.append(_Pending(len(self.errors.kept), build))
        self.errors.add(RowError(row, column, ""))


def _max_pk(model: type) -> int:
    return model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def import_matches(
    *, programme: Programme, upload: BinaryIO, filename: str, by: User | None = None
) -> ImportResult:
    """Check every row of a match-history file, then write all of it or nothing.

    Returns
    -------
    ImportResult
        ``created`` is the number of matches written; or ``errors`` lists the problems
        (row, column, message; the first MAX_ERRORS, ``omitted`` counts the others) and
        nothing was written.

    Notes
    -----
    Memory is a small constant, whatever the number of rows: rows are read one at a time
    and checked and written CHUNK_ROWS at a time inside one transaction, rolled back at
    the end when any row had a problem. What a row is checked against (households known,
    matches recorded, overlaps, capacity) is read from the database for the chunk's
    households, earlier chunks of the file included, since they are written already.
    A problem that names an earlier chunk's row finds it by reading the file again.
    Rows are checked in the file's order: of two overlapping rows, the later one is named.
    """
    result = ImportResult()
    opened = open_rows(upload, filename, MatchRow, result, columns=_columns)
    if opened is None:
        return result
    first, rows = opened

    state = _State(
        programme=programme, by=by,
        categories=set(programme.service_categories.values_list("code", flat=True)),
        reasons=_reason_lookup(), families_before=_max_pk(FamilyHousehold),
        volunteers_before=_max_pk(VolunteerHousehold), matches_before=_max_pk(Match),
        errors=_Problems(), pending=[])
    try:
        with transaction.atomic():
            chunk: list[_Planned] = []
            for number, raw in enumerate(itertools.chain([first], rows), start=2):
                planned = _check_row(state, number, _columns(raw) if number > 2 else raw)
                if planned is not None:
                    chunk.append(planned)
                if (number - 1) % CHUNK_ROWS == 0:  # every CHUNK_ROWS rows read
                    _chunk(state, chunk)
                    chunk = []
            _chunk(state, chunk)
            if state.errors:
                raise _RollBack
    except _RollBack:
        state.created = 0
    except ImportFileError as exc:  # a sheet damaged after its first rows
        state.created = 0
        state.problem(1, "", str(exc))
    if state.pending:
        _resolve(upload, filename, state)
    result.created = state.created
    result.errors, result.omitted = state.errors.listed(), state.errors.omitted
    return result


def _check_row(state: _State, number: int, row: dict[str, str]) -> _Planned | None:
    form = MatchRow(row, programme=state.programme, categories=state.categories,
                    reasons=state.reasons)
    if not form.is_valid():
        for column, messages in form.errors.items():
            for m in messages:
                state.problem(number, column if column != "__all__" else "", str(m))
        return None
    data = form.cleaned_data
    return _Planned(number, data["family"].strip(), data["volunteer"].strip(), data["start"],
                    data["end"], data["end_reason"] or (Match.EndReason.OTHER if data["end"]
                                                        else ""),
                    data["family_postcode"], data["volunteer_postcode"], data["needs"])


def _chunk(state: _State, chunk: list[_Planned]) -> None:
    """Check the rows of a chunk against the database (and each other), in the file's
    order, and write those without a problem."""
    # Forms and model instances hold reference cycles: a chunk's garbage is freed now,
    # not when the cyclic collector comes, rows later.
    gc.collect()
    if not chunk:
        return
    programme = state.programme
    family_refs = {p.family_ref for p in chunk}
    volunteer_refs = {p.volunteer_ref for p in chunk}
    families = {f.reference: f for f in FamilyHousehold.objects.filter(
        programme=programme, reference__in=family_refs).only(
            "id", "reference", "postcode", "status", "programme", "needs", "created_at")}
    volunteers = {v.reference: v for v in VolunteerHousehold.objects.filter(
        programme=programme, reference__in=volunteer_refs).only(
            "id", "reference", "postcode", "status", "capacity", "programme", "created_at")}
    # The spans of these households that can meet a row of the chunk.
    low = min(p.start for p in chunk)
    high = max(p.end or _FAR for p in chunk)
    spans: dict[tuple[str, str], list[tuple[date, date, _Tag]]] = {}
    recorded: dict[_Key, _Tag] = {}
    live: dict[str, _Tag] = {}
    for fam, vol, started, ended, pk in Match.objects.filter(
            Q(family__reference__in=family_refs) | Q(volunteer__reference__in=volunteer_refs),
            programme=programme, started_on__lte=high).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=low)).values_list(
            "family__reference", "volunteer__reference", "started_on", "ended_on",
            "pk").iterator():
        tag: _Tag = None if pk <= state.matches_before else (fam, vol, started)
        spans.setdefault(("f", fam), []).append((started, ended or _FAR, tag))
        spans.setdefault(("v", vol), []).append((started, ended or _FAR, tag))
        recorded[(fam, vol, started)] = tag
    for fam, vol, started, pk in Match.objects.filter(
            programme=programme, family__reference__in=family_refs).exclude(
            status=Match.Status.ENDED).values_list(
            "family__reference", "volunteer__reference", "started_on", "pk"):
        live.setdefault(fam, None if pk <= state.matches_before else (fam, vol, started))

    new_families: dict[str, dict[str, Any]] = {}
    new_volunteers: dict[str, dict[str, Any]] = {}
    good: list[_Planned] = []
    for p in chunk:
        problems = len(state.errors.kept) + state.errors.omitted
        _new_household(state, p.family_ref, families, new_families, p.family_postcode,
                       p.needs, p, "family_postcode")
        _new_household(state, p.volunteer_ref, volunteers, new_volunteers,
                       p.volunteer_postcode, None, p, "volunteer_postcode")
        key = (p.family_ref, p.volunteer_ref, p.start)
        if key in recorded:
            other = recorded[key]
            if other is None:
                state.problem(p.row, "start", _(
                    "This match (%(family)s, %(volunteer)s, %(start)s) is already recorded.")
                    % {"family": key[0], "volunteer": key[1], "start": p.start.isoformat()})
            else:
                state.problem_naming_rows(p.row, "start", lambda row, other=other: _(
                    "The same match is also on row %(row)s.") % {"row": row(other)})
        else:
            recorded[key] = p.row
        if p.end is None:
            if p.family_ref in live and live[p.family_ref] is None:
                state.problem(p.row, "end", _(
                    "Family %(family)s already has an active match; give this one an end "
                    "date.") % {"family": p.family_ref})
            elif p.family_ref in live:
                other = live[p.family_ref]
                state.problem_naming_rows(p.row, "end", lambda row, p=p, other=other: _(
                    "Family %(family)s has another active match on row %(row)s; a family has "
                    "one active match at a time.") % {"family": p.family_ref,
                                                      "row": row(other)})
            else:
                live[p.family_ref] = p.row
        if len(state.errors.kept) + state.errors.omitted > problems:
            continue
        if _overlaps(state, p, spans, volunteers):
            continue
        spans.setdefault(("f", p.family_ref), []).append((p.start, p.end or _FAR, p.row))
        spans.setdefault(("v", p.volunteer_ref), []).append((p.start, p.end or _FAR, p.row))
        good.append(p)
    _write(state, good, families, volunteers, new_families, new_volunteers)


def _overlaps(state: _State, p: _Planned, spans: dict[tuple[str, str], list],
              volunteers: dict[str, Any]) -> bool:
    """What would put a household in two places at once: a family in two matches at the
    same time (a near-duplicate row is one of those), or a volunteer household with more
    families at once than it takes (its capacity; 1 for a household the file creates).
    Matches already recorded count too. Each problem names the rows."""
    span = (p.start, p.end or _FAR)
    same_family = [other for other in spans.get(("f", p.family_ref), [])
                   if _overlap(span, other)]
    if same_family:
        other = same_family[0][2]
        if other is None:
            state.problem(p.row, "start", _(
                "Family %(family)s is in a match already recorded at that time; a family "
                "has one match at a time.") % {"family": p.family_ref})
        else:
            state.problem_naming_rows(p.row, "start", lambda row: _(
                "Family %(family)s is in another match at that time, on row %(row)s; a "
                "family has one match at a time (a repeated row?).") % {
                    "family": p.family_ref, "row": row(other)})
        return True
    volunteer = volunteers.get(p.volunteer_ref)
    capacity = volunteer.capacity if volunteer is not None else 1
    at_once = [other for other in spans.get(("v", p.volunteer_ref), [])
               if _overlap(span, other)]
    if len(at_once) >= capacity:
        tags = [t for _s, _e, t in at_once if t is not None]

        def message(row: Callable[[Any], str]) -> str:
            rows = sorted({row(t) for t in tags}, key=lambda r: (len(r), r))
            return _(
                "Volunteer household %(volunteer)s already has as many families at that time "
                "as it takes (%(n)s): %(where)s.") % {
                    "volunteer": p.volunteer_ref, "n": capacity,
                    "where": _("rows %(rows)s") % {"rows": ", ".join(rows)} if rows
                    else _("matches already recorded")}

        state.problem_naming_rows(p.row, "volunteer", message)
        return True
    return False


def _overlap(a: tuple[date, date, Any], b: tuple[date, date, Any]) -> bool:
    # A match may start on the day the previous one ended.
    return a[0] < b[1] and b[0] < a[1]


def _new_household(state: _State, reference: str, known: dict[str, Any],
                   new: dict[str, dict[str, Any]], postcode: str,
                   needs: dict[str, int] | None, p: _Planned, column: str) -> None:
    """Plan an archived household for an unknown reference, or say what is missing."""
    if reference in known:
        return
    if reference in new:
        if needs and not new[reference].get("needs"):
            new[reference]["needs"] = needs
        return
    if not postcode:
        state.problem(p.row, column, _(
            "“%(ref)s” is not known yet: give its postcode so that it can be recorded as an "
            "archived household.") % {"ref": reference})
        return
    new[reference] = {"postcode": postcode, "needs": needs or {}, "start": p.start}


def _resolve(upload: BinaryIO, filename: str, state: _State) -> None:
    """Write the messages that name rows of earlier chunks: the file is read again and
    each row's match (family, volunteer, start) looked for."""
    start_field = MatchRow.base_fields["start"]
    rows: dict[_Key, int] = {}
    for number, raw in enumerate(read_rows(upload, filename), start=2):
        row = _columns(raw)
        try:
            started = start_field.clean(row.get("start", ""))
        except ValidationError:
            continue
        rows.setdefault((row.get("family", "").strip(), row.get("volunteer", "").strip(),
                         started), number)

    def row_of(tag: Any) -> str:
        return str(tag if isinstance(tag, int) else rows.get(tag, "?"))

    for pending in state.pending:
        error = state.errors.kept[pending.index]
        state.errors.kept[pending.index] = RowError(error.row, error.column,
                                                    pending.build(row_of))


def _write(state: _State, good: list[_Planned], families: dict[str, Any],
           volunteers: dict[str, Any], new_families: dict[str, dict[str, Any]],
           new_volunteers: dict[str, dict[str, Any]]) -> None:
    """Write a chunk's good rows, the archived households they create, and what their
    active matches change (see _live_state)."""
    programme, by = state.programme, state.by
    first_start: dict[str, date] = {}
    for p in good:
        for ref in (f"f:{p.family_ref}", f"v:{p.volunteer_ref}"):
            first_start[ref] = min(first_start.get(ref, p.start), p.start)
    active_families = {p.family_ref for p in good if p.end is None}
    active_volunteers = {p.volunteer_ref for p in good if p.end is None}

    created_families = _archived(FamilyHousehold, programme, new_families, active_families,
                                 first_start, "f")
    created_volunteers = _archived(VolunteerHousehold, programme, new_volunteers,
                                   active_volunteers, first_start, "v")
    families.update(created_families)
    volunteers.update(created_volunteers)
    StatusChange.objects.bulk_create(
        [StatusChange(family=f, to_status=f.status, changed_by=by, note=_("imported history"))
         for f in created_families.values()]
        + [StatusChange(volunteer=v, to_status=v.status, changed_by=by,
                        note=_("imported history")) for v in created_volunteers.values()],
        batch_size=1000,
    )
    # Archived households that an earlier chunk created: as if created with this one.
    needs: dict[str, dict[str, int]] = {}
    for p in good:
        if p.needs:
            needs.setdefault(p.family_ref, p.needs)
    _archived_again(FamilyHousehold, "family", families, state.families_before,
                    created_families, active_families, first_start, "f",
                    FamilyStatus.MATCHED, needs)
    _archived_again(VolunteerHousehold, "volunteer", volunteers, state.volunteers_before,
                    created_volunteers, active_volunteers, first_start, "v",
                    VolunteerStatus.MATCHED, {})

    now = timezone.now()
    proposals, matches = [], []
    for p in good:
        started = _aware(p.start)
        proposal = Proposal(
            programme=programme, family=families[p.family_ref],
            volunteer=volunteers[p.volunteer_ref], status=Proposal.Status.ACCEPTED,
            volunteer_answer=Proposal.Answer.ACCEPTED, family_answer=Proposal.Answer.ACCEPTED,
            created_by=by, created_at=started, sent_at=started, closed_at=started,
            volunteer_answered_at=started, family_answered_at=started,
            note=_("Imported from the match history."),
        )
        proposal.full_clean(exclude=["programme", "family", "volunteer"])
        proposals.append(proposal)
    Proposal.objects.bulk_create(proposals, batch_size=1000)
    for p, proposal in zip(good, proposals, strict=True):
        match = Match(
            programme=programme, proposal=proposal, family=proposal.family,
            volunteer=proposal.volunteer,
            status=Match.Status.ENDED if p.end else Match.Status.ACTIVE,
            started_on=p.start, introduced_on=p.start, ended_on=p.end, end_reason=p.reason,
            ended_by=by if p.end else None, created_at=now,
        )
        match.full_clean(exclude=["programme", "proposal", "family", "volunteer"])
        matches.append(match)
    Match.objects.bulk_create(matches, batch_size=1000)
    _live_state(good, families, volunteers, state, by)
    state.created += len(matches)


def _archived_again(model: type, key: str, households: dict[str, Any], before: int,
                    created: dict[str, Any], active: set[str], first_start: dict[str, date],
                    prefix: str, matched: str, needs: dict[str, dict[str, int]]) -> None:
    """Bring up to date the archived households that an earlier chunk of the same import
    created: their first start, their status (matched once any match is active), and
    what a family needed when the rows that created it did not say."""
    for reference, household in households.items():
        if household.pk <= before or reference in created:
            continue
        start = first_start.get(f"{prefix}:{reference}")
        if start is not None and _aware(start) < household.created_at:
            model.objects.filter(pk=household.pk).update(created_at=_aware(start))
        if reference in active and household.status != matched:
            model.objects.filter(pk=household.pk).update(status=matched)
            StatusChange.objects.filter(**{key: household}).update(to_status=matched)
            household.status = matched
        wanted = needs.get(reference)
        if wanted and not household.needs:
            model.objects.filter(pk=household.pk).update(needs=wanted)
            household.needs = wanted


def _live_state(planned: list[_Planned], families: dict[str, Any], volunteers: dict[str, Any],
                state: _State, by: User | None) -> None:
    """An active imported match does what a live one does: its family is matched (and
    its open proposals are moot), its volunteer household, when it was available, is
    matched too, and its place counts against the household's capacity (the match is
    live, which ``matchable_volunteers`` counts). Households that the import created are
    made so already (``_archived``, ``_archived_again``)."""
    note = _("imported history")
    moves: list[StatusChange] = []
    for ref in {p.family_ref for p in planned if p.end is None}:
        family = families[ref]
        if family.pk > state.families_before:
            continue
        if family.status != FamilyStatus.MATCHED:
            moves.append(StatusChange(family=family, from_status=family.status,
                                      to_status=FamilyStatus.MATCHED, changed_by=by,
                                      note=note))
            FamilyHousehold.objects.filter(pk=family.pk).update(
                status=FamilyStatus.MATCHED, last_activity_at=timezone.now())
            family.status = FamilyStatus.MATCHED
        Proposal.objects.filter(family=family, status__in=Proposal.OPEN).update(
            status=Proposal.Status.DISCARDED, closed_at=timezone.now())
    for ref in {p.volunteer_ref for p in planned if p.end is None}:
        volunteer = volunteers[ref]
        if volunteer.pk > state.volunteers_before:
            continue
        if volunteer.status == VolunteerStatus.AVAILABLE:
            moves.append(StatusChange(volunteer=volunteer, from_status=volunteer.status,
                                      to_status=VolunteerStatus.MATCHED, changed_by=by,
                                      note=note))
            VolunteerHousehold.objects.filter(pk=volunteer.pk).update(
                status=VolunteerStatus.MATCHED, last_activity_at=timezone.now())
            volunteer.status = VolunteerStatus.MATCHED
    StatusChange.objects.bulk_create(moves)


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))


def _archived(model: type, programme: Programme, planned: dict[str, dict[str, Any]],
              active: set[str], first_start: dict[str, date], prefix: str) -> dict[str, Any]:
    """Create the archived households of an import (validated field by field: they carry no
    languages or availability, which only matching needs, and are never matched)."""
    created: dict[str, Any] = {}
    is_family = model is FamilyHousehold
    for reference, info in planned.items():
        place = find_postcode(programme.country, info["postcode"])
        assert place is not None  # checked by the row form
        if is_family:
            status = FamilyStatus.MATCHED if reference in active else FamilyStatus.ENDED
        else:
            status = VolunteerStatus.MATCHED if reference in active else VolunteerStatus.LEFT
        household = model(
            programme=programme, reference=reference, contact_first_name=reference,
            postcode=info["postcode"], locality=place.locality, lat=place.lat, lon=place.lon,
            archived=True, status=status, languages=[], availability=[],
            created_at=_aware(first_start.get(f"{prefix}:{reference}", info["start"])),
            last_activity_at=timezone.now(),
        )
        if is_family:
            household.needs = info.get("needs") or {}
        household.clean_fields(exclude=["programme"])
        household.validate_constraints(exclude=["programme"])
        created[reference] = household
    model.objects.bulk_create(created.values(), batch_size=1000)
    return created
