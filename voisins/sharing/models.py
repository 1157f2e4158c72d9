"""Shared materials of a network (issue 20 §3): a network publishes a training module, a
resource, the charter, the volunteers' information note, a message template or a service
category; each published version keeps its content as JSON (in every language the source
has); a programme of the network adopts one, which makes a copy in the programme's own
tables (through the owning app's services) and an `Adoption` that keeps the link to its
source. A new version is offered to the programmes that adopted the material: each one
accepts it or keeps its own.

A network never sees a programme's copy: the adoption is the programme's record.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from voisins.networks.models import Network
from voisins.programmes.models import Programme


class MaterialKind(models.TextChoices):
    TRAINING_MODULE = "training_module", _("training module")
    RESOURCE = "resource", _("resource")
    CHARTER = "charter", _("charter")
    INFORMATION_NOTE = "information_note", _("volunteers' information note")
    MESSAGE_TEMPLATE = "message_template", _("message template")
    SERVICE_CATEGORY = "service_category", _("service category")


class Material(models.Model):
    """Something the network shares with its programmes, in versions."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="materials",
                                verbose_name=_("network"))
    kind = models.CharField(_("kind"), max_length=20, choices=MaterialKind.choices)
    title = models.CharField(_("title"), max_length=200)
    # Where it was published from, when a network coordinator published a programme's own
    # item (a later version can be read from it again). Never shown to the network's
    # viewers beyond the programme's name.
    source_programme = models.ForeignKey(Programme, on_delete=models.SET_NULL, null=True,
                                         blank=True, related_name="+",
                                         verbose_name=_("published from"))
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(_("published"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["network", "kind", "title", "pk"]
        verbose_name = _("shared material")
        verbose_name_plural = _("shared materials")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=MaterialKind.values),
                                   name="material_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def latest(self) -> "MaterialVersion | None":
        return self.versions.order_by("-number").first()


class MaterialVersion(models.Model):
    """One published version of a material: its whole content, never changed afterwards."""

    material = models.ForeignKey(Material, on_delete=models.CASCADE, related_name="versions",
                                 verbose_name=_("material"))
    number = models.PositiveIntegerField(_("version"))
    content = models.JSONField(_("content"))
    what_changed = models.CharField(_("what changed"), max_length=300, blank=True)
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["material", "-number"]
        verbose_name = _("version of a shared material")
        verbose_name_plural = _("versions of shared materials")
        constraints = [
            models.UniqueConstraint(fields=["material", "number"],
                                    name="material_version_unique"),
            models.CheckConstraint(condition=Q(number__gte=1),
                                   name="material_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.material} – {self.number}"


class Adoption(models.Model):
    """A programme adopted a material: its copy (`copy_kind`, `copy_id`: a row of the
    owning app, the programme's own) and the version it holds. `kept_version` is the
    version the programme chose not to take (it keeps its own): that version is not
    offered again, the next one is."""

    material = models.ForeignKey(Material, on_delete=models.CASCADE, related_name="adoptions",
                                 verbose_name=_("material"))
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE,
                                  related_name="adoptions", verbose_name=_("programme"))
    version = models.ForeignKey(MaterialVersion, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("version adopted"))
    copy_kind = models.CharField(_("kind"), max_length=20, choices=MaterialKind.choices)
    copy_id = models.PositiveBigIntegerField(_("copy"))
    kept_version = models.ForeignKey(MaterialVersion, on_delete=models.SET_NULL, null=True,
                                     blank=True, related_name="+",
                                     verbose_name=_("version declined"))
    adopted_at = models.DateTimeField(_("adopted"), default=timezone.now)
    adopted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(_("last decision"), default=timezone.now)

    class Meta:
        ordering = ["programme", "material"]
        verbose_name = _("adoption of a shared material")
        verbose_name_plural = _("adoptions of shared materials")
        constraints = [
            models.UniqueConstraint(fields=["material", "programme"],
                                    name="adoption_once_per_programme"),
        ]

    def __str__(self) -> str:
        return f"{self.programme} – {self.material}"
