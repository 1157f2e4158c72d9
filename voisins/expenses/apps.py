from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExpensesConfig(AppConfig):
    name = "voisins.expenses"
    verbose_name = _("Volunteers' expenses")

    def ready(self) -> None:
        # The data export and erasure reach expenses through gdpr's registries.
        from . import privacy  # noqa: F401
