from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FamilyPagesConfig(AppConfig):
    name = "voisins.familypages"
    verbose_name = _("Family pages")
