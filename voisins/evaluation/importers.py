"""Importing match history from the spreadsheets associations kept before Voisins.

One row per match: family reference, volunteer reference, start date, end date (empty
while the match is still active) and end reason. The whole file is checked first; then
everything is written in one transaction, or nothing is and every problem is listed (row,
column, message), like the households import (voisins.households.importers, whose file
reading is reused).

A household that the file refers to but the programme does not know yet is created as an
*archived* record: known only from history, never proposed for matching. It needs a
postcode (columns ``family_postcode`` / ``volunteer_postcode``) so that the statistics by
district still count it; its reference stands in for a name.
"""

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, BinaryIO

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from voisins.accounts.models import User
from voisins.households.geocoding import find_postcode, normalise_postcode
from voisins.households.importers import (
    MAX_ROWS,
    ImportFileError,
    ImportResult,
    RowError,
    parse_needs,
    read_rows,
)
from voisins.households.models import FamilyHousehold, StatusChange, VolunteerHousehold
from voisins.households.status import FamilyStatus, VolunteerStatus
from voisins.matches.models import Match, Proposal
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


def _columns(row: dict[str, str]) -> dict[str, str]:
    return {ALIASES.get(name, name).replace(" ", "_"): value for name, value in row.items()}


def import_matches(
    *, programme: Programme, upload: BinaryIO, filename: str, by: User | None = None
) -> ImportResult:
    """Check every row of a match-history file, then write all of it or nothing.

    Returns
    -------
    ImportResult
        ``created`` is the number of matches written; or ``errors`` lists every problem
        (row, column, message) and nothing was written.
    """
    result = ImportResult()
    try:
        rows = [_columns(row) for row in read_rows(upload, filename)]
    except ImportFileError as exc:
        result.errors.append(RowError(1, "", str(exc)))
        return result
    if not rows:
        result.errors.append(RowError(1, "", _("The file has no data rows.")))
        return result
    if len(rows) > MAX_ROWS:
        result.errors.append(RowError(1, "", _("At most %(n)s rows per file.") % {"n": MAX_ROWS}))
        return result
    missing = [name for name, f in MatchRow.base_fields.items()
               if f.required and name not in rows[0]]
    if missing:
        result.errors.extend(RowError(1, name, _("This column is missing.")) for name in missing)
        return result

    families = {f.reference: f for f in FamilyHousehold.objects.filter(
        programme=programme).exclude(reference="").only("id", "reference", "postcode",
                                                        "status", "programme")}
    volunteers = {v.reference: v for v in VolunteerHousehold.objects.filter(
        programme=programme).exclude(reference="").only("id", "reference", "postcode",
                                                        "status", "capacity", "programme")}
    live_families = set(Match.objects.filter(programme=programme).exclude(
        status=Match.Status.ENDED).values_list("family__reference", flat=True))
    recorded = set(Match.objects.filter(programme=programme).values_list(
        "family__reference", "volunteer__reference", "started_on"))
    categories = set(programme.service_categories.values_list("code", flat=True))
    reasons = _reason_lookup()

    planned: list[_Planned] = []
    new_families: dict[str, dict[str, Any]] = {}
    new_volunteers: dict[str, dict[str, Any]] = {}
    seen: dict[tuple, int] = {}
    active_rows: dict[str, int] = {}
    for number, row in enumerate(rows, start=2):
        form = MatchRow(row, programme=programme, categories=categories, reasons=reasons)
        if not form.is_valid():
            for column, messages in form.errors.items():
                result.errors.extend(RowError(number, column if column != "__all__" else "",
                                              str(m)) for m in messages)
            continue
        data = form.cleaned_data
        fam, vol = data["family"].strip(), data["volunteer"].strip()
        problems = _new_household(fam, families, new_families, data["family_postcode"],
                                  data["needs"], number, "family_postcode")
        problems += _new_household(vol, volunteers, new_volunteers, data["volunteer_postcode"],
                                   None, number, "volunteer_postcode")
        key = (fam, vol, data["start"])
        if key in recorded:
            problems.append(RowError(number, "start", _(
                "This match (%(family)s, %(volunteer)s, %(start)s) is already recorded.") % {
                    "family": fam, "volunteer": vol, "start": data["start"].isoformat()}))
        elif key in seen:
            problems.append(RowError(number, "start", _(
                "The same match is also on row %(row)s.") % {"row": seen[key]}))
        seen.setdefault(key, number)
        if data["end"] is None:
            if fam in live_families:
                problems.append(RowError(number, "end", _(
                    "Family %(family)s already has an active match; give this one an end "
                    "date.") % {"family": fam}))
            elif fam in active_rows:
                problems.append(RowError(number, "end", _(
                    "Family %(family)s has another active match on row %(row)s; a family has "
                    "one active match at a time.") % {"family": fam, "row": active_rows[fam]}))
            else:
                active_rows[fam] = number
        if problems:
            result.errors.extend(problems)
            continue
        planned.append(_Planned(number, fam, vol, data["start"], data["end"],
                                data["end_reason"] or (Match.EndReason.OTHER if data["end"]
                                                       else "")))
    if result.errors:
        return result
    result.errors.extend(_overlaps(programme, planned, families, volunteers))
    if result.errors:
        return result
    result.created = _write(programme, planned, families, volunteers, new_families,
                            new_volunteers, by)
    return result


def _overlaps(programme: Programme, planned: list[_Planned], families: dict[str, Any],
              volunteers: dict[str, Any]) -> list[RowError]:
    """What would put a household in two places at once: a family in two matches at the
    same time (a near-duplicate row is one of those), or a volunteer household with more
    families at once than it takes (its capacity; 1 for a household the file creates).
    Matches already recorded count too. Each problem names the rows."""
    far = date.max
    spans: dict[tuple[str, str], list[tuple[date, date, int | None]]] = {}
    for m in Match.objects.filter(programme=programme).values_list(
            "family__reference", "volunteer__reference", "started_on", "ended_on"):
        spans.setdefault(("f", m[0]), []).append((m[2], m[3] or far, None))
        spans.setdefault(("v", m[1]), []).append((m[2], m[3] or far, None))
    errors: list[RowError] = []
    for p in sorted(planned, key=lambda item: (item.start, item.row)):
        span = (p.start, p.end or far)
        same_family = [other for other in spans.get(("f", p.family_ref), [])
                       if _overlap(span, other)]
        if same_family:
            other_row = same_family[0][2]
            errors.append(RowError(p.row, "start", (_(
                "Family %(family)s is in another match at that time, on row %(row)s; a "
                "family has one match at a time (a repeated row?).") % {
                    "family": p.family_ref, "row": other_row}) if other_row else _(
                "Family %(family)s is in a match already recorded at that time; a family "
                "has one match at a time.") % {"family": p.family_ref}))
            continue
        volunteer = volunteers.get(p.volunteer_ref)
        capacity = volunteer.capacity if volunteer is not None else 1
        at_once = [other for other in spans.get(("v", p.volunteer_ref), [])
                   if _overlap(span, other)]
        if len(at_once) >= capacity:
            rows = sorted({str(r) for _s, _e, r in at_once if r})
            errors.append(RowError(p.row, "volunteer", _(
                "Volunteer household %(volunteer)s already has as many families at that time "
                "as it takes (%(n)s): %(where)s.") % {
                    "volunteer": p.volunteer_ref, "n": capacity,
                    "where": _("rows %(rows)s") % {"rows": ", ".join(rows)} if rows
                    else _("matches already recorded")}))
            continue
        spans.setdefault(("f", p.family_ref), []).append((*span, p.row))
        spans.setdefault(("v", p.volunteer_ref), []).append((*span, p.row))
    return sorted(errors, key=lambda e: e.row)


def _overlap(a: tuple[date, date, Any], b: tuple[date, date, Any]) -> bool:
    # A match may start on the day the previous one ended.
    return a[0] < b[1] and b[0] < a[1]


def _new_household(reference: str, known: dict[str, Any], new: dict[str, dict[str, Any]],
                   postcode: str, needs: dict[str, int] | None, row: int,
                   column: str) -> list[RowError]:
    """Plan an archived household for an unknown reference; a list of problems, if any."""
    if reference in known:
        return []
    if reference in new:
        if postcode and not new[reference]["postcode"]:
            new[reference]["postcode"] = postcode
        if needs and not new[reference].get("needs"):
            new[reference]["needs"] = needs
        return []
    if not postcode:
        return [RowError(row, column, _(
            "“%(ref)s” is not known yet: give its postcode so that it can be recorded as an "
            "archived household.") % {"ref": reference})]
    new[reference] = {"postcode": postcode, "needs": needs or {}}
    return []


@transaction.atomic
def _write(programme: Programme, planned: list[_Planned], families: dict[str, Any],
           volunteers: dict[str, Any], new_families: dict[str, dict[str, Any]],
           new_volunteers: dict[str, dict[str, Any]], by: User | None) -> int:
    active_families = {p.family_ref for p in planned if p.end is None}
    active_volunteers = {p.volunteer_ref for p in planned if p.end is None}
    first_start: dict[str, date] = {}
    for p in planned:
        for ref in (f"f:{p.family_ref}", f"v:{p.volunteer_ref}"):
            first_start[ref] = min(first_start.get(ref, p.start), p.start)

    created_families = _archived(FamilyHousehold, programme, new_families, active_families,
                                 first_start, "f")
    created_volunteers = _archived(VolunteerHousehold, programme, new_volunteers,
                                   active_volunteers, first_start, "v")
    families = {**families, **created_families}
    volunteers = {**volunteers, **created_volunteers}
    StatusChange.objects.bulk_create(
        [StatusChange(family=f, to_status=f.status, changed_by=by, note=_("imported history"))
         for f in created_families.values()]
        + [StatusChange(volunteer=v, to_status=v.status, changed_by=by,
                        note=_("imported history")) for v in created_volunteers.values()],
        batch_size=1000,
    )

    now = timezone.now()
    proposals, matches = [], []
    for p in planned:
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
    for p, proposal in zip(planned, proposals, strict=True):
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
    _live_state(planned, families, volunteers, created_families, created_volunteers, by)
    return len(matches)


def _live_state(planned: list[_Planned], families: dict[str, Any], volunteers: dict[str, Any],
                created_families: dict[str, Any], created_volunteers: dict[str, Any],
                by: User | None) -> None:
    """An active imported match does what a live one does: its family is matched (and
    its open proposals are moot), its volunteer household, when it was available, is
    matched too, and its place counts against the household's capacity (the match is
    live, which ``matchable_volunteers`` counts)."""
    note = _("imported history")
    moves: list[StatusChange] = []
    for ref in {p.family_ref for p in planned if p.end is None} - set(created_families):
        family = families[ref]
        if family.status != FamilyStatus.MATCHED:
            moves.append(StatusChange(family=family, from_status=family.status,
                                      to_status=FamilyStatus.MATCHED, changed_by=by,
                                      note=note))
            FamilyHousehold.objects.filter(pk=family.pk).update(
                status=FamilyStatus.MATCHED, last_activity_at=timezone.now())
        Proposal.objects.filter(family=family, status__in=Proposal.OPEN).update(
            status=Proposal.Status.DISCARDED, closed_at=timezone.now())
    for ref in {p.volunteer_ref for p in planned if p.end is None} - set(created_volunteers):
        volunteer = volunteers[ref]
        if volunteer.status == VolunteerStatus.AVAILABLE:
            moves.append(StatusChange(volunteer=volunteer, from_status=volunteer.status,
                                      to_status=VolunteerStatus.MATCHED, changed_by=by,
                                      note=note))
            VolunteerHousehold.objects.filter(pk=volunteer.pk).update(
                status=VolunteerStatus.MATCHED, last_activity_at=timezone.now())
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
            created_at=_aware(first_start[f"{prefix}:{reference}"]),
            last_activity_at=timezone.now(),
        )
        if is_family:
            household.needs = info.get("needs") or {}
        household.clean_fields(exclude=["programme"])
        household.validate_constraints(exclude=["programme"])
        created[reference] = household
    model.objects.bulk_create(created.values(), batch_size=1000)
    return created
