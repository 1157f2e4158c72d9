from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FilesConfig(AppConfig):
    name = "voisins.files"
    verbose_name = _("Files")

    def ready(self) -> None:
        # A row deleted by a cascade (a programme, a case, a module) must not leave its
        # bytes behind on the storage.
        from . import receivers  # noqa: F401
