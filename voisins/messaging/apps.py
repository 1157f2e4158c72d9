from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "voisins.messaging"
    verbose_name = _("Messages")

    def ready(self) -> None:
        from . import privacy, receivers  # noqa: F401 - export, erase hook, anymail signal
