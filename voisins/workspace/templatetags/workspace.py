"""Template helpers for the staff lists: sortable column headers and the pager."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag(takes_context=True)
def sort_header(context, field: str, label: str, target: str = "#rows"):
    """A column header that sorts the list by `field` (then the other way round), through
    htmx when present and as a plain link otherwise, with aria-sort for screen readers."""
    request = context["request"]
    current = request.GET.get("sort", "")
    query = request.GET.copy()
    query.pop("page", None)
    if current == field:
        query["sort"], state, arrow = f"-{field}", "ascending", "▲"
    elif current == f"-{field}":
        query["sort"], state, arrow = field, "descending", "▼"
    else:
        query["sort"], state, arrow = field, "none", ""
    url = f"?{query.urlencode()}"
    return format_html(
        '<th scope="col" aria-sort="{}"><a href="{}" hx-get="{}" hx-target="{}" '
        'hx-push-url="true">{} <span aria-hidden="true">{}</span></a></th>',
        state, url, url, target, label, arrow,
    )


@register.inclusion_tag("workspace/_pager.html", takes_context=True)
def pager(context, page, target: str = "#rows"):
    request = context["request"]
    query = request.GET.copy()
    query.pop("page", None)
    return {"page": page, "query": query.urlencode(), "target": target}
