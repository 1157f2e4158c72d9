from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from voisins.programmes.models import Programme


class ErasureReason(models.TextChoices):
    REQUEST = "request", _("at the person's request")
    RETENTION = "retention", _("retention period over")
    # The household moved to another programme of a network (voisins.transfers): the old
    # programme keeps its row for the figures, not its contact details.
    TRANSFER = "transfer", _("moved to another programme")


class Erasure(models.Model):
    """That a household was anonymised, when, why and by whom — nothing about the person.

    It is the proof that an erasure happened, and it keeps a household from being
    anonymised twice.
    """

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="erasures")
    kind = models.CharField(_("kind"), max_length=10,
                            choices=[("family", _("family")), ("volunteer", _("volunteer"))])
    household_id = models.BigIntegerField(_("household number"))
    reason = models.CharField(_("reason"), max_length=10, choices=ErasureReason.choices)
    erased_at = models.DateTimeField(_("erased"), default=timezone.now)
    erased_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                  null=True, blank=True, verbose_name=_("erased by"))

    class Meta:
        ordering = ["-erased_at"]
        verbose_name = _("erasure")
        verbose_name_plural = _("erasures")
        constraints = [
            models.UniqueConstraint(fields=["kind", "household_id"], name="erasure_once"),
            models.CheckConstraint(condition=models.Q(kind__in=["family", "volunteer"]),
                                   name="erasure_kind_valid"),
            models.CheckConstraint(condition=models.Q(reason__in=ErasureReason.values),
                                   name="erasure_reason_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.household_id} ({self.erased_at:%Y-%m-%d})"
