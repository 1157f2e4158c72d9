"""Vocabularies shared by the whole programme: availability slots, languages, roles."""

from django.db import models
from django.utils.translation import gettext_lazy as _

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PARTS = ("am", "pm", "eve")
SLOTS: tuple[str, ...] = tuple(f"{d}-{p}" for d in DAYS for p in PARTS)
DAY_LABELS = {
    "mon": _("Monday"), "tue": _("Tuesday"), "wed": _("Wednesday"), "thu": _("Thursday"),
    "fri": _("Friday"), "sat": _("Saturday"), "sun": _("Sunday"),
}
PART_LABELS = {"am": _("morning"), "pm": _("afternoon"), "eve": _("evening")}

# ISO 639 codes of the languages a programme in Belgium meets most often. Any ISO 639-1
# or 639-3 code is accepted; these get a translated name.
LANGUAGE_NAMES = {
    "fr": _("French"), "nl": _("Dutch"), "en": _("English"), "de": _("German"),
    "ar": _("Arabic"), "prs": _("Dari"), "ps": _("Pashto"), "ti": _("Tigrinya"),
    "uk": _("Ukrainian"), "ru": _("Russian"), "so": _("Somali"), "ku": _("Kurdish"),
    "fa": _("Farsi"), "tr": _("Turkish"), "es": _("Spanish"), "it": _("Italian"),
    "pt": _("Portuguese"), "am": _("Amharic"), "ln": _("Lingala"), "sw": _("Swahili"),
    "ur": _("Urdu"), "bn": _("Bengali"), "hy": _("Armenian"), "ka": _("Georgian"),
    "sq": _("Albanian"), "pl": _("Polish"), "ro": _("Romanian"),
}


class LanguageLevel(models.TextChoices):
    NATIVE = "native", _("mother tongue")
    FLUENT = "fluent", _("fluent")
    BASIC = "basic", _("basic")


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    MEDIATOR = "mediator", _("Mediator")
    REFERRER = "referrer", _("Referrer")
    VIEWER = "viewer", _("Viewer (aggregate figures only)")


class NetworkRole(models.TextChoices):
    """Roles in a network of programmes (voisins.networks): they reach only what the
    programmes publish to the network, never a programme's records."""

    COORDINATOR = "network_coordinator", _("Network coordinator")
    VIEWER = "network_viewer", _("Network viewer (pooled figures only)")
