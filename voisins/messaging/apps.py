from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "voisins.messaging"
    verbose_name = _("Messages")

    def ready(self) -> None:
        # Export and erase hook, anymail signal, the tasks services queue by path.
        from . import privacy, receivers, tasks  # noqa: F401
