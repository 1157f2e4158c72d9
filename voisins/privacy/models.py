from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from voisins.households.models import FamilyHousehold, VolunteerHousehold, one_of
from voisins.programmes.models import Programme


class PrivacyNotice(models.Model):
    """A published version of a programme's privacy notice. Consent refers to one version."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="privacy_notices"
    )
    version = models.CharField(_("version"), max_length=20)
    text = models.TextField(_("text"))
    published_at = models.DateTimeField(_("published"), default=timezone.now)

    class Meta:
        ordering = ["programme", "-published_at"]
        verbose_name = _("privacy notice")
        verbose_name_plural = _("privacy notices")
        constraints = [
            models.UniqueConstraint(fields=["programme", "version"], name="notice_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.programme} – {self.version}"


class ConsentPurpose(models.TextChoices):
    MATCHING = "matching", _("being matched with a household nearby")
    SHARE_CONTACT = "share_contact", _("sharing contact details with the matched household")
    SURVEYS = "surveys", _("answering outcome surveys")
    PHOTOS = "photos", _("photos")
    # Asked only when a household moves to another programme of a network (voisins.transfers),
    # each for the programme named in the transfer record.
    TRANSFER = "transfer", _("transfer of its data to another programme of the network")
    TRANSFER_MATCHING = "transfer_matching", _("being matched by the programme it moves to")
    TRANSFER_CONTACT = "transfer_contact", _("being contacted by the programme it moves to")


# The purposes of a move, recorded on the transfer's own page, not on the everyday consent
# forms (without the programme they name, they would mean nothing).
TRANSFER_PURPOSES = frozenset({ConsentPurpose.TRANSFER, ConsentPurpose.TRANSFER_MATCHING,
                               ConsentPurpose.TRANSFER_CONTACT})
EVERYDAY_PURPOSES = [(code, label) for code, label in ConsentPurpose.choices
                     if code not in TRANSFER_PURPOSES]


class Consent(models.Model):
    """Who agreed to what, under which notice, when, and who spoke for a family."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="consents")
    family = models.ForeignKey(
        FamilyHousehold, on_delete=models.CASCADE, null=True, blank=True, related_name="consents"
    )
    volunteer = models.ForeignKey(
        VolunteerHousehold, on_delete=models.CASCADE, null=True, blank=True,
        related_name="consents",
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    notice = models.ForeignKey(
        PrivacyNotice, on_delete=models.PROTECT, null=True, blank=True,
        verbose_name=_("privacy notice version"),
    )
    given_at = models.DateTimeField(_("given"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    given_by_name = models.CharField(
        _("given by"), max_length=200, blank=True,
        help_text=_("The person who agreed, when not the contact person themself."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        verbose_name=_("recorded by"),
    )
    interpreter = models.CharField(
        _("interpreter"), max_length=200, blank=True,
        help_text=_("Name or service of the interpreter, if one was present."),
    )

    class Meta:
        ordering = ["-given_at"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            one_of("family", "volunteer", name="consent_of_one_household"),
            models.CheckConstraint(
                condition=models.Q(withdrawn_at__isnull=True)
                | models.Q(withdrawn_at__gte=models.F("given_at")),
                name="consent_withdrawn_after_given",
            ),
            models.CheckConstraint(
                condition=models.Q(purpose__in=ConsentPurpose.values), name="consent_purpose_valid"
            ),
        ]
        indexes = [models.Index(fields=["programme", "purpose"], name="consent_programme_purpose")]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} ({self.given_at:%Y-%m-%d})"

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None

    def clean(self) -> None:
        household = self.family or self.volunteer
        if household is not None and household.programme_id != self.programme_id:
            raise ValidationError(_("The household belongs to another programme."))
        if self.notice is not None and self.notice.programme_id != self.programme_id:
            raise ValidationError({"notice": _("This notice belongs to another programme.")})
