"""Reads of mediation: which cases and callbacks a staff member may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Case as Choose
from django.db.models import F, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from voisins import access
from voisins.matches.models import Match
from voisins.matches.selectors import matches_for
from voisins.programmes.models import Programme

from .models import Callback, Case, OpenedBy

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


def cases_visible(programme: Programme, user: Any) -> QuerySet[Case]:
    """Cases of a programme that ``user`` may see.

    Coordinators see every case; a mediator only the cases assigned to them, and never a
    safeguarding case (those are for coordinators only); anyone else nothing.
    """
    return access.cases_visible(user, Case.objects.filter(programme=programme).select_related(
        "match__family", "match__volunteer", "family", "volunteer", "assigned_to"))


def callbacks_open(programme: Programme, user: Any) -> QuerySet[Callback]:
    """The mediators' call list: callback requests not yet done, oldest first."""
    return (Callback.objects.filter(case__in=cases_visible(programme, user),
                                    status=Callback.Status.OPEN)
            .select_related("case", "case__family", "case__volunteer").order_by("created_at"))


def callbacks_for_list(queryset: QuerySet[Callback], *, contacts: bool) -> QuerySet[Callback]:
    """The call list as it is shown: each request with the household to call, named as
    plain values (no household becomes an object): ``household_kind`` ("family" or
    "volunteer"), ``household_pk``, ``first_name``, and with `contacts` (the reader sees
    contact details, ``access.sees_contact_details``) ``last_name`` and ``phone``.

    The household to call is the one that asked; for a request staff wrote down, the
    case's family (or its volunteer household when it names no family)."""
    volunteer_asked = Q(requested_by=OpenedBy.VOLUNTEER) | Q(case__family__isnull=True)

    def of_caller(field: str) -> Choose:
        return Choose(When(volunteer_asked, then=F(f"case__volunteer__{field}")),
                      default=F(f"case__family__{field}"))

    columns = {"household_kind": Choose(When(volunteer_asked,
                                             then=Value(OpenedBy.VOLUNTEER.value)),
                                        default=Value(OpenedBy.FAMILY.value)),
               "household_pk": of_caller("pk"), "first_name": of_caller("contact_first_name")}
    if contacts:
        columns |= {"last_name": of_caller("contact_last_name"), "phone": of_caller("phone")}
    return (queryset.select_related(None)
            .only("case", "when", "language", "interpreter_needed", "requested_by")
            .annotate(**columns))


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
