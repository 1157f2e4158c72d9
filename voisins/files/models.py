"""A stored file and what it belongs to.

The bytes live on the "private" storage (settings.STORAGES), under a name made of the
programme, the purpose and a random id: neither the person nor the original name shows in
the storage. Only the row knows the original (sanitised) name; the URL holds `uuid`.
"""

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from voisins.community.models import Resource
from voisins.households.models import VolunteerHousehold
from voisins.mediation.models import Case
from voisins.programmes.models import Programme
from voisins.recruitment.models import Screening
from voisins.training.models import TrainingModule


class Purpose(models.TextChoices):
    CASE = "case", _("case attachment")
    HANDOUT = "handout", _("training handout")
    RESOURCE = "resource", _("resource file")
    CHARTER = "charter", _("signed charter (scan)")
    NOTE = "note", _("signed information note (scan)")


# What each purpose belongs to: the one owner field that must be set.
OWNER_FIELD = {Purpose.CASE: "case", Purpose.HANDOUT: "module",
               Purpose.RESOURCE: "resource", Purpose.CHARTER: "screening",
               Purpose.NOTE: "owner_type"}
# Files that say something about a person are encrypted at rest.
ENCRYPTED_PURPOSES = frozenset({Purpose.CASE, Purpose.CHARTER, Purpose.NOTE})


class StoredFile(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="files")
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, null=True, blank=True,
                             related_name="attachments")
    module = models.ForeignKey(TrainingModule, on_delete=models.CASCADE, null=True,
                               blank=True, related_name="handouts")
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="files")
    screening = models.ForeignKey(Screening, on_delete=models.CASCADE, null=True,
                                  blank=True, related_name="scans")
    # The household a scan is about: erased with it, in its data export.
    volunteer = models.ForeignKey(VolunteerHousehold, on_delete=models.CASCADE, null=True,
                                  blank=True, related_name="files")
    # Any other owner (the volunteer's information note of voisins.volunteering).
    owner_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, null=True,
                                   blank=True, related_name="+")
    owner_id = models.PositiveBigIntegerField(null=True, blank=True)
    owner = GenericForeignKey("owner_type", "owner_id")
    name = models.CharField(_("name"), max_length=150)
    content_type = models.CharField(_("type"), max_length=120)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    encrypted = models.BooleanField(default=False)
    storage_name = models.CharField(max_length=255, unique=True, editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("file")
        verbose_name_plural = _("files")
        constraints = [
            models.CheckConstraint(condition=models.Q(purpose__in=Purpose.values),
                                   name="stored_file_purpose_valid"),
            models.CheckConstraint(
                condition=(models.Q(purpose=Purpose.CASE, case__isnull=False)
                           | models.Q(purpose=Purpose.HANDOUT, module__isnull=False)
                           | models.Q(purpose=Purpose.RESOURCE, resource__isnull=False)
                           | models.Q(purpose=Purpose.CHARTER, screening__isnull=False)
                           | models.Q(purpose=Purpose.NOTE, owner_type__isnull=False,
                                      owner_id__isnull=False)),
                name="stored_file_has_its_owner"),
            models.CheckConstraint(
                condition=models.Q(encrypted=True)
                | ~models.Q(purpose__in=sorted(ENCRYPTED_PURPOSES)),
                name="stored_file_personal_encrypted"),
        ]

    def __str__(self) -> str:
        return self.name
