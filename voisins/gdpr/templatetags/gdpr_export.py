"""Values of a data export written out for people (the PDF)."""

from typing import Any

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def readable(value: Any) -> str:
    """A JSON value as a line of text: lists joined, objects as "key: value", no "None"."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dict):
        return "; ".join(f"{key}: {readable(item)}" for key, item in value.items()) or "—"
    if isinstance(value, list | tuple):
        return ", ".join(readable(item) for item in value) or "—"
    return str(value)
