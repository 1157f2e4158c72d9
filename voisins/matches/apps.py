from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchesConfig(AppConfig):
    name = "voisins.matches"
    verbose_name = _("Matches")

    def ready(self) -> None:
        # Registers match life's hold on messages (check-ins wait during a lockdown).
        from . import holds  # noqa: F401
