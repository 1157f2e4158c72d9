from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from voisins.households.models import FamilyHousehold


class FamilyLink(models.Model):
    """A signed link that lets a family open its pages without an account.

    The URL carries `key` signed with the site's secret, so a changed link is refused
    before the database is asked. The row makes the link expire and lets a coordinator
    revoke it (a lost phone, a link sent to the wrong number).
    """

    family = models.ForeignKey(FamilyHousehold, on_delete=models.CASCADE, related_name="links",
                               verbose_name=_("family"))
    key = models.CharField(max_length=32, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("family link")
        verbose_name_plural = _("family links")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(expires_at__gt=models.F("created_at")),
                                   name="family_link_expires_after_creation"),
        ]

    def __str__(self) -> str:
        return f"{self.family_id}:{self.created_at:%Y-%m-%d}"

    @property
    def active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
