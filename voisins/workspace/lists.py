"""The one way a staff list answers: the whole page, or only its rows for htmx."""

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django_filters import FilterSet

from voisins.audit.services import audit_list

from .exports import export_list, wants_export
from .selectors import PAGE_SIZE, filtered_page


def list_query(request: HttpRequest, **defaults: str) -> QueryDict:
    """The list's query string with its defaults (e.g. ``status="draft"``) where the user
    chose nothing; "all", as older links say, means no filter."""
    data = request.GET.copy()
    for key, value in defaults.items():
        data.setdefault(key, value)
        if data.get(key) == "all":
            data[key] = ""
    return data


def render_list(request: HttpRequest, *, template: str, rows: str, filterset: FilterSet,
                context: dict, per_page: int = PAGE_SIZE,
                households: tuple[str, ...] = (), export: str = "") -> HttpResponse:
    """Render `template` (which includes `rows`) with one page of `filterset`; an htmx
    request (filters changed, a column sorted, another page) gets `rows` alone.

    `households` names the relations of each row to the households whose names it shows
    ("family", "volunteer"): the page's reading of them is audited, one entry per page.
    With `export` (a key of workspace.exports.LISTS), ``?export=csv`` or ``xlsx`` answers
    with the whole filtered list as a file (context["programme"] decides the columns)."""
    if export and wants_export(request):
        return export_list(request, name=export, filterset=filterset,
                           programme=context["programme"])
    page = filtered_page(filterset, request.GET.get("page"), per_page)
    if households:
        audit_list(request=request, programme=context["programme"],
                   households=[getattr(row, relation) for row in page for relation in households],
                   via=rows.rsplit("/", 1)[-1].strip("_").removesuffix(".html"))
    return render(request, rows if request.htmx else template,
                  {**context, "page": page, "filter": filterset, "rows_template": rows,
                   "exportable": bool(export)})
