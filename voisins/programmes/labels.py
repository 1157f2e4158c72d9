"""The programme's vocabulary in the reader's language: languages, levels, time slots and
service categories are stored as codes and shown as words."""

from django.utils.translation import gettext_lazy as _

from voisins.programmes.categories import BUILTIN_BY_CODE
from voisins.programmes.constants import DAY_LABELS, PART_LABELS, LanguageLevel
from voisins.programmes.languages import language_name


def language_label(code: str) -> str:
    """"ar" → "Arabic", in the reader's language (``languages.language_name``)."""
    return language_name(code)


# A need's priority (1–3), in the words of the form where a coordinator picks it: the same
# label on the household's page, in the engine's reasons and in the form.
PRIORITY_LABELS = {1: _("1 – would be nice"), 2: _("2 – matters"), 3: _("3 – most important")}


def priority_label(priority: object) -> str:
    """3 → "3 – most important" (translated); anything else as it is."""
    try:
        return str(PRIORITY_LABELS[int(priority)])
    except (KeyError, TypeError, ValueError):
        return str(priority)


def level_label(level: str) -> str:
    return str(LanguageLevel(level).label) if level in LanguageLevel.values else level


def service_label(code: str, names: dict[str, str] | None = None) -> str:
    """A built-in category's translated name, else the programme's own name (from
    `names`, code → name), else the code."""
    builtin = BUILTIN_BY_CODE.get(code)
    if builtin:
        return str(builtin.label)
    return (names or {}).get(code) or code


def slot_label(slot: str) -> str:
    """"wed-pm" → "Wednesday afternoon" (translated)."""
    day, _sep, part = slot.partition("-")
    return f"{DAY_LABELS.get(day, day)} {PART_LABELS.get(part, part)}"
