"""Networks of programmes (issue 20): a network groups programmes that run the same
practice, on this instance or on another one. A network never reads a programme's
records: it reads only what each programme publishes to it (`Publication`, aggregate
figures in the documented schema of `voisins.networks.schema`).
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from encrypted_fields.fields import EncryptedTextField

from voisins.programmes.constants import NetworkRole
from voisins.programmes.models import Programme

__all__ = ["NetworkRole", "Network", "NetworkStaff", "NetworkMember", "PublishToken",
           "Publication", "ClosedPeriod", "NetworkLink"]


class Network(models.Model):
    """A group of programmes that share a practice, pooled figures and materials."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("network")
        verbose_name_plural = _("networks")

    def __str__(self) -> str:
        return self.name


class NetworkStaff(models.Model):
    """A person's role in a network. Network roles never reach a programme's records."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="staff",
                                verbose_name=_("network"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="network_roles", verbose_name=_("person"))
    role = models.CharField(_("role"), max_length=30, choices=NetworkRole.choices)
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("network role")
        verbose_name_plural = _("network roles")
        constraints = [
            models.UniqueConstraint(fields=["network", "user"], name="network_staff_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.network}"


class NetworkMember(models.Model):
    """A programme in a network: a programme of this instance (`programme`), or one that
    runs on another instance and publishes to this one over the API (`remote_name`, with
    its `PublishToken`s). A member that left keeps its row (and its past publications)
    with `left_at` set; it can join again later as a new row."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="members",
                                verbose_name=_("network"))
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, null=True, blank=True,
                                  related_name="network_memberships",
                                  verbose_name=_("programme"))
    remote_name = models.CharField(
        _("name of the programme on another instance"), max_length=200, blank=True)
    remote_town = models.CharField(_("town"), max_length=120, blank=True)
    # Whether the programme agreed to be named in the network's figures; otherwise it is
    # shown as "programme A", "programme B"… in the order it joined.
    named = models.BooleanField(_("may be named in the network's figures"), default=False)
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)
    joined_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                  null=True, blank=True, related_name="+",
                                  verbose_name=_("joined by"))
    left_at = models.DateTimeField(_("left"), null=True, blank=True)

    class Meta:
        ordering = ["joined_at", "pk"]
        verbose_name = _("programme in a network")
        verbose_name_plural = _("programmes in networks")
        constraints = [
            models.CheckConstraint(
                condition=(Q(programme__isnull=False, remote_name="")
                           | (Q(programme__isnull=True) & ~Q(remote_name=""))),
                name="network_member_local_or_remote"),
            models.UniqueConstraint(fields=["network", "programme"],
                                    condition=Q(left_at__isnull=True, programme__isnull=False),
                                    name="network_member_once_at_a_time"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_remote(self) -> bool:
        return self.programme_id is None

    @property
    def display_name(self) -> str:
        return self.programme.name if self.programme_id else self.remote_name


def new_publish_token() -> str:
    return secrets.token_urlsafe(32)


class PublishToken(models.Model):
    """A network token scoped to "publish aggregates" for one member on another instance.
    Only the digest is kept (`voisins.api.tokens` hashing); the token is shown once."""

    member = models.ForeignKey(NetworkMember, on_delete=models.CASCADE,
                               related_name="publish_tokens", verbose_name=_("member"))
    digest = models.CharField(max_length=128, unique=True, editable=False)
    prefix = models.CharField(_("first characters"), max_length=12, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("publication token")
        verbose_name_plural = _("publication tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… – {self.member}"


class Publication(models.Model):
    """The aggregate figures one member published for one period (schema in
    `voisins.networks.schema`; never a record of a household). A new publication for the
    same member and period replaces the old one, until the network closes the period."""

    member = models.ForeignKey(NetworkMember, on_delete=models.CASCADE,
                               related_name="publications", verbose_name=_("member"))
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    schema_version = models.PositiveSmallIntegerField(_("schema version"))
    payload = models.JSONField(_("aggregate figures"))
    received_at = models.DateTimeField(_("received"), auto_now=True)

    class Meta:
        ordering = ["member", "period_start"]
        verbose_name = _("publication of figures")
        verbose_name_plural = _("publications of figures")
        constraints = [
            models.UniqueConstraint(fields=["member", "period_start", "period_end"],
                                    name="publication_once_per_period"),
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")),
                                   name="publication_period_in_order"),
        ]

    def __str__(self) -> str:
        return f"{self.member} – {self.period_start:%Y-%m}"

    def clean(self) -> None:
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": _("The end comes before the start.")})


class ClosedPeriod(models.Model):
    """A period the network has closed (its report went to the funders): publications
    for it are refused from then on."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE,
                                related_name="closed_periods", verbose_name=_("network"))
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    closed_at = models.DateTimeField(_("closed"), auto_now_add=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                  null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("closed period")
        verbose_name_plural = _("closed periods")
        constraints = [
            models.UniqueConstraint(fields=["network", "period_start", "period_end"],
                                    name="closed_period_once"),
        ]

    def __str__(self) -> str:
        return f"{self.network} – {self.period_start} – {self.period_end}"


class PooledMonth(models.Model):
    """Everything the members of a network published for one calendar month, in one
    compact row (`selectors.compact`): the network's dashboard adds up a dozen of these
    instead of decoding a hundred publications per month. Refreshed when it no longer
    matches the month's publications (their count and latest reception), so it is never
    read stale; see docs/network-dashboard.md."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE,
                                related_name="pooled_months", verbose_name=_("network"))
    month = models.DateField(_("month"))
    publications = models.PositiveIntegerField(default=0)
    last_received = models.DateTimeField(null=True, blank=True)
    figures = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("pooled month")
        verbose_name_plural = _("pooled months")
        constraints = [
            models.UniqueConstraint(fields=["network", "month"], name="pooled_month_once"),
        ]

    def __str__(self) -> str:
        return f"{self.network} – {self.month:%Y-%m}"


class NetworkLink(models.Model):
    """A programme of this instance that publishes its aggregate figures to a network run
    on another instance: the network's address and the publication token its coordinator
    gave (kept encrypted, like mediation notes; never shown again, never logged). The
    worker posts the programme's months to it every night and notes how that went."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE,
                                  related_name="network_links", verbose_name=_("programme"))
    url = models.URLField(_("address of the network's Voisins"), max_length=300)
    network_name = models.CharField(_("network"), max_length=200, blank=True)
    token = EncryptedTextField(_("publication token"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last publication"), null=True, blank=True)
    last_count = models.PositiveIntegerField(_("months published"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)

    class Meta:
        ordering = ["programme", "network_name", "pk"]
        verbose_name = _("link to a network on another instance")
        verbose_name_plural = _("links to networks on other instances")
        constraints = [
            models.UniqueConstraint(fields=["programme", "url"], name="network_link_once"),
        ]

    def __str__(self) -> str:
        return self.network_name or self.url
