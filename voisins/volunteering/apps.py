from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteeringConfig(AppConfig):
    name = "voisins.volunteering"
    verbose_name = _("Volunteers' information and insurance")
