"""Evaluation: children's outcome surveys and the yearly evaluation meeting with volunteers.

Match persistence, the dashboard, the funders' reports and the practice sheet are computed
from the matches themselves (voisins.matches) and need no table of their own.
"""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from voisins.households.models import Member, VolunteerHousehold
from voisins.matches.models import Match
from voisins.programmes.models import Programme

from .questions import AgeBand, Indicator, Wave
from .themes import Theme


class SurveyResponse(models.Model):
    """One child's answers at one wave (start, 6 or 12 months) of a match.

    A wave is answered once per child: the first answers are kept, a second attempt is
    refused (unique constraint), so that a change can never be produced by re-answering.
    """

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE,
                                  related_name="survey_responses")
    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="survey_responses")
    # SET_NULL: when a family's data is erased, the anonymous answers still count.
    child = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="survey_responses")
    wave = models.CharField(_("wave"), max_length=8, choices=Wave.choices)
    age_band = models.CharField(_("age band"), max_length=8, choices=AgeBand.choices)
    language = models.CharField(_("language of the questionnaire"), max_length=8,
                                choices=settings.LANGUAGES)
    answered_at = models.DateTimeField(_("answered"), default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["answered_at", "id"]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        indexes = [models.Index(fields=["programme", "wave"], name="survey_prog_wave")]
        constraints = [
            models.UniqueConstraint(fields=["match", "child", "wave"],
                                    name="survey_once_per_child_wave"),
            models.CheckConstraint(condition=Q(wave__in=Wave.values), name="survey_wave_valid"),
            models.CheckConstraint(condition=Q(age_band__in=AgeBand.values),
                                   name="survey_age_band_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_wave_display()} – {self.get_age_band_display()}"


class SurveyAnswer(models.Model):
    """A face from 1 (very sad) to 5 (very happy) for one indicator; skipped items are absent."""

    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE,
                                 related_name="answers")
    indicator = models.CharField(_("indicator"), max_length=20, choices=Indicator.choices)
    value = models.PositiveSmallIntegerField(
        _("answer"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        constraints = [
            models.UniqueConstraint(fields=["response", "indicator"],
                                    name="survey_answer_once_per_indicator"),
            models.CheckConstraint(condition=Q(value__range=(1, 5)), name="survey_answer_1_5"),
            models.CheckConstraint(condition=Q(indicator__in=Indicator.values),
                                   name="survey_indicator_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value}"


class EvaluationMeeting(models.Model):
    """The yearly evaluation meeting with the volunteers (the practice sheet's evaluation)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE,
                                  related_name="evaluation_meetings")
    year = models.PositiveSmallIntegerField(
        _("year evaluated"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    planned_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=200)
    feedback_until = models.DateField(
        _("feedback form open until"), null=True, blank=True,
        help_text=_("Volunteers can fill the feedback form until this day (default: the "
                    "day before the meeting)."),
    )
    minutes = models.TextField(_("minutes"), blank=True)
    minutes_themes = models.JSONField(_("themes discussed"), default=list, blank=True)
    minutes_written_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-planned_at", "-id"]
        verbose_name = _("evaluation meeting")
        verbose_name_plural = _("evaluation meetings")
        constraints = [
            models.UniqueConstraint(fields=["programme", "year"],
                                    name="evaluation_meeting_once_a_year"),
        ]

    def __str__(self) -> str:
        return f"{self.programme} – {self.year}"

    @property
    def feedback_open(self) -> bool:
        last_day = self.feedback_until or timezone.localdate(self.planned_at)
        return timezone.localdate() <= last_day


def new_token() -> str:
    return secrets.token_urlsafe(24)


class MeetingInvitation(models.Model):
    """A volunteer household invited to the meeting; its personal link to the feedback form."""

    class Attendance(models.TextChoices):
        UNKNOWN = "", _("not recorded")
        PRESENT = "present", _("present")
        EXCUSED = "excused", _("excused")
        ABSENT = "absent", _("absent")

    meeting = models.ForeignKey(EvaluationMeeting, on_delete=models.CASCADE,
                                related_name="invitations")
    volunteer = models.ForeignKey(VolunteerHousehold, on_delete=models.CASCADE,
                                  related_name="meeting_invitations")
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    invited_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    attendance = models.CharField(_("attendance"), max_length=8, choices=Attendance.choices,
                                  blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("meeting invitation")
        verbose_name_plural = _("meeting invitations")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "volunteer"],
                                    name="meeting_invited_once"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} – #{self.volunteer_id}"


class MeetingFeedback(models.Model):
    """What a volunteer household wrote before the meeting: the structured feedback form."""

    invitation = models.OneToOneField(MeetingInvitation, on_delete=models.CASCADE,
                                      related_name="feedback")
    what_works = models.TextField(_("what works well"), max_length=3000, blank=True)
    what_is_hard = models.TextField(_("what is hard"), max_length=3000, blank=True)
    what_to_change = models.TextField(_("what the programme should change"), max_length=3000,
                                      blank=True)
    themes = models.JSONField(_("themes"), default=list, blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("meeting feedback")
        verbose_name_plural = _("meeting feedback")

    def __str__(self) -> str:
        return f"{self.invitation}"

    @property
    def theme_labels(self) -> list[str]:
        labels = dict(Theme.choices)
        return [str(labels[t]) for t in self.themes if t in labels]
