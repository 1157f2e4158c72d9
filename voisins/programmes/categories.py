"""The service categories every programme starts with.

The first six come from the Voisins Solidaires practice sheet ("huiswerkbegeleiding,
vervoer, het ontdekken van de wijk of de stad, het lezen van post, Frans spreken, een
maaltijd delen"); the others are what such programmes add in practice. The codes are
what the matching engine sees; the labels are translated.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class BuiltinCategory:
    code: str
    label: Promise | str
    icon: str


BUILTIN_CATEGORIES: tuple[BuiltinCategory, ...] = (
    BuiltinCategory("homework", _("Homework help"), "book"),
    BuiltinCategory("transport", _("Transport"), "car"),
    BuiltinCategory("discover-area", _("Discovering the neighbourhood and the city"), "map"),
    BuiltinCategory("paperwork", _("Reading mail and paperwork"), "letter"),
    BuiltinCategory("french-conversation", _("French conversation"), "speech"),
    BuiltinCategory("shared-meal", _("Sharing a meal"), "meal"),
    BuiltinCategory("outings-children", _("Leisure outings with children"), "ball"),
    BuiltinCategory("digital-help", _("Digital help"), "phone"),
    BuiltinCategory("together", _("Anything we decide together"), "hands"),
)
BUILTIN_BY_CODE = {c.code: c for c in BUILTIN_CATEGORIES}
