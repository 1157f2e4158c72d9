from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransfersConfig(AppConfig):
    name = "voisins.transfers"
    verbose_name = _("Households that move to another programme")
