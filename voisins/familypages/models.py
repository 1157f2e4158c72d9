from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from voisins.households.models import FamilyHousehold, VolunteerHousehold


class HouseholdLink(models.Model):
    """A signed link that lets a household open its pages without an account.

    The URL carries `key` signed with the site's secret (a salt per kind of household), so a
    changed link is refused before the database is asked. The row makes the link expire
    and lets a coordinator revoke it (a lost phone, a link sent to the wrong address).
    Families and volunteer households each have their own table, one mechanism
    (`voisins.familypages.services`).
    """

    key = models.CharField(max_length=32, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    # The name of the foreign key to the household, in each concrete model.
    household_field = ""

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{getattr(self, self.household_field + '_id')}:{self.created_at:%Y-%m-%d}"

    @property
    def household(self) -> FamilyHousehold | VolunteerHousehold:
        return getattr(self, self.household_field)

    @property
    def active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class FamilyLink(HouseholdLink):
    family = models.ForeignKey(FamilyHousehold, on_delete=models.CASCADE, related_name="links",
                               verbose_name=_("family"))
    household_field = "family"

    class Meta(HouseholdLink.Meta):
        verbose_name = _("family link")
        verbose_name_plural = _("family links")
        constraints = [
            models.CheckConstraint(condition=models.Q(expires_at__gt=models.F("created_at")),
                                   name="family_link_expires_after_creation"),
        ]


class VolunteerLink(HouseholdLink):
    volunteer = models.ForeignKey(VolunteerHousehold, on_delete=models.CASCADE,
                                  related_name="links", verbose_name=_("volunteer household"))
    household_field = "volunteer"

    class Meta(HouseholdLink.Meta):
        verbose_name = _("volunteer household link")
        verbose_name_plural = _("volunteer household links")
        constraints = [
            models.CheckConstraint(condition=models.Q(expires_at__gt=models.F("created_at")),
                                   name="volunteer_link_expires_after_creation"),
        ]
