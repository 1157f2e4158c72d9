from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchesConfig(AppConfig):
    name = "voisins.matches"
    verbose_name = _("Matches")

    def ready(self) -> None:
        # Registers match life's hold on messages (check-ins wait during a lockdown).
        # The e-mail queue for the apps below this one (voisins.programmes.mail.notify).
        from voisins.programmes.mail import register_notifier

        # Its tasks, for services to queue by path (voisins.background).
        from . import holds, tasks  # noqa: F401
        from .notifications import notify
        register_notifier(notify)
