from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "voisins.api"
    label = "voisins_api"
    verbose_name = _("Web API")
