"""Reads of mediation: which cases and callbacks a staff member may see."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from voisins import access, rows
from voisins.matches.models import Match
from voisins.matches.selectors import matches_for
from voisins.programmes.languages import language_name
from voisins.programmes.models import Programme

from .models import Callback, Case, CaseKind, OpenedBy

# What a case says: every read of it is written to the audit log.
CASE_CONTENT = ["summary", "resolution", "notes"]


def cases_for_list(queryset: QuerySet[Case]) -> QuerySet[Case]:
    """`queryset` as the case list (and its export) reads it: the case's own columns, and
    the names shown as plain values (``family_name``, ``volunteer_name``, ``mediator``),
    a case naming its households directly or through its match. No related row becomes
    an object: building five of them per case cost more than the rest of the page."""
    return (queryset.select_related(None).only("kind", "status", "opened_at", "opened_by")
            .annotate(family_name=Coalesce(F("family__contact_first_name"),
                                           F("match__family__contact_first_name")),
                      volunteer_name=Coalesce(F("volunteer__contact_first_name"),
                                              F("match__volunteer__contact_first_name")),
                      mediator=F("assigned_to__email")))


def case_list_rows(page: QuerySet[Case], *, link: Callable[[object], str]
                   ) -> list[dict[str, Any]]:
    """A page of the case list (read by ``cases_for_list``) as its rows show it, as plain
    values prepared once (voisins.rows): ``pk``, ``url`` (``link(pk)``), ``kind_label``,
    ``is_safeguarding``, ``family_name``, ``volunteer_name``, ``opened`` (its date),
    ``opened_by_label``, ``mediator`` and ``status_label``."""
    kinds = rows.labels(CaseKind.choices)
    openers = rows.labels(OpenedBy.choices)
    status = rows.labels(Case.Status.choices)
    dates = rows.Dates()
    found = []
    for c in page.values("pk", "kind", "status", "opened_by", "opened_at", "family_name",
                         "volunteer_name", "mediator"):
        found.append({
            "pk": rows.key(c["pk"]), "url": link(c["pk"]),
            "kind_label": kinds.get(c["kind"], c["kind"]),
            "is_safeguarding": c["kind"] == CaseKind.SAFEGUARDING,
            "family_name": c["family_name"], "volunteer_name": c["volunteer_name"],
            "opened": dates(c["opened_at"]),
            "opened_by_label": openers.get(c["opened_by"], c["opened_by"]),
            "mediator": c["mediator"], "status_label": status.get(c["status"], c["status"]),
        })
    return found


def cases_visible(programme: Programme, user: Any) -> QuerySet[Case]:
    """Cases of a programme that ``user`` may see.

    Coordinators see every case; a mediator only the cases assigned to them, and never a
    safeguarding case (those are for coordinators only); anyone else nothing.
    """
    return access.cases_visible(user, Case.objects.filter(programme=programme).select_related(
        "match__family", "match__volunteer", "family", "volunteer", "assigned_to"))


def callbacks_open(programme: Programme, user: Any, *,
                   cases: QuerySet[Case] | None = None) -> QuerySet[Callback]:
    """The mediators' call list: callback requests not yet done, oldest first. `cases`:
    ``cases_visible(programme, user)`` when the caller has it already (the cases page
    lists both: building it twice cost a millisecond)."""
    if cases is None:
        cases = cases_visible(programme, user)
    return (Callback.objects.filter(case__in=cases, status=Callback.Status.OPEN)
            .select_related("case", "case__family", "case__volunteer").order_by("created_at"))


def callbacks_for_list(queryset: QuerySet[Callback], *, contacts: bool) -> QuerySet:
    """The call list as it is read for its rows (``callback_list_rows``): each request's
    own columns and, as plain values (no household becomes an object), the key, first
    name and, with `contacts` (the reader sees contact details,
    ``access.sees_contact_details``), the last name and phone number of both households
    of its case; ``callback_list_rows`` keeps the one to call."""
    fields = ["pk", "contact_first_name", *(("contact_last_name", "phone") if contacts else ())]
    return queryset.select_related(None).values(
        "case_id", "when", "language", "interpreter_needed", "requested_by",
        *(f"case__{side}__{field}" for side in ("family", "volunteer") for field in fields))


def callback_list_rows(queryset: QuerySet, *, link: Callable[[object], str]
                       ) -> list[dict[str, Any]]:
    """The call list (read by ``callbacks_for_list``) as its rows show it, as plain values
    prepared once (voisins.rows): ``case_id``, ``when``, ``language``,
    ``interpreter_needed``, the household to call (``household_kind``: "family" or
    "volunteer", ``household_pk``, ``first_name``, and ``last_name`` and ``phone`` when
    read), ``language_name`` and ``url`` (``link(case_id)``, the case's page).

    The household to call is the one that asked; for a request staff wrote down, the
    case's family (or its volunteer household when it names no family). Chosen here
    rather than in SQL: five CASE expressions cost more to build than the rows."""
    names: dict[str, str] = {}
    found = []
    for cb in queryset:
        code = cb["language"]
        side = ("volunteer" if cb["requested_by"] == OpenedBy.VOLUNTEER
                or cb["case__family__pk"] is None else "family")
        prefix = f"case__{side}__"
        row = {"case_id": cb["case_id"], "when": cb["when"], "language": code,
               "interpreter_needed": cb["interpreter_needed"],
               "household_kind": side, "household_pk": cb[f"{prefix}pk"],
               "first_name": cb[f"{prefix}contact_first_name"],
               "language_name": names.get(code) or names.setdefault(code, language_name(code)),
               "url": link(cb["case_id"])}
        if f"{prefix}phone" in cb:
            row["last_name"] = cb[f"{prefix}contact_last_name"]
            row["phone"] = cb[f"{prefix}phone"]
        found.append(row)
    return found


def match_choices(programme: Programme, user: Any, *, include: int | None = None
                  ) -> list[tuple[int, str]]:
    """The matches a case can be opened about, by the households' names: the live
    matches `user` follows (and `include`, a match of theirs that ended, when a case is
    opened from its page), by family name. One query, no match becomes an object.

    Last names only for a reader who sees contact details (``access``)."""
    contacts = access.sees_contact_details(user, programme)
    live = Q(status__in=Match.LIVE) | (Q(pk=include) if include else Q(pk__in=[]))
    rows = (matches_for(programme, user).filter(live).select_related(None)
            .order_by("family__contact_first_name", "family__contact_last_name", "id")
            .values_list("pk", "family__contact_first_name", "family__contact_last_name",
                         "volunteer__contact_first_name", "volunteer__contact_last_name",
                         "started_on"))
    choices = []
    for pk, family_first, family_last, volunteer_first, volunteer_last, started in rows:
        family = f"{family_first} {family_last}".strip() if contacts else family_first
        volunteer = (f"{volunteer_first} {volunteer_last}".strip() if contacts
                     else volunteer_first)
        choices.append((pk, _("%(family)s – %(volunteer)s, since %(date)s") % {
            "family": family, "volunteer": volunteer,
            "date": date_format(started, "SHORT_DATE_FORMAT")}))
    return choices


# --- Records as the pages and the API open them (access narrows them to the user's) ---------

def cases_of_programme(*, programme: Programme) -> QuerySet[Case]:
    """The cases of `programme`, for access to narrow to those the user may see."""
    return Case.objects.filter(programme=programme)


def cases_with_programme() -> QuerySet[Case]:
    """Cases with their programme (one case as the API shows it)."""
    return Case.objects.select_related("programme")


def case_by_pk(*, pk: int) -> QuerySet[Case]:
    """Case `pk` alone, as a queryset (to annotate before reading it)."""
    return Case.objects.filter(pk=pk)


def case_callback(*, case: Case, pk: int) -> Callback | None:
    """Callback `pk` of `case`, or None (a callback of another case is none of this one)."""
    return Callback.objects.filter(pk=pk, case=case).first()
