"""The rows of a staff list as plain values, prepared once per page (issue 16).

Fifty rows read as model instances and shown through template lookups — ``{% url %}``,
``get_FOO_display`` (through ``make_hashable``), ``|date`` on every row — cost more CPU
than the Django admin's changelist of the same rows. A list reads its rows with
``.values()`` and prepares each as a dict with these helpers, which do each of those
things once per page: one ``reverse()`` for every row's link, one dictionary of labels,
one formatting per distinct day. The templates then only print the values.
"""

from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.text import capfirst

# A number no record has as its key, put where the key goes in one reverse(): the URL
# around it serves every row (the URL patterns take keys as <int:pk>).
_PLACEHOLDER = 918273645


def links(url_name: str, *args: object) -> Callable[[object], str]:
    """``reverse(url_name, args=(*args, pk))`` for any `pk`, at the cost of one
    ``reverse()``: ``links("matches:match", "demo")(12)`` → "/staff/demo/matches/12/"."""
    url = reverse(url_name, args=[*args, _PLACEHOLDER])
    head, _sep, tail = url.rpartition(str(_PLACEHOLDER))
    return lambda pk: f"{head}{pk}{tail}"


def labels(choices: Iterable[tuple[object, object]], *, first_capital: bool = False
           ) -> dict[object, str]:
    """``{value: label}`` of a field's choices in the reader's language (what
    ``get_FOO_display`` gives, or ``|capfirst`` of it with `first_capital`), each escaped
    once for HTML here rather than on every row that shows it."""
    if first_capital:
        return {value: conditional_escape(capfirst(str(label))) for value, label in choices}
    return {value: conditional_escape(str(label)) for value, label in choices}


def key(pk: object) -> str:
    """A record's key as a row shows it: its digits, marked safe (no localisation, no
    escaping on every row: a key is a number)."""
    return mark_safe(str(int(pk)))  # noqa: S308 (digits only)


class Dates:
    """A date or date-time as ``|date:"SHORT_DATE_FORMAT"`` shows it (a date-time on its
    day in the current time zone), each distinct day formatted (and escaped) once; `empty`
    for None."""

    def __init__(self, *, empty: str = "", fmt: str = "SHORT_DATE_FORMAT") -> None:
        self.empty, self.fmt = empty, fmt
        self._seen: dict[date, str] = {}

    def __call__(self, value: date | datetime | None) -> str:
        if value is None:
            return self.empty
        if isinstance(value, datetime):
            value = (timezone.localtime(value) if timezone.is_aware(value) else value).date()
        text = self._seen.get(value)
        if text is None:
            text = self._seen[value] = conditional_escape(formats.date_format(value, self.fmt))
        return text


def decimals(places: int) -> Callable[[float | None], str]:
    """A number as ``|floatformat:places`` shows it (rounded half up, the reader's decimal
    separator, no grouping): ``decimals(1)(2.25)`` → "2.3" ("2,3" in French); "" for
    None. A fraction of the filter's cost: the separator is looked up once."""
    separator = formats.get_format("DECIMAL_SEPARATOR")
    step = Decimal(1).scaleb(-places)

    def text(value: float | None) -> str:
        if value is None:
            return ""
        rounded = Decimal(repr(value)).quantize(step, ROUND_HALF_UP)
        return str(rounded if rounded else abs(rounded)).replace(".", separator)

    return text
