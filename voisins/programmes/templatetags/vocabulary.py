"""``{% load vocabulary %}``: codes of the programme's vocabulary as words."""

from django import template

from voisins.programmes import labels

register = template.Library()


@register.filter
def language_name(code: str) -> str:
    return labels.language_label(code)


@register.filter
def level_name(level: str) -> str:
    return labels.level_label(level)


@register.filter
def slot_name(slot: str) -> str:
    return labels.slot_label(slot)


@register.filter
def service_name(code: str, programme: object = None) -> str:
    """``{{ code|service_name:programme }}``; the programme names its own categories."""
    names = None
    if programme is not None:
        names = getattr(programme, "_category_names", None)
        if names is None:
            names = dict(programme.service_categories.exclude(name="")
                         .values_list("code", "name"))
            programme._category_names = names
    return labels.service_label(code, names)
