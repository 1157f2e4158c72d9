from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def percent(value: float | None, digits: int = 0) -> str:
    """0.534 → "53 %" in the current language; "—" for no value."""
    if value is None:
        return "—"
    return f"{number_format(value * 100, digits)} %"


@register.filter
def months(value: float | None) -> str:
    """A duration in months, one decimal; "not reached" for a median not reached yet."""
    if value is None:
        return _("not reached")
    return _("%(n)s months") % {"n": number_format(value, 1)}


@register.filter
def pvalue(value: float | None) -> str:
    if value is None:
        return "—"
    if value < 0.001:
        return "< 0.001"
    return number_format(value, 3)
