from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GdprConfig(AppConfig):
    name = "voisins.gdpr"
    verbose_name = _("Data protection duties")

    def ready(self) -> None:
        # Each app says in its own `privacy.py` what it adds to a person's export, how its
        # records are anonymised on erasure, and what counts as activity for the purge.
        import importlib
        import importlib.util

        from django.apps import apps

        for config in apps.get_app_configs():
            if config.name.startswith("voisins.") and importlib.util.find_spec(
                    f"{config.name}.privacy") is not None:
                importlib.import_module(f"{config.name}.privacy")
