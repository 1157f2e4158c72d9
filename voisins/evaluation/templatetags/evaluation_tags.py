"""Filters that write the evaluation's figures, rounded by voisins.rounding (half
up, never truncated) and formatted for the current language."""

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from voisins import rounding

register = template.Library()


def _value(value):
    """None for no value: None itself, or the empty string a template gives for a missing
    attribute (a milestone of a curve that does not exist)."""
    return None if value is None or value == "" else value


@register.filter
def percent(value: float | None) -> str:
    """0.448 → "45 %" in the current language; "—" for no value."""
    points = rounding.percent_points(_value(value))
    if points is None:
        return "—"
    return f"{number_format(points, rounding.SHARE_DIGITS)} %"


@register.filter
def months(value: float | None) -> str:
    """A duration in months, one decimal (5.29 → "5.3 months"); "not reached" for a median
    not reached yet."""
    value = _value(value)
    if value is None:
        return _("not reached")
    return _("%(n)s months") % {
        "n": number_format(rounding.months(value), rounding.MONTHS_DIGITS)}


@register.filter
def pvalue(value: float | None) -> str:
    """The p-value as a whole expression: "p = 0.043", or "p < 0.001" (never "p = < …")."""
    value = _value(value)
    if value is None:
        return "—"
    if rounding.p_value_below_floor(value):
        return f"p < {number_format(rounding.P_VALUE_FLOOR, rounding.P_VALUE_DIGITS)}"
    return f"p = {number_format(rounding.p_value(value), rounding.P_VALUE_DIGITS)}"


@register.filter
def significant(value: float | None) -> bool:
    """Whether the p-value, as printed, is below 0.05."""
    value = _value(value)
    return value is not None and rounding.significant(value)


@register.filter
def statistic(value: float | None) -> str:
    value = _value(value)
    return "—" if value is None else number_format(rounding.statistic(value),
                                                   rounding.STATISTIC_DIGITS)


@register.filter
def mean(value: float | None) -> str:
    """A mean answer or a change of means, two decimals."""
    value = _value(value)
    return "—" if value is None else number_format(rounding.mean(value), rounding.MEAN_DIGITS)


@register.filter
def signed_mean(value: float | None) -> str:
    """A change of means with its sign: "+0.40", "-0.25", "0.00"."""
    value = _value(value)
    if value is None:
        return "—"
    rounded = rounding.mean(value)
    text = number_format(rounded, rounding.MEAN_DIGITS)
    return f"+{text}" if rounded > 0 else text


@register.filter
def days(value: float | None) -> str:
    """A number of days, whole; "—" for no value."""
    value = _value(value)
    return "—" if value is None else number_format(rounding.days(value), rounding.DAYS_DIGITS)


@register.filter
def hours(value: float | None) -> str:
    """Hours given, whole (voisins.rounding.hours); "—" for no value."""
    value = _value(value)
    return "—" if value is None else number_format(rounding.hours(value),
                                                   rounding.HOURS_DIGITS)


@register.filter
def count(value: int | None) -> str:
    """A count about people; None (a small count suppressed by the report) reads "< 5"."""
    if value is None:
        return f"< {rounding.MIN_COUNT}"
    return str(value)


@register.simple_tag
def lockdown_share(lockdown, follow_up) -> str:
    """The share of the matches live when a pause began that were still live then."""
    return percent(lockdown.share(follow_up))
