"""Every staff list as a file: CSV or XLSX, exactly as its filters show it.

A list page given ``?export=csv`` or ``?export=xlsx`` answers with the file of all its rows
(not one page), in the list's order, with the columns that the user's role may see
(`voisins.access.visible_columns`). Rows are read in chunks and written as they come, so
that 100,000 rows never sit in memory together. Each export is written to the audit log:
who exported which list with which filters, which columns, how many rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from auditlog.models import LogEntry
from django.db.models import Model, QuerySet
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    StreamingHttpResponse,
)
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_filters import FilterSet

from voisins import access
from voisins.audit.services import audit_read
from voisins.spreadsheets import csv_lines, xlsx_file

FORMATS = ("csv", "xlsx")
CHUNK_SIZE = 2000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    """One column of an exported list: its heading, how a row gives its value, and the
    access action (voisins.access.PERMISSIONS) a user needs to see it, if any."""

    key: str
    label: Promise | str
    value: Callable[[Any], Any]
    needs: str = ""


@dataclass(frozen=True)
class ListExport:
    """A staff list that can be exported: its file name, its columns, and what the rows'
    query must also read for them (select_related, only)."""

    name: str
    columns: tuple[Column, ...]
    related: tuple[str, ...] = ()
    fields: tuple[str, ...] = field(default=())


def _day(value: date | datetime | None) -> date | None:
    if isinstance(value, datetime):
        return timezone.localtime(value).date()
    return value


def _display(name: str) -> Callable[[Any], str]:
    """The label of a field's choice, as get_FOO_display gives it but from a dict built
    once per model and language (get_FOO_display costs a hash of every choice per row)."""
    labels: dict[tuple[type, str], dict[Any, str]] = {}

    def value(row: Any) -> str:
        key = (type(row), get_language() or "")
        if key not in labels:
            labels[key] = {k: str(v) for k, v in row._meta.get_field(name).flatchoices}
        raw = getattr(row, name)
        return labels[key].get(raw, "" if raw is None else str(raw))
    return value


def _languages(row: Any) -> str:
    return ", ".join(item.get("code", "") for item in row.languages or ()
                     if isinstance(item, dict))


def _first(*paths: str) -> Callable[[Any], str]:
    """The first non-empty value along dotted `paths` (a case names its family directly
    or through its match)."""
    def value(row: Any) -> str:
        for path in paths:
            obj = row
            for part in path.split("."):
                obj = getattr(obj, part, None) if obj is not None else None
            if obj:
                return str(obj)
        return ""
    return value


_CONTACT = "view_contact_details"

_HOUSEHOLD = (
    Column("reference", _lazy("Reference"), lambda h: h.reference),
    Column("first_name", _lazy("First name"), lambda h: h.contact_first_name),
    Column("last_name", _lazy("Last name"), lambda h: h.contact_last_name),
    Column("postcode", _lazy("Postcode"), lambda h: h.postcode),
    Column("locality", _lazy("Locality"), lambda h: h.locality),
    Column("languages", _lazy("Languages"), _languages),
    Column("status", _lazy("Status"), _display("status")),
)
_HOUSEHOLD_CONTACT = (
    Column("phone", _lazy("Phone"), lambda h: str(h.phone or ""), needs=_CONTACT),
    Column("e_mail", _lazy("E-mail"), lambda h: h.email, needs=_CONTACT),
)
_HOUSEHOLD_FIELDS = ("reference", "contact_first_name", "contact_last_name", "postcode",
                     "locality", "languages", "status", "created_at", "phone", "email")

LISTS: dict[str, ListExport] = {
    "families": ListExport("families", (
        *_HOUSEHOLD,
        Column("waiting_since", _lazy("Waiting since"), lambda h: _day(h.waiting_since)),
        Column("created", _lazy("Created"), lambda h: _day(h.created_at)),
        *_HOUSEHOLD_CONTACT,
    ), fields=(*_HOUSEHOLD_FIELDS, "waiting_since")),
    "volunteers": ListExport("volunteer-households", (
        *_HOUSEHOLD,
        Column("families_at_once", _lazy("Families at once"), lambda h: h.capacity),
        Column("created", _lazy("Created"), lambda h: _day(h.created_at)),
        *_HOUSEHOLD_CONTACT,
    ), fields=(*_HOUSEHOLD_FIELDS, "capacity")),
    "proposals": ListExport("proposals", (
        Column("family", _lazy("Family"), lambda p: str(p.family)),
        Column("volunteer", _lazy("Volunteer household"), lambda p: str(p.volunteer)),
        Column("distance_km", _lazy("Distance (km)"), lambda p: round(p.distance_km, 1)),
        Column("score", _lazy("Score"), lambda p: round(p.score, 2)),
        Column("status", _lazy("Status"), _display("status")),
        Column("sent_on", _lazy("Sent on"), lambda p: _day(p.sent_at)),
        Column("answer_before", _lazy("Answer before"), lambda p: _day(p.expires_at)),
        Column("family_answer", _lazy("Family's answer"), _display("family_answer")),
        Column("volunteer_answer", _lazy("Volunteer household's answer"),
               _display("volunteer_answer")),
    ), fields=("sent_at", "expires_at", "family_answer", "volunteer_answer")),
    "matches": ListExport("matches", (
        Column("family", _lazy("Family"), lambda m: str(m.family)),
        Column("volunteer", _lazy("Volunteer household"), lambda m: str(m.volunteer)),
        Column("since", _lazy("Since"), lambda m: m.started_on),
        Column("status", _lazy("Status"), _display("status")),
        Column("needs_attention", _lazy("Needs attention"),
               lambda m: _("yes") if m.needs_attention else ""),
    )),
    "checkins": ListExport("checkins-due", (
        Column("family", _lazy("Family"), lambda c: str(c.match.family)),
        Column("volunteer", _lazy("Volunteer household"), lambda c: str(c.match.volunteer)),
        Column("side", _lazy("Side"), _display("side")),
        Column("due", _lazy("Due"), lambda c: c.due_on),
        Column("e_mailed", _lazy("E-mailed"), lambda c: _day(c.notified_at)),
    )),
    "cases": ListExport("cases", (
        Column("number", "#", lambda c: c.pk),
        Column("about", _lazy("About"), _display("kind")),
        # Names as mediation.selectors.cases_for_list reads them.
        Column("family", _lazy("Family"), _first("family_name")),
        Column("volunteer", _lazy("Volunteer household"), _first("volunteer_name")),
        Column("opened", _lazy("Opened"), lambda c: _day(c.opened_at)),
        Column("opened_by", _lazy("Opened by"), _display("opened_by")),
        Column("mediator", _lazy("Mediator"), _first("mediator")),
        Column("status", _lazy("Status"), _display("status")),
    )),
    "referrals": ListExport("referrals", (
        Column("family", _lazy("Family"), lambda f: f.contact_first_name),
        Column("postcode", _lazy("Postcode"), lambda f: f.postcode),
        Column("referred_on", _lazy("Referred on"), lambda f: _day(f.created_at)),
        Column("status", _lazy("Status"), _display("status")),
        Column("since", _lazy("Since"), lambda f: _day(f.updated_at)),
    )),
}


def wants_export(request: HttpRequest) -> bool:
    """Whether the list is asked for as a file rather than a page."""
    return "export" in request.GET


def _bad_request(message: str) -> HttpResponse:
    return HttpResponseBadRequest(escape(message), content_type="text/plain; charset=utf-8")


def export_list(request: HttpRequest, *, name: str, filterset: FilterSet,
                programme: Model) -> HttpResponse:
    """The file of the list `name` (a key of LISTS) with the rows of `filterset`, as the
    list page shows them (same filters, same order), or 400 naming the parameter that
    makes no sense. The export is written to the audit log."""
    spec = LISTS[name]
    export_format = request.GET.get("export", "")
    if export_format not in FORMATS:
        return _bad_request(_("%(field)s: choose one of %(choices)s.") % {
            "field": "export", "choices": ", ".join(FORMATS)})
    if filterset.is_bound and not filterset.is_valid():
        labels = {f.name: str(f.label) for f in filterset.form}
        return _bad_request("\n".join(
            f"{labels.get(key, key)} ({key}): {message}"
            for key, messages in filterset.errors.items() for message in messages))
    columns = access.visible_columns(request.user, programme, spec.columns)
    queryset: QuerySet = filterset.qs
    if spec.related:
        queryset = queryset.select_related(*spec.related)
    if spec.fields and queryset.query.deferred_loading[1] is False:
        # The page reads only what it shows; the file shows a few more columns.
        queryset = queryset.only(*queryset.query.deferred_loading[0], *spec.fields)
    rows_count = queryset.count()
    _audit(request, programme, name, export_format, columns, rows_count)
    header = [str(c.label) for c in columns]

    language = get_language()

    def rows() -> Iterator[list[Any]]:
        # A streamed body is written after the view has returned: in the page's language.
        with translation.override(language):
            for row in queryset.iterator(chunk_size=CHUNK_SIZE):
                yield [c.value(row) for c in columns]

    stem = f"{programme.slug}-{spec.name}-{timezone.localdate().isoformat()}"
    stem = re.sub(r"[^A-Za-z0-9_.-]", "-", stem)
    if export_format == "csv":
        response = StreamingHttpResponse(csv_lines(header, rows()),
                                         content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
        return response
    return FileResponse(xlsx_file(header, rows(), title=spec.name), as_attachment=True,
                        filename=f"{stem}.xlsx", content_type=XLSX_TYPE)


def _audit(request: HttpRequest, programme: Model, name: str, export_format: str,
           columns: list[Column], rows_count: int) -> LogEntry:
    # One entry for the whole file, on the programme: who, from where, which list, which
    # filters, which columns and how many rows (the rows themselves are not listed).
    filters = {key: value for key, value in request.GET.items()
               if key not in ("export", "page") and value}
    entry = audit_read(by=request, record=programme, fields=[c.key for c in columns], via="export")
    entry.additional_data = {**(entry.additional_data or {}), "list": name,
                             "format": export_format, "filters": filters,
                             "rows": rows_count}
    entry.save(update_fields=["additional_data"])
    return entry
