from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FamilyPagesConfig(AppConfig):
    name = "voisins.familypages"
    verbose_name = _("Family pages")

    def ready(self) -> None:
        # Group messages ask for a household's link when the worker writes each one out
        # (messaging sits on a lower floor and never imports this app).
        from voisins.messaging.hooks import register_link_maker

        from .services import household_page_url

        register_link_maker(lambda household: household_page_url(household=household))
