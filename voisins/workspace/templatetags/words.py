"""Words inside sentences of another script: bidi isolation and lists, on every page and in
every e-mail (``{% load words %}``).

A French place or name inside an Arabic sentence, or an Arabic name inside a French one,
takes the direction of the text around it unless it is isolated: the full stop then lands
on the wrong side and the words swap places. ``bdi`` isolates a value in HTML (``<bdi>``);
``isolate`` does it in plain text (U+2068 FIRST STRONG ISOLATE … U+2069 POP DIRECTIONAL
ISOLATE), only when the text around is right to left, where it matters. ``human_list``
joins a list as the reader's language writes it (the Arabic comma in Arabic)."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language_bidi

from voisins.programmes.languages import join_list

register = template.Library()

FSI, PDI = "\u2068", "\u2069"


@register.filter(is_safe=True)
def bdi(value: object) -> SafeString | str:
    """`value` escaped inside ``<bdi>``: "Amina" → "<bdi>Amina</bdi>"; nothing for ""."""
    if value in (None, ""):
        return ""
    return mark_safe(f"<bdi>{conditional_escape(value)}</bdi>")  # noqa: S308 (escaped)


@register.filter
def isolate(value: object) -> str:
    """`value` between Unicode isolates in right-to-left text (plain-text e-mails, SMS)."""
    if value in (None, "") or not get_language_bidi():
        return value
    return f"{FSI}{value}{PDI}"


@register.filter(is_safe=True, needs_autoescape=True)
def human_list(values, autoescape: bool = True) -> str:
    """Items joined with the reader's list separator, each isolated (``<bdi>``) in HTML."""
    escape = conditional_escape if autoescape else str
    items = [f"<bdi>{escape(v)}</bdi>" if autoescape else str(v) for v in values or ()]
    return mark_safe(join_list(items)) if autoescape else join_list(items)  # noqa: S308
