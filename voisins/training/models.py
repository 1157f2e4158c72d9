"""Training: the modules a programme offers, their sessions, who registered and attended.

A programme marks some modules as required: a volunteer household is matchable only once
it attended a session of each of them (see selectors)."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from voisins.households.models import VolunteerHousehold
from voisins.programmes.models import Programme


class TrainingModule(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE,
                                  related_name="training_modules")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    required = models.BooleanField(
        _("required before matching"), default=False,
        help_text=_("Volunteers are proposed to families only after attending this module."))
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["programme", "position", "title"]
        verbose_name = _("training module")
        verbose_name_plural = _("training modules")
        constraints = [
            models.UniqueConstraint(fields=["programme", "title"],
                                    name="training_module_title_unique"),
        ]

    def __str__(self) -> str:
        return self.title


class TrainingSession(models.Model):
    module = models.ForeignKey(TrainingModule, on_delete=models.CASCADE,
                               related_name="sessions", verbose_name=_("module"))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    video_url = models.URLField(_("video link"), blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("places"), default=15, validators=[MinValueValidator(1), MaxValueValidator(500)])

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")),
                                   name="training_session_ends_after_start"),
            models.CheckConstraint(condition=models.Q(capacity__gte=1),
                                   name="training_session_capacity_positive"),
            models.CheckConstraint(condition=~models.Q(place="", video_url=""),
                                   name="training_session_place_or_link"),
        ]

    def __str__(self) -> str:
        return f"{self.module} – {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The session must end after it starts.")
        if not self.place and not self.video_url:
            errors["place"] = _("Give a place or a video link.")
        if errors:
            raise ValidationError(errors)


class Registration(models.Model):
    """A volunteer household registered for a session; `attended` is set afterwards."""

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE,
                                related_name="registrations")
    volunteer = models.ForeignKey(VolunteerHousehold, on_delete=models.CASCADE,
                                  related_name="training_registrations")
    registered_at = models.DateTimeField(default=timezone.now)
    attended = models.BooleanField(_("attended"), null=True, blank=True)

    class Meta:
        ordering = ["session__starts_at", "id"]
        verbose_name = _("training registration")
        verbose_name_plural = _("training registrations")
        constraints = [
            models.UniqueConstraint(fields=["session", "volunteer"],
                                    name="training_registration_once"),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} – {self.session}"
