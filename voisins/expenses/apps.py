from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExpensesConfig(AppConfig):
    name = "voisins.expenses"
    verbose_name = _("Volunteers' expenses")
