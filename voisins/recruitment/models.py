"""The public face of a programme and how volunteers come in: public texts, news,
campaigns and their visits, sign-ups awaiting confirmation, screening, the charter."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from voisins.households.models import VolunteerHousehold
from voisins.programmes.constants import SLOTS
from voisins.programmes.languages import is_language_code
from voisins.programmes.models import Programme

PUBLIC_LANGUAGES = [(code, name) for code, name in settings.LANGUAGES
                    if code in settings.STAFF_LANGUAGES]


class Channel(models.TextChoices):
    PRESS_RELEASE = "press", _("press release")
    LOCAL_MEDIA = "local-media", _("local media")
    FACEBOOK = "facebook", _("Facebook")
    WORD_OF_MOUTH = "word-of-mouth", _("word of mouth")
    WEBSITE = "website", _("website")
    OTHER = "other", _("other")


def new_campaign_code() -> str:
    return secrets.token_urlsafe(8)


class PublicText(models.Model):
    """What the public page says, in one language: what the programme is, how to join,
    how to refer a family."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE,
                                  related_name="public_texts")
    language = models.CharField(_("language"), max_length=8, choices=PUBLIC_LANGUAGES)
    tagline = models.CharField(
        _("tagline"), max_length=200,
        help_text=_("One sentence; shown when the page is shared on social media."))
    about = models.TextField(_("what the programme is"))
    how_to_join = models.TextField(_("how to join"))
    how_to_refer = models.TextField(_("how to refer a family"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("public page text")
        verbose_name_plural = _("public page texts")
        constraints = [
            models.UniqueConstraint(fields=["programme", "language"],
                                    name="public_text_one_per_language"),
        ]

    def __str__(self) -> str:
        return f"{self.programme} ({self.language})"


class NewsPost(models.Model):
    """A news item written by a coordinator, shown on the public page and in the feed."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE,
                                  related_name="news_posts")
    language = models.CharField(_("language"), max_length=8, choices=PUBLIC_LANGUAGES)
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = models.TextField(_("text"))
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                               null=True, blank=True, verbose_name=_("author"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("news post")
        verbose_name_plural = _("news posts")
        indexes = [models.Index(fields=["programme", "language", "-published_at"],
                                name="news_programme_lang_date")]

    def __str__(self) -> str:
        return self.title


class Campaign(models.Model):
    """A recruitment campaign: a poster, a press release, a post on Facebook…

    Its tracked link counts visits and credits the sign-ups that follow."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="campaigns")
    name = models.CharField(_("name"), max_length=200)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    code = models.CharField(_("link code"), max_length=20, unique=True,
                            default=new_campaign_code, editable=False)
    active = models.BooleanField(_("active"), default=True)
    # Whom the campaign looks for, when it was made from a recruitment gap (all optional).
    target_postcode = models.CharField(_("target area (postcode)"), max_length=12, blank=True)
    target_language = models.CharField(_("target language"), max_length=12, blank=True,
                                       help_text=_("ISO 639 code, e.g. prs for Dari"))
    target_slot = models.CharField(_("target time slot"), max_length=8, blank=True,
                                   choices=[(s, s) for s in SLOTS])
    target_need = models.CharField(_("target service"), max_length=50, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.CheckConstraint(condition=models.Q(channel__in=Channel.values),
                                   name="campaign_channel_valid"),
            models.UniqueConstraint(fields=["programme", "name"], name="campaign_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.target_language and not is_language_code(self.target_language):
            raise ValidationError({"target_language": _("Give an ISO 639 language code.")})


class Visit(models.Model):
    """One visitor reaching the sign-up form (once per browser session and campaign).
    Nothing about the visitor is kept: no address, no cookie value, only the moment."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="visits")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="visits")
    visited_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["programme", "campaign"], name="visit_programme_campaign"),
                   # The funnel of a period (evaluation.selectors.recruitment_funnel).
                   models.Index(fields=["programme", "visited_at"], name="visit_programme_time")]

    def __str__(self) -> str:
        return f"visit {self.visited_at:%Y-%m-%d}"


class Signup(models.Model):
    """A sign-up form as sent, waiting until its e-mail address is confirmed.

    Only a confirmed sign-up becomes (or updates) a volunteer household, so that a typo
    in an address or a robot never creates one."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="signups")
    campaign = models.ForeignKey(Campaign, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="signups")
    email = models.EmailField(_("e-mail"))
    language = models.CharField(max_length=8, default="fr")
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    volunteer = models.ForeignKey(VolunteerHousehold, on_delete=models.SET_NULL, null=True,
                                  blank=True, related_name="signups")
    merged = models.BooleanField(
        default=False, help_text=_("Confirmed into a household that already existed."))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        indexes = [models.Index(fields=["programme", "email"], name="signup_programme_email")]

    def __str__(self) -> str:
        return f"{self.email} ({self.created_at:%Y-%m-%d})"


class VolunteerOrigin(models.Model):
    """Where a volunteer household came from: the campaign of its first confirmed sign-up."""

    volunteer = models.OneToOneField(VolunteerHousehold, on_delete=models.CASCADE,
                                     related_name="origin")
    campaign = models.ForeignKey(Campaign, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="origins")
    channel = models.CharField(max_length=20, blank=True)

    def __str__(self) -> str:
        return f"{self.volunteer} ← {self.channel or 'direct'}"


class Charter(models.Model):
    """A version of the volunteers' charter. Acceptance always refers to one version."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="charters")
    version = models.CharField(_("version"), max_length=20)
    text = models.TextField(_("text"))
    published_at = models.DateTimeField(_("published"), default=timezone.now)

    class Meta:
        ordering = ["programme", "-published_at", "-id"]
        verbose_name = _("charter")
        verbose_name_plural = _("charters")
        constraints = [
            models.UniqueConstraint(fields=["programme", "version"],
                                    name="charter_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.programme} – {self.version}"


class Decision(models.TextChoices):
    PENDING = "pending", _("pending")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")


class Screening(models.Model):
    """The screening of a volunteer household: interview, charter, decision.

    The notes are for coordinators only: never shown to the volunteer or other roles."""

    volunteer = models.OneToOneField(VolunteerHousehold, on_delete=models.CASCADE,
                                     related_name="screening")
    interview_at = models.DateTimeField(_("interview planned for"), null=True, blank=True)
    interview_place = models.CharField(_("interview place or link"), max_length=200,
                                       blank=True)
    interview_held_at = models.DateTimeField(_("interview held"), null=True, blank=True)
    notes = models.TextField(_("notes (coordinators only)"), blank=True)
    charter = models.ForeignKey(Charter, on_delete=models.PROTECT, null=True, blank=True,
                                verbose_name=_("charter version accepted"))
    charter_accepted_at = models.DateTimeField(_("charter accepted"), null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices,
                                default=Decision.PENDING)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("screening")
        verbose_name_plural = _("screenings")
        constraints = [
            models.CheckConstraint(condition=models.Q(decision__in=Decision.values),
                                   name="screening_decision_valid"),
            # Nobody is accepted without having held the interview and accepted the charter.
            models.CheckConstraint(
                condition=~models.Q(decision="accepted")
                | models.Q(charter__isnull=False, interview_held_at__isnull=False),
                name="screening_accepted_needs_interview_and_charter",
            ),
            models.CheckConstraint(
                condition=models.Q(charter__isnull=True, charter_accepted_at__isnull=True)
                | models.Q(charter__isnull=False, charter_accepted_at__isnull=False),
                name="screening_charter_with_date",
            ),
        ]

    def __str__(self) -> str:
        return f"screening of {self.volunteer}"

    def clean(self) -> None:
        if self.decision == Decision.ACCEPTED:
            errors = {}
            if self.interview_held_at is None:
                errors["interview_held_at"] = _("Hold the interview before accepting.")
            if self.charter_id is None:
                errors["charter"] = _("The charter must be accepted before accepting.")
            if errors:
                raise ValidationError(errors)

