from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediationConfig(AppConfig):
    name = "voisins.mediation"
    verbose_name = _("Mediation")

    def ready(self) -> None:
        # A household's request for help on the matches app's pages opens a case here.
        from voisins.matches.help import register_help_handler

        from .services import case_open
        register_help_handler(case_open)
