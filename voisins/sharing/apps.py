from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SharingConfig(AppConfig):
    name = "voisins.sharing"
    verbose_name = _("Shared materials of networks")
