"""One-line text holds no control character.

A line break in a title or a name ends up in a mail header (every message then fails),
in a CSV row or in a log line. Every `CharField` of Voisins' models refuses them
(`install_single_line_validators`, at start-up): forms, the API and imports all save
through `full_clean()`; forms that are not model forms use `has_control` themselves.
"""

import unicodedata

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

CONTROL_MESSAGE = _("This field holds one line: remove the line breaks and other control "
                    "characters.")

MULTILINE_SUFFIXES = ("note", "comment", "error")
MULTILINE_NAMES = frozenset({"activities", "worry"})


def has_control(value: str) -> bool:
    """True when `value` holds a control character, line or paragraph separator."""
    return any(unicodedata.category(ch) in ("Cc", "Zl", "Zp") for ch in value)


def single_line(value: object) -> None:
    """Validator: refuse control characters (line breaks, tabs, NUL…) in one-line text."""
    if isinstance(value, str) and has_control(value):
        raise ValidationError(CONTROL_MESSAGE, code="control_characters")


def install_single_line_validators() -> None:
    """Give every plain `CharField` of Voisins' own models the `single_line` validator.

    Set on the field's validator list at start-up rather than declared on each field, so
    that no field is forgotten and no migration changes; fields with choices are already
    limited to their choices. Notes and comments may span lines (their forms use a text
    area), as may the technical error fields.
    """
    for model in apps.get_models():
        if not model.__module__.startswith("voisins."):
            continue
        for field in model._meta.concrete_fields:
            if (isinstance(field, models.CharField) and not field.choices
                    and not field.name.endswith(MULTILINE_SUFFIXES)
                    and field.name not in MULTILINE_NAMES
                    and single_line not in field.validators):
                # `validators` is a cached property: extend the cached list.
                field.__dict__["validators"] = [*field.validators, single_line]
