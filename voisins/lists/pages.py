"""The one way a staff list answers: the whole page, or only its rows for htmx."""

from collections.abc import Callable

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django_filters import FilterSet

from voisins.audit.services import audit_list
from voisins.households.models import FamilyHousehold, VolunteerHousehold

from .exports import export_list, wants_export

PAGE_SIZE = 50


def filtered_page(filterset: FilterSet, page_number: str | None,
                  per_page: int = PAGE_SIZE) -> Page:
    """One page of a filter set's results: two queries (count and rows) whatever the size.

    Filters whose value is invalid are left out (their errors are on ``filterset.form``).
    """
    return Paginator(filterset.qs, per_page).get_page(page_number)


def list_query(request: HttpRequest, **defaults: str) -> QueryDict:
    """The list's query string with its defaults (e.g. ``status="draft"``) where the user
    chose nothing; "all", as older links say, means no filter."""
    data = request.GET.copy()
    for key, value in defaults.items():
        data.setdefault(key, value)
        if data.get(key) == "all":
            data[key] = ""
    return data


# A row's household, by the relation that names it, when rows are plain values.
_HOUSEHOLD_MODELS = {"family": FamilyHousehold, "volunteer": VolunteerHousehold}


def render_list(request: HttpRequest, *, template: str, rows: str, filterset: FilterSet,
                context: dict, per_page: int = PAGE_SIZE,
                households: tuple[str, ...] = (), export: str = "",
                rows_of: Callable[[QuerySet], list[dict]] | None = None) -> HttpResponse:
    """Render `template` (which includes `rows`) with one page of `filterset`; an htmx
    request (filters changed, a column sorted, another page) gets `rows` alone.

    `households` names the relations of each row to the households whose names it shows
    ("family", "volunteer"): the page's reading of them is audited, one entry per page.
    With `export` (a key of voisins.lists.exports.LISTS), ``?export=csv`` or ``xlsx`` answers
    with the whole filtered list as a file (context["programme"] decides the columns).

    `rows_of` (a selector) turns the page's queryset into its rows as plain dicts,
    prepared once (links, labels, dates: voisins.rows), which the rows template prints:
    a fraction of the CPU of instances read through template lookups (issue 16). Each
    row then names its households by ``<relation>_id`` ("family_id")."""
    if export and wants_export(request):
        return export_list(request, name=export, filterset=filterset,
                           programme=context["programme"])
    page = filtered_page(filterset, request.GET.get("page"), per_page)
    if rows_of is not None:
        page.object_list = rows_of(page.object_list)
        shown = [(_HOUSEHOLD_MODELS[relation], row[f"{relation}_id"])
                 for row in page.object_list for relation in households
                 if row[f"{relation}_id"] is not None]
    else:
        shown = [getattr(row, relation) for row in page for relation in households]
    if households:
        audit_list(request=request, programme=context["programme"], households=shown,
                   via=rows.rsplit("/", 1)[-1].strip("_").removesuffix(".html"))
    return render(request, rows if request.htmx else template,
                  {**context, "page": page, "filter": filterset, "rows_template": rows,
                   "exportable": bool(export)})
