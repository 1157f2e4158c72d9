from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "voisins.evaluation"
    label = "evaluation"
    verbose_name = _("Evaluation and reports")

    def ready(self) -> None:
        from voisins.gdpr.services import register_erase_hook

        from .services import feedback_erase

        register_erase_hook(feedback_erase)
