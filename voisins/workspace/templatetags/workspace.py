"""Template helpers for the staff lists: sortable column headers and the pager."""

from functools import lru_cache
from urllib.parse import quote_plus

from django import template
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from voisins.programmes import labels

register = template.Library()


def list_query(request, key: str = "", value: str = "") -> str:
    """The list's query string without its page, with `key` set to `value` if given: what
    ``q = request.GET.copy(); q.pop("page"); q[key] = value; q.urlencode()`` gives (the
    same order and encoding), without copying the query each time (a list asks for it
    five to seven times: its sort headers, pager and export links)."""
    pairs = getattr(request, "_voisins_list_pairs", None)
    if pairs is None:
        pairs = request._voisins_list_pairs = [
            (quote_plus(name), name, [quote_plus(str(v)) for v in values])
            for name, values in request.GET.lists() if name != "page"]
    out, found = [], False
    for quoted, name, values in pairs:
        if key and name == key:
            values, found = [quote_plus(value)], True
        out.extend(f"{quoted}={v}" for v in values)
    if key and not found:
        out.append(f"{quote_plus(key)}={quote_plus(value)}")
    return "&".join(out)


@register.simple_tag(takes_context=True)
def sort_header(context, field: str, label: str, target: str = "#rows"):
    """A column header that sorts the list by `field` (then the other way round), through
    htmx when present and as a plain link otherwise, with aria-sort for screen readers."""
    request = context["request"]
    current = request.GET.get("sort", "")
    if current == field:
        sort, state, arrow = f"-{field}", "ascending", "▲"
    elif current == f"-{field}":
        sort, state, arrow = field, "descending", "▼"
    else:
        sort, state, arrow = field, "none", ""
    url = f"?{list_query(request, 'sort', sort)}"
    return format_html(
        '<th scope="col" aria-sort="{}"><a href="{}" hx-get="{}" hx-target="{}" '
        'hx-push-url="true">{} <span aria-hidden="true">{}</span></a></th>',
        state, url, url, target, label, arrow,
    )


@register.inclusion_tag("workspace/_pager.html", takes_context=True)
def pager(context, page, target: str = "#rows"):
    return {"page": page, "query": list_query(context["request"]), "target": target}


@register.simple_tag(takes_context=True)
def export_links(context):
    """Links that download the list as its filters show it, as CSV or XLSX (plain links:
    a download is not a partial page). Nothing on a list that cannot be exported."""
    if not context.get("exportable"):
        return ""
    links = []
    for export_format, label in (("csv", "CSV"), ("xlsx", "XLSX")):
        links.append(format_html('<a href="?{}" download>{}</a>',
                                 list_query(context["request"], "export", export_format), label))
    return format_html('<p class="export-links no-print">{} {}</p>', _("Export this list:"),
                       format_html(" · ".join(["{}"] * len(links)), *links))


@register.filter(is_safe=True)
def badges(names) -> str:
    """Each of `names` (already in the reader's language) in a badge, isolated:
    ``<span class="badge"><bdi>Arabic</bdi></span> `` for each, as a loop over them
    writes it, at the cost of one call a row (the households lists' languages)."""
    return _badges(tuple(names or ()))


@lru_cache(maxsize=1024)
def _badges(names: tuple[str, ...]) -> str:
    return format_html_join("", '<span class="badge"><bdi>{}</bdi></span> ',
                            ((name,) for name in names))


# --- Codes stored on records, shown in the reader's language -----------------------------

@register.filter
def language_name(code: str) -> str:
    """"ar" → "Arabic" (any other ISO code is shown as it is)."""
    return labels.language_label(code)


@register.filter
def priority_name(priority: int) -> str:
    """3 → "3 – most important" (the form's words)."""
    return labels.priority_label(priority)


@register.filter
def level_name(level: str) -> str:
    """"native" → "mother tongue"."""
    return labels.level_label(level)


@register.filter
def slot_name(slot: str) -> str:
    """"wed-pm" → "Wednesday afternoon"."""
    return labels.slot_label(slot)


@register.filter
def service_name(code: str, programme: object = None) -> str:
    """"homework" → "Homework help"; ``{{ code|service_name:programme }}`` also names the
    programme's own categories."""
    names = None
    if programme is not None:
        names = getattr(programme, "_category_names", None)
        if names is None:
            names = dict(programme.service_categories.exclude(name="")
                         .values_list("code", "name"))
            programme._category_names = names
    return labels.service_label(code, names)


@register.filter
def grouped(value) -> str:
    """A whole number with the reader's thousands separator: 12 345, 12.345, 12,345."""
    from django.utils.formats import number_format

    return number_format(value, force_grouping=True) if value not in (None, "") else ""


@register.simple_tag
def filter_fields(form) -> str:
    """A list's filters, each field in a paragraph with its label (after a check box, before
    anything else) and its errors, written out as the ``{% for %}`` loop of
    workspace/_filter_form.html wrote them, at a fraction of its cost (issue 16)."""
    esc = conditional_escape

    def paragraph(field) -> str:
        errors = field.errors
        label_for = esc(field.id_for_label)
        if field.widget_type == "checkbox":
            shown = f'<label for="{label_for}">{field} {esc(field.label)}</label>\n    '
        else:
            shown = f'<label for="{label_for}">{esc(field.label)}</label>\n    {field}'
        said = (f'<span class="errorlist" id="{esc(field.auto_id)}_error">'
                f'{"".join(f"{esc(error)} " for error in errors)}</span>' if errors else "")
        return (f'\n  <p{" class=\"has-error\"" if errors else ""}>\n    {shown}\n    '
                f'{said}</p>\n  ')
    return mark_safe("".join(paragraph(field) for field in form))  # noqa: S308 (escaped)


@register.simple_tag
def nav_links(nav_items) -> str:
    """The menu's entries (workspace.nav.nav_for), each a link with its count, written out
    as a ``{% for %}`` loop wrote them, at a fraction of its cost (every staff page has
    the menu, issue 16)."""
    return mark_safe("".join(  # noqa: S308 (every value escaped here)
        f'\n      <li><a href="{conditional_escape(item["url"])}"'
        f'{" aria-current=\"page\"" if item["current"] else ""}>'
        f'{conditional_escape(item["label"])}'
        f'{f" <span class=\"count\">{conditional_escape(grouped(item["count"]))}</span>"
           if item["count"] else ""}</a></li>\n      '
        for item in nav_items))


@register.filter
def counted(nav_items) -> list[dict]:
    """The navigation entries that carry a count (lists where work waits)."""
    return [item for item in nav_items or () if item.get("count") is not None]
