"""A household that moves to another programme of a network it shares with its own (issue
20 §4): the consent asked for the move, and the move itself.

A transfer holds no personal detail of its own: who agreed, for whom and with which
interpreter is in the privacy app's consent records (blanked on erasure like any other);
the transfer links the household of the old programme to the one created in the new.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from voisins.households.models import FamilyHousehold, VolunteerHousehold, one_of
from voisins.networks.models import Network
from voisins.privacy.models import Consent
from voisins.programmes.models import Programme


class Transfer(models.Model):
    """One household's move from a programme to another of a common network."""

    class Status(models.TextChoices):
        CONSENTED = "consented", _("consent recorded, not moved yet")
        DONE = "done", _("moved")
        CANCELLED = "cancelled", _("cancelled")

    from_programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="+",
                                       verbose_name=_("from programme"))
    to_programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("to programme"))
    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="transfers",
                                verbose_name=_("network"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.CONSENTED)
    # The household in the old programme (kept, archived and without contact details,
    # once moved) and the one created in the new programme.
    family = models.ForeignKey(FamilyHousehold, on_delete=models.CASCADE, null=True,
                               blank=True, related_name="transfers_out")
    volunteer = models.ForeignKey(VolunteerHousehold, on_delete=models.CASCADE, null=True,
                                  blank=True, related_name="transfers_out")
    new_family = models.ForeignKey(FamilyHousehold, on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="transfers_in")
    new_volunteer = models.ForeignKey(VolunteerHousehold, on_delete=models.SET_NULL,
                                      null=True, blank=True, related_name="transfers_in")
    # The three purposes agreed to, each a consent record of the old programme.
    consent_transfer = models.ForeignKey(Consent, on_delete=models.SET_NULL, null=True,
                                         blank=True, related_name="+")
    consent_matching = models.ForeignKey(Consent, on_delete=models.SET_NULL, null=True,
                                         blank=True, related_name="+")
    consent_contact = models.ForeignKey(Consent, on_delete=models.SET_NULL, null=True,
                                        blank=True, related_name="+")
    consented_at = models.DateTimeField(_("consent recorded"), default=timezone.now)
    consent_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL,
                                            on_delete=models.SET_NULL, null=True,
                                            blank=True, related_name="+")
    done_at = models.DateTimeField(_("moved on"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                null=True, blank=True, related_name="+",
                                verbose_name=_("moved by"))
    # What was copied, by field name (never the values): the record of minimisation.
    copied = models.JSONField(_("copied"), default=list, blank=True)
    # Needs or offers the new programme has no category for (codes), left behind.
    left_behind = models.JSONField(default=list, blank=True)
    match_ended = models.BooleanField(default=False)

    class Meta:
        ordering = ["-consented_at", "-id"]
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        constraints = [
            one_of("family", "volunteer", name="transfer_of_one_household"),
            # A household moves once: a second transfer of the same record is refused.
            models.UniqueConstraint(fields=["family"], condition=Q(status="done"),
                                    name="transfer_family_once"),
            models.UniqueConstraint(fields=["volunteer"], condition=Q(status="done"),
                                    name="transfer_volunteer_once"),
            models.CheckConstraint(condition=~Q(from_programme=models.F("to_programme")),
                                   name="transfer_to_another_programme"),
            models.CheckConstraint(condition=Q(status__in=["consented", "done", "cancelled"]),
                                   name="transfer_status_valid"),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(done_at__isnull=False),
                name="transfer_done_has_date"),
        ]
        indexes = [models.Index(fields=["from_programme", "status"], name="transfer_from"),
                   models.Index(fields=["to_programme", "status"], name="transfer_to")]

    def __str__(self) -> str:
        return f"transfer #{self.pk}"

    @property
    def household(self) -> FamilyHousehold | VolunteerHousehold:
        return self.family or self.volunteer  # type: ignore[return-value]

    @property
    def new_household(self) -> FamilyHousehold | VolunteerHousehold | None:
        return self.new_family or self.new_volunteer
