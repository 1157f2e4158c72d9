from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    name = "voisins.security"
    verbose_name = _("Security")

    def ready(self) -> None:
        from .text import install_single_line_validators

        install_single_line_validators()
