"""Every message to a household or a staff member is a record: who, through which channel,
why, in which language, and what became of it (queued, sent, delivered, failed, or on the
coordinators' list of people to call when the household has no digital channel).

This app sits on the domain floor just above households and programmes: it knows
households and channels, not proposals or events. Callers (matches, community,
evaluation) give it a purpose, a template and the words to fill it.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from voisins.households.models import Channel, FamilyHousehold, VolunteerHousehold, one_of
from voisins.programmes.models import Programme

from .placeholders import PlaceholderError, placeholders_in


class Purpose(models.TextChoices):
    PROPOSAL = "proposal", _("proposal")
    MATCH = "match", _("match")
    INTRODUCTION = "introduction", _("first meeting")
    CHECKIN = "checkin", _("check-in")
    PROGRAMME = "programme", _("programme news")
    EVENT = "event", _("event")
    MEETING = "meeting", _("yearly meeting")
    NEWS = "news", _("news")
    OTHER = "other", _("other")


class Message(models.Model):
    """One message to one recipient through one channel."""

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENT = "sent", _("sent")
        DELIVERED = "delivered", _("delivered")
        FAILED = "failed", _("failed")
        TO_CALL = "to_call", _("to call")
        # A coordinator phoned (or met) the household and told it: who and when are
        # recorded (``called_by``, ``called_at``).
        CALLED = "called", _("delivered by phone")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, null=True, blank=True,
                                  related_name="messages")
    family = models.ForeignKey(FamilyHousehold, on_delete=models.CASCADE, null=True,
                               blank=True, related_name="messages")
    volunteer = models.ForeignKey(VolunteerHousehold, on_delete=models.CASCADE, null=True,
                                  blank=True, related_name="messages")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True,
                             blank=True, related_name="messages")
    channel = models.CharField(_("channel"), max_length=5, choices=Channel.choices)
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    # The English subject (a msgid, translated when the message is written out) and the
    # e-mail body's template; the SMS body's template is the same path under sms/.
    subject = models.CharField(max_length=200)
    template = models.CharField(max_length=200)
    # Messages written once for many recipients (a group message) share this id.
    group_id = models.UUIDField(null=True, blank=True, db_index=True)
    language = models.CharField(_("language"), max_length=8)
    to_address = models.CharField(max_length=254, blank=True)
    context = models.JSONField(default=dict, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices,
                             default=State.QUEUED)
    provider = models.CharField(max_length=20, blank=True)
    provider_id = models.CharField(max_length=100, blank=True)
    segments = models.PositiveSmallIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # The class of the last error and a short reason without any address or number.
    error_class = models.CharField(max_length=60, blank=True)
    error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    # The to-call list: who told the household by phone and when; calls that found nobody.
    called_at = models.DateTimeField(_("called"), null=True, blank=True)
    called_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                  null=True, blank=True, related_name="+")
    call_attempts = models.PositiveSmallIntegerField(_("calls without an answer"), default=0)
    last_call_at = models.DateTimeField(_("last call"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="message_due"),
            models.Index(fields=["provider", "provider_id"], name="message_provider_id"),
            models.Index(fields=["programme", "state"], name="message_programme_state"),
        ]
        constraints = [
            one_of("family", "volunteer", name="message_one_household", required=False),
            models.CheckConstraint(condition=models.Q(channel__in=Channel.values),
                                   name="message_channel_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.purpose} #{self.pk}"

    @property
    def household(self) -> FamilyHousehold | VolunteerHousehold | None:
        return self.family or self.volunteer


class GroupMessage(models.Model):
    """A message written once by a coordinator for a group of households: one text per
    language, with placeholders (``{first_name}``, ``{link}``, ``{programme}``) filled in
    for each household when its message is written out. Its messages share ``group_id``
    with this record's id."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE,
                                  related_name="group_messages")
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    # What the group was chosen by, in words (no names): "volunteer households, 1030".
    description = models.CharField(_("group"), max_length=300)
    filters = models.JSONField(default=dict, blank=True)
    # {language code: text}; a household whose language has no text gets the programme's.
    texts = models.JSONField(_("texts"), default=dict)
    fallback_language = models.CharField(max_length=8)
    recipients = models.PositiveIntegerField(default=0)
    opted_out = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("group message")
        verbose_name_plural = _("group messages")

    def __str__(self) -> str:
        return f"{self.description} ({self.created_at:%Y-%m-%d})"

    def text_for(self, language: str) -> tuple[str, str]:
        """The text to send in ``language`` and the language it is written in."""
        if (self.texts.get(language) or "").strip():
            return self.texts[language], language
        return self.texts.get(self.fallback_language, ""), self.fallback_language


class MessageTemplate(models.Model):
    """A text a programme keeps to write its group messages from: one text per language,
    with the placeholders of group messages (``{first_name}``, ``{link}``,
    ``{programme}``). A network can share one (voisins.sharing): the programme's copy is
    a row here like any other, which it adapts at will."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE,
                                  related_name="message_templates")
    name = models.CharField(_("name"), max_length=120)
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices,
                               default=Purpose.NEWS)
    # {language code: text}
    texts = models.JSONField(_("texts"), default=dict)
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)

    class Meta:
        ordering = ["programme", "name"]
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"],
                                    name="message_template_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        texts = self.texts
        if not isinstance(texts, dict) or not any(
                isinstance(t, str) and t.strip() for t in texts.values()):
            raise ValidationError({"texts": _("Write the text in at least one language.")})
        for code, text in texts.items():
            if not isinstance(code, str) or not isinstance(text, str):
                raise ValidationError({"texts": _("Write the text in at least one "
                                                  "language.")})
            try:
                placeholders_in(text)
            except PlaceholderError as error:
                raise ValidationError({f"text_{code}": _(
                    "Unknown placeholder: %(names)s. Use {first_name}, {link} or "
                    "{programme}.") % {"names": ", ".join(error.names) or "{"}}) from None
