"""Networking and collective support: events with invitations, RSVP under capacity and a
waiting list, attendance; a secret calendar link per person; the resource library."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from voisins.households.models import one_of
from voisins.programmes.models import Programme


class EventKind(models.TextChoices):
    MEETUP = "meetup", _("meet-up of volunteers")
    INTERVISION = "intervision", _("intervision group")
    SHARED_MEAL = "shared-meal", _("shared meal with families")
    EVALUATION = "evaluation", _("evaluation meeting")
    OTHER = "other", _("other")


class Event(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place or video link"), max_length=300)
    capacity = models.PositiveIntegerField(
        _("places"), null=True, blank=True, validators=[MinValueValidator(1)],
        help_text=_("Leave empty when there is no limit. Beyond it, people join a waiting "
                    "list and move up when someone cancels."))
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")),
                                   name="event_ends_after_start"),
            models.CheckConstraint(condition=models.Q(capacity__isnull=True)
                                   | models.Q(capacity__gte=1), name="event_capacity_positive"),
            models.CheckConstraint(condition=models.Q(kind__in=EventKind.values),
                                   name="event_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The event must end after it starts.")})


class Rsvp(models.TextChoices):
    INVITED = "invited", _("invited")
    GOING = "going", _("coming")
    WAITING = "waiting", _("on the waiting list")
    DECLINED = "declined", _("not coming")


class Invitation(models.Model):
    """One person or household invited to an event: an account (staff, a volunteer
    household that has one), or a household without an account (a volunteer household
    or a family), which answers through its personal link."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             null=True, blank=True, related_name="event_invitations")
    volunteer = models.ForeignKey("households.VolunteerHousehold", on_delete=models.CASCADE,
                                  null=True, blank=True, related_name="event_invitations")
    family = models.ForeignKey("households.FamilyHousehold", on_delete=models.CASCADE,
                               null=True, blank=True, related_name="event_invitations")
    status = models.CharField(_("answer"), max_length=10, choices=Rsvp.choices,
                              default=Rsvp.INVITED)
    invited_at = models.DateTimeField(default=timezone.now)
    responded_at = models.DateTimeField(null=True, blank=True)
    attended = models.BooleanField(_("attended"), null=True, blank=True)

    class Meta:
        ordering = ["event", "responded_at", "id"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="invitation_once"),
            models.UniqueConstraint(fields=["event", "volunteer"],
                                    name="invitation_volunteer_once"),
            models.UniqueConstraint(fields=["event", "family"], name="invitation_family_once"),
            one_of("user", "volunteer", "family", name="invitation_one_invitee"),
            models.CheckConstraint(condition=models.Q(status__in=Rsvp.values),
                                   name="invitation_status_valid"),
        ]
        indexes = [models.Index(fields=["event", "status"], name="invitation_event_status")]

    def __str__(self) -> str:
        return f"{self.invitee} – {self.event} ({self.status})"

    @property
    def invitee(self) -> object:
        """The account or the household invited."""
        return self.user or self.volunteer or self.family

    @property
    def invitee_name(self) -> str:
        if self.user_id:
            return self.user.get_full_name() or self.user.email
        household = self.volunteer or self.family
        return household.contact_first_name if household else ""


def new_calendar_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarToken(models.Model):
    """The secret in a person's calendar link: whoever has the link sees that calendar,
    so it can be replaced at any time (the old link then stops working)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="calendar_token")
    token = models.CharField(max_length=64, unique=True, default=new_calendar_token)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"calendar of {self.user}"


class ResourceKind(models.TextChoices):
    GUIDE = "guide", _("guide")
    MATERIAL = "material", _("practical material")
    VIDEO = "video", _("video")


class TargetGroup(models.TextChoices):
    VOLUNTEERS = "volunteers", _("volunteers")
    FAMILIES = "families", _("families")
    CHILDREN = "children", _("children")
    COORDINATORS = "coordinators", _("coordinators")


class Indicator(models.TextChoices):
    """The seven IMMERSE outcome indicators tagged on the Voisins Solidaires sheet."""

    CULTURAL_IDENTITY = "cultural-identity", _(
        "cultural identity and intercultural skills")
    ACADEMIC_SKILLS = "academic-skills", _("academic skills")
    HOST_LANGUAGE = "host-language", _("host-country language")
    LIFE_SATISFACTION = "life-satisfaction", _("life satisfaction / happiness")
    BELONGING = "belonging", _("sense of belonging")
    FRIENDS_BRIDGES = "friends-bridges", _("friends and peers: bridges")
    FRIENDS_SUPPORT = "friends-support", _("friends and peers: support")


class Resource(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE,
                                  related_name="resources")
    kind = models.CharField(_("kind"), max_length=10, choices=ResourceKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    url = models.URLField(_("link"), blank=True)
    body = models.TextField(_("text"), blank=True)
    languages = models.JSONField(_("languages"), default=list)
    target_group = models.CharField(_("for"), max_length=15, choices=TargetGroup.choices)
    indicators = models.JSONField(_("IMMERSE outcomes served"), default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=ResourceKind.values),
                                   name="resource_kind_valid"),
            models.CheckConstraint(condition=models.Q(target_group__in=TargetGroup.values),
                                   name="resource_target_valid"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = {}
        if not isinstance(self.languages, list) or not self.languages or not all(
                isinstance(c, str) and 2 <= len(c) <= 3 and c.isalpha() for c in self.languages):
            errors["languages"] = _("Give at least one language.")
        if not isinstance(self.indicators, list) or not set(self.indicators) <= set(
                Indicator.values):
            errors["indicators"] = _("Unknown IMMERSE indicator.")
        if not self.url and not self.body:
            errors["url"] = _("Give a link or a text.")
        if errors:
            raise ValidationError(errors)

    @property
    def indicator_labels(self) -> list[str]:
        labels = dict(Indicator.choices)
        return [str(labels[c]) for c in self.indicators if c in labels]
