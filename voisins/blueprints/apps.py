from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BlueprintsConfig(AppConfig):
    name = "voisins.blueprints"
    verbose_name = _("Blueprints")
