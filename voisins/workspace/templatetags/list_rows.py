"""The rows of the staff lists, written out in Python (issue 16).

A list's rows come as plain dicts prepared once a page (``voisins.rows`` and each list's
``*_list_rows`` selector). Printed through a ``{% for %}`` loop, each of some 500 values a
page still costs a template variable lookup, its localisation and its escaping: about
1 ms a page, 3 ms on the cases page with its call list, a tenth of what these lists may
cost against the Django admin's changelist. Each tag here writes the same HTML that the
loop wrote (the same elements, attributes and text, character for character), with each
value escaped as the template did (``conditional_escape``: labels and dates prepared as
safe text are not escaped twice; words are translated once a page, and printed as
``{% translate %}`` prints them). The table's head, its empty row, the pager and the rest
stay in the templates.

Used as ``{% household_rows page kind %}``, ``{% proposal_rows page %}``,
``{% match_rows page %}``, ``{% checkin_rows page %}``, ``{% case_rows page %}`` and
``{% callback_rows callbacks contacts %}``.
"""

import html
from collections.abc import Iterable

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from .workspace import badges

register = template.Library()


def e(value: object) -> str:
    """`value` as ``{{ value }}`` prints it in a row: escaped unless it is safe text
    already (``conditional_escape``, without its wrappers: some 400 calls a page)."""
    if type(value) is str:
        return html.escape(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def _word(message: str) -> str:
    # As {% translate %} prints it: the translation, not escaped (a literal of the
    # template is safe, and so is its translation).
    return mark_safe(gettext(message))  # noqa: S308 (our own catalogue's words)


def _joined(rows: Iterable[str]) -> SafeString:
    return mark_safe("".join(rows))  # noqa: S308 (every value escaped above)


@register.simple_tag
def household_rows(page, kind: str) -> SafeString:
    """The families' or volunteer households' rows (households.selectors
    .household_list_rows): what staff/_household_rows.html looped over."""
    families = kind == "families"
    return _joined(
        '\n    <tr>\n'
        f'      <td><a href="{e(h["url"])}">{e(h["contact_first_name"])} '
        f'{e(h["contact_last_name"])}</a></td>\n'
        f'      <td>{e(h["postcode"])} {e(h["locality"])}</td>\n'
        f'      <td>{badges(h["language_names"])}</td>\n'
        f'      <td>{e(h["status_label"])}</td>\n'
        f'      <td>{e(h["waiting_since"] if families else h["capacity"])}</td>\n'
        '    </tr>\n  '
        for h in page)


@register.simple_tag
def proposal_rows(page) -> SafeString:
    """The proposals' rows (matches.selectors.proposal_list_rows), a draft's with its
    check box for the bulk-send form."""
    def row(p: dict) -> str:
        pk = e(p["pk"])
        box = (f'<input type="checkbox" name="proposal" value="{pk}" form="bulk-send" '
               f'id="select-{pk}" aria-label="{e(p["select_label"])}">'
               if p["status"] == "draft" else "")
        answers = (f'<td>{e(p["family_answer"])}</td><td>{e(p["volunteer_answer"])}</td>'
                   if p["sent"] else "<td>—</td><td>—</td>")
        return (f'<tr><td class="no-print">{box}</td><td><a href="{e(p["url"])}">'
                f'{e(p["family"])}</a></td><td>{e(p["volunteer"])}</td>'
                f'<td>{e(p["distance"])} km</td><td>{e(p["score"])}</td>'
                f'<td>{e(p["status_label"])}</td><td>{e(p["sent_on"])}</td>'
                f'<td>{e(p["answer_before"])}</td>{answers}</tr>\n')
    return _joined(row(p) for p in page)


@register.simple_tag
def match_rows(page) -> SafeString:
    """The matches' rows (matches.selectors.match_list_rows)."""
    return _joined(
        f'<tr><td><a href="{e(m["url"])}">{e(m["family"])}</a></td>'
        f'<td>{e(m["volunteer"])}</td><td>{e(m["since"])}</td><td>{e(m["status_label"])}</td>'
        f'<td>{f"<strong>{e(m["attention"])}</strong>" if m["attention"] else ""}</td></tr>\n'
        for m in page)


@register.simple_tag
def checkin_rows(page) -> SafeString:
    """The overdue check-ins' rows (matches.selectors.checkin_list_rows)."""
    return _joined(
        f'<tr><td><a href="{e(c["url"])}">{e(c["family"])} – {e(c["volunteer"])}</a></td>'
        f'<td>{e(c["side_label"])}</td><td>{e(c["due"])}</td><td>{e(c["emailed"])}</td>'
        '</tr>\n'
        for c in page)


@register.simple_tag
def case_rows(page) -> SafeString:
    """The cases' rows (mediation.selectors.case_list_rows); a safeguarding case says
    "urgent"."""
    urgent = f' <strong class="badge">{_word("urgent")}</strong>'

    def row(c: dict) -> str:
        volunteer = f" – {e(c['volunteer_name'])}" if c["volunteer_name"] else ""
        return (f'<tr><td><a href="{e(c["url"])}">#{e(c["pk"])}</a></td>'
                f'<td>{e(c["kind_label"])}{urgent if c["is_safeguarding"] else ""}</td>'
                f'<td>{e(c["family_name"] or "")}{volunteer}</td>'
                f'<td>{e(c["opened"])} ({e(c["opened_by_label"])})</td>'
                f'<td>{e(c["mediator"] or "—")}</td><td>{e(c["status_label"])}</td></tr>\n')
    return _joined(row(c) for c in page)


@register.simple_tag
def callback_rows(callbacks, contacts: bool) -> SafeString:
    """The call list's rows (mediation.selectors.callback_list_rows), each cell with its
    column's name for the stacked layout on a phone; names' last names and phone numbers
    only with `contacts` (the reader sees contact details)."""
    who, phone, when = _word("Who"), _word("Phone"), _word("When to call")
    language, interpreter, case = _word("Language"), _word("Interpreter"), _word("Case")
    kinds = {"volunteer": _word("volunteer household")}
    family, no_phone = _word("family"), _word("no phone number")
    needed = f"<strong>{_word('interpreter needed')}</strong>"
    not_needed = _word("not needed")

    def row(cb: dict) -> str:
        last = f" {e(cb['last_name'])}" if contacts and cb.get("last_name") else ""
        if contacts:
            number = (f'<a dir="ltr" href="tel:{e(cb["phone"])}">{e(cb["phone"])}</a>'
                      if cb["phone"] else no_phone)
            number = f'<td data-label="{phone}">{number}</td>'
        else:
            number = ""
        return (
            f'<tr>\n  <td data-label="{who}"><bdi>{e(cb["first_name"] or "—")}{last}</bdi> '
            f'<span class="helptext">({kinds.get(cb["household_kind"], family)})</span></td>\n'
            f'  {number}\n'
            f'  <td data-label="{when}"><bdi>{e(cb["when"])}</bdi></td>\n'
            f'  <td data-label="{language}">{e(cb["language_name"])}</td>\n'
            f'  <td data-label="{interpreter}">'
            f'{needed if cb["interpreter_needed"] else not_needed}</td>\n'
            f'  <td data-label="{case}"><a href="{e(cb["url"])}">#{e(cb["case_id"])}</a></td>\n'
            '</tr>')
    return _joined(row(cb) for cb in callbacks)
