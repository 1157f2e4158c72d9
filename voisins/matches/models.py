"""The life of a match: proposal, consent on both sides, introduction, check-ins, pause, end.

A *proposal* pairs one waiting family with one volunteer household. Once both sides said
yes it becomes a *match*, which is introduced (a first meeting), then active, possibly
paused, and finally ended with a reason. Check-ins follow the programme's schedule after
the introduction.
"""

from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from voisins.households.models import FamilyHousehold, Side, VolunteerHousehold
from voisins.programmes.models import Programme


# What a mediation case is about: named here, since the households' help form on this app's
# pages offers these kinds; voisins.mediation.models (which sits above) takes it from here.
class CaseKind(models.TextChoices):
    MISUNDERSTANDING = "misunderstanding", _("misunderstanding")
    EXPECTATIONS = "expectations", _("expectations")
    AVAILABILITY = "availability", _("availability")
    PRACTICAL = "practical", _("practical problem")
    CONFLICT = "conflict", _("conflict")
    SAFEGUARDING = "safeguarding", _("safeguarding: a concern about a child")
    OTHER = "other", _("other")


class MatchingRun(models.Model):
    """One batch matching of a programme's waiting list, run as a background task."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE,
                                  related_name="matching_runs")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    dry_run = models.BooleanField(default=False)
    families_waiting = models.PositiveIntegerField(default=0)
    volunteers_available = models.PositiveIntegerField(default=0)
    families_proposed = models.PositiveIntegerField(default=0)
    median_distance_km = models.FloatField(null=True, blank=True)
    # A dry run keeps its result here instead of as proposals.
    result = models.JSONField(default=list, blank=True)
    # Every waiting family the run did not propose, with why and the smallest changes
    # (matches.waiting.as_json).
    not_proposed = models.JSONField(default=list, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")

    def __str__(self) -> str:
        return f"{self.programme} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def share_proposed(self) -> float | None:
        if not self.families_waiting:
            return None
        return self.families_proposed / self.families_waiting


class Proposal(models.Model):
    """A family and a volunteer household suggested to each other."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("to review")
        SENT = "sent", _("sent, waiting for answers")
        ACCEPTED = "accepted", _("accepted by both")
        DECLINED = "declined", _("declined")
        DISCARDED = "discarded", _("discarded")
        EXPIRED = "expired", _("expired")

    class Answer(models.TextChoices):
        PENDING = "", _("no answer yet")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")

    class DeclineReason(models.TextChoices):
        NO_TIME = "no-time", _("not enough time now")
        TOO_FAR = "too-far", _("too far away")
        NEEDS = "needs", _("we cannot help with these needs")
        LANGUAGE = "language", _("language")
        PERSONAL = "personal", _("personal reasons")
        OTHER = "other", _("other")

    OPEN = (Status.DRAFT, Status.SENT)

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="proposals")
    family = models.ForeignKey(FamilyHousehold, on_delete=models.CASCADE,
                               related_name="proposals")
    volunteer = models.ForeignKey(VolunteerHousehold, on_delete=models.CASCADE,
                                  related_name="proposals")
    run = models.ForeignKey(MatchingRun, on_delete=models.SET_NULL, null=True, blank=True,
                            related_name="proposals")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.DRAFT)
    score = models.FloatField(_("score"), default=0)
    distance_km = models.FloatField(_("distance (km)"), default=0)
    # The engine's reasons as [{"code": ..., "params": {...}, "text": ...}], translated
    # at display time from code and params.
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    note = models.CharField(_("note for the households"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("answer before"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    volunteer_answer = models.CharField(max_length=10, choices=Answer.choices, blank=True)
    volunteer_reason = models.CharField(max_length=10, choices=DeclineReason.choices,
                                        blank=True)
    volunteer_comment = models.CharField(max_length=300, blank=True)
    volunteer_answered_at = models.DateTimeField(null=True, blank=True)
    # Set when a coordinator recorded the volunteer household's answer on its behalf.
    volunteer_answered_by = models.ForeignKey(settings.AUTH_USER_MODEL,
                                              on_delete=models.SET_NULL, null=True,
                                              blank=True, related_name="+")
    family_answer = models.CharField(max_length=10, choices=Answer.choices, blank=True)
    family_reason = models.CharField(max_length=10, choices=DeclineReason.choices, blank=True)
    family_comment = models.CharField(max_length=300, blank=True)
    family_answered_at = models.DateTimeField(null=True, blank=True)
    # Set when a coordinator recorded the family's answer on its behalf.
    family_answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                           null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        indexes = [
            models.Index(fields=["programme", "status"], name="proposal_prog_status"),
            # The list of one status, newest first; drafts best first; sent, oldest first.
            models.Index(fields=["programme", "status", "created_at", "id"],
                         name="proposal_prog_status_created"),
            models.Index(fields=["programme", "status", "score"],
                         name="proposal_prog_status_score"),
            models.Index(fields=["programme", "status", "sent_at"],
                         name="proposal_prog_status_sent"),
        ]
        constraints = [
            # A family is offered one household at a time.
            models.UniqueConstraint(fields=["family"], condition=Q(status__in=["draft", "sent"]),
                                    name="proposal_one_open_per_family"),
            models.CheckConstraint(condition=Q(distance_km__gte=0),
                                   name="proposal_distance_nonneg"),
            models.CheckConstraint(
                condition=~Q(status="accepted")
                | Q(volunteer_answer="accepted", family_answer="accepted"),
                name="proposal_accepted_by_both",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.family} ↔ {self.volunteer}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()


class Match(models.Model):
    """A family and a volunteer household that both said yes."""

    class Status(models.TextChoices):
        INTRODUCTION = "introduction", _("waiting for the introduction")
        ACTIVE = "active", pgettext_lazy("a match", "active")
        PAUSED = "paused", _("paused")
        ENDED = "ended", _("ended")

    class EndReason(models.TextChoices):
        GOAL_REACHED = "goal-reached", _("goal reached")
        MOVED_AWAY = "moved-away", _("moved away")
        NO_TIME = "no-time", _("no time any more")
        NOT_NEEDED = "not-needed", _("no longer needed")
        CONFLICT = "conflict", _("conflict")
        # The household moved to another programme of the network (voisins.transfers).
        MOVED = "moved", _("moved to another programme of the network")
        PROGRAMME_PAUSED = "programme-paused", _("programme paused (for example a lockdown)")
        OTHER = "other", _("other")

    LIVE = (Status.INTRODUCTION, Status.ACTIVE, Status.PAUSED)
    # Why a match needs attention (``services.match_check_attention`` stores the codes).
    ATTENTION_LABELS = {"low-rating": _("a low rating"), "worry": _("a worry written down"),
                        "missed": _("check-ins missed")}

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="matches")
    proposal = models.OneToOneField(Proposal, on_delete=models.PROTECT, related_name="match")
    family = models.ForeignKey(FamilyHousehold, on_delete=models.PROTECT, related_name="matches")
    volunteer = models.ForeignKey(VolunteerHousehold, on_delete=models.PROTECT,
                                  related_name="matches")
    status = models.CharField(_("status"), max_length=15, choices=Status.choices,
                              default=Status.INTRODUCTION)
    # The day both sides had said yes: the match exists from then on.
    started_on = models.DateField(_("start"), default=timezone.localdate)
    introduced_on = models.DateField(_("introduced on"), null=True, blank=True)
    ended_on = models.DateField(_("end"), null=True, blank=True)
    end_reason = models.CharField(_("reason for ending"), max_length=20,
                                  choices=EndReason.choices, blank=True)
    end_note = models.CharField(_("note"), max_length=500, blank=True)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                 null=True, blank=True, related_name="+")
    paused_since = models.DateField(_("paused since"), null=True, blank=True)
    pause_reason = models.CharField(_("reason for the pause"), max_length=300, blank=True)
    # Status before the pause, to resume where the match was.
    status_before_pause = models.CharField(max_length=15, blank=True)
    programme_pause = models.ForeignKey("ProgrammePause", on_delete=models.SET_NULL, null=True,
                                        blank=True, related_name="matches")
    mediator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                 null=True, blank=True, related_name="mediated_matches",
                                 verbose_name=_("mediator"))
    # A coordinator looked at the warnings up to this moment; older ones no longer count.
    attention_cleared_at = models.DateTimeField(null=True, blank=True)
    # Kept up to date by the check-in rules; the dashboard lists matches that have it set.
    needs_attention = models.BooleanField(_("needs attention"), default=False)
    attention_reasons = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        indexes = [
            models.Index(fields=["programme", "status"], name="match_prog_status"),
            # Lists of live matches (several statuses), newest first.
            models.Index(fields=["programme", "started_on", "id"], name="match_prog_started"),
            # Matches needing attention, oldest first.
            models.Index(fields=["programme", "needs_attention", "started_on"],
                         name="match_prog_attention"),
            # Evaluation reads a programme's matches by end date too (a period, a curve).
            models.Index(fields=["programme", "ended_on"], name="match_prog_ended"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["family"], condition=~Q(status="ended"),
                                    name="match_one_live_per_family"),
            models.CheckConstraint(
                condition=Q(status="ended", ended_on__isnull=False)
                | (~Q(status="ended") & Q(ended_on__isnull=True)),
                name="match_end_date_iff_ended",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="match_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.family} ↔ {self.volunteer}"

    @property
    def is_live(self) -> bool:
        return self.status in self.LIVE

    @property
    def contacts_visible(self) -> bool:
        """Contact details are shared while the match lives, never after it ended."""
        return self.is_live


class Introduction(models.Model):
    """The first meeting of the two households."""

    match = models.OneToOneField(Match, on_delete=models.CASCADE, related_name="introduction")
    planned_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=200)
    coordinator_attends = models.BooleanField(_("a coordinator attends"), default=False)
    interpreter_attends = models.BooleanField(_("an interpreter attends"), default=False)
    interpreter_language = models.CharField(_("interpreter's language"), max_length=3,
                                            blank=True)
    planned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    held_on = models.DateField(_("held on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("introduction")
        verbose_name_plural = _("introductions")

    def __str__(self) -> str:
        return f"{self.match} – {self.planned_at:%Y-%m-%d}"


class CheckIn(models.Model):
    """A short questionnaire for one side of a match, due some days after the introduction."""

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", _("every week or more")
        FORTNIGHTLY = "fortnightly", _("every two weeks")
        MONTHLY = "monthly", _("about once a month")
        RARELY = "rarely", _("less often")
        NOT_YET = "not-yet", _("we have not met yet")

    Side = Side  # named on the model for voisins.access.own_checkin_or_404

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="checkins")
    side = models.CharField(max_length=10, choices=Side.choices)
    day_offset = models.PositiveSmallIntegerField()
    due_on = models.DateField(_("due on"))
    notified_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    rating = models.PositiveSmallIntegerField(
        _("how is it going"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    frequency = models.CharField(_("how often you meet"), max_length=12,
                                 choices=Frequency.choices, blank=True)
    activities = models.CharField(_("what you did"), max_length=500, blank=True)
    worry = models.CharField(_("anything worrying"), max_length=1000, blank=True)

    class Meta:
        ordering = ["due_on", "side", "id"]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        indexes = [
            # Check-ins waiting for an answer, by due date: overdue lists and the daily round.
            models.Index(fields=["due_on", "id"], condition=Q(answered_at__isnull=True),
                         name="checkin_open_due"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["match", "side", "day_offset"],
                                    name="checkin_once_per_step"),
            models.CheckConstraint(condition=Q(rating__isnull=True) | Q(rating__range=(1, 5)),
                                   name="checkin_rating_1_5"),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | Q(rating__isnull=False),
                name="checkin_answered_has_rating",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.match} – {self.side} – {self.due_on}"


class Activity(models.Model):
    """Something the two households did together, noted by one of them (never required)."""

    class Duration(models.TextChoices):
        SHORT = "short", _("less than an hour")
        HOURS = "hours", _("one to three hours")
        HALF_DAY = "half-day", _("half a day")
        DAY = "day", _("a whole day")

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="activities")
    side = models.CharField(max_length=10, choices=Side.choices)
    category = models.CharField(_("what"), max_length=40)
    done_on = models.DateField(_("date"))
    duration = models.CharField(_("how long"), max_length=10, choices=Duration.choices,
                                blank=True)
    text = models.CharField(_("in a few words"), max_length=200, blank=True)
    # Time given (issue 18): what funders ask for. Optional; 0 to 24 hours in a day.
    hours = models.DecimalField(_("hours given"), max_digits=4, decimal_places=2, null=True,
                                blank=True, validators=[MinValueValidator(Decimal(0)),
                                                        MaxValueValidator(Decimal(24))])
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-done_on", "-id"]
        constraints = [models.CheckConstraint(
            condition=models.Q(hours__isnull=True) | models.Q(hours__gte=0, hours__lte=24),
            name="activity_hours_in_a_day")]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        # The dashboard counts a period's activities by category.
        indexes = [models.Index(fields=["done_on"], name="activity_done_on")]

    def __str__(self) -> str:
        return f"{self.category} {self.done_on}"


class ProgrammePause(models.Model):
    """Every match of a programme paused at once (a lockdown), until resumed."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="pauses")
    message = models.TextField(_("message to the households"))
    started_at = models.DateTimeField(default=timezone.now)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                 null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("programme pause")
        verbose_name_plural = _("programme pauses")
        constraints = [
            models.UniqueConstraint(fields=["programme"], condition=Q(ended_at__isnull=True),
                                    name="programme_one_running_pause"),
        ]

    def __str__(self) -> str:
        return f"{self.programme} {self.started_at:%Y-%m-%d}"


class ContactReveal(models.Model):
    """An audit line: someone was shown a household's contact details because of a match."""

    class Viewer(models.TextChoices):
        FAMILY = "family", _("the family")
        VOLUNTEER = "volunteer", _("the volunteer household")
        STAFF = "staff", _("staff")

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="reveals")
    viewer = models.CharField(max_length=10, choices=Viewer.choices)
    viewer_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    shown = models.CharField(max_length=10, choices=Side.choices)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("contact details shown")
        verbose_name_plural = _("contact details shown")

    def __str__(self) -> str:
        return f"{self.viewer} → {self.shown} {self.at:%Y-%m-%d %H:%M}"


class Notification(models.Model):
    """An e-mail waiting to go, sent or retried by a task, rendered in the recipient's language.

    Kept so that a mail server that is down delays the message instead of losing it.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("given up")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, null=True, blank=True,
                                  related_name="notifications")
    kind = models.CharField(max_length=40)
    to_email = models.EmailField()
    language = models.CharField(max_length=8)
    context = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="notif_due")]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"


class UndoableAction(models.Model):
    """A risky action that may be undone for ``UNDO_DAYS`` days: a match ended, or every
    match of the programme paused at once.

    One row per action, rather than fields on the households' status history: the
    previous state of a match (or of a programme pause) is not a household's, there is no
    match history table to extend, and one row gives the undo its lock (taken on it), its
    window, its "already undone" mark and the line the match's history shows.
    """

    UNDO_DAYS = 7

    class Kind(models.TextChoices):
        MATCH_END = "match_end", _("match ended")
        PROGRAMME_PAUSE = "programme_pause", _("programme paused")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE,
                                  related_name="undoable_actions")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    match = models.ForeignKey(Match, on_delete=models.CASCADE, null=True, blank=True,
                              related_name="undoable_actions")
    # The pause itself is deleted when undone ("as if it never happened"); what it was
    # stays in ``before``.
    pause = models.ForeignKey(ProgrammePause, on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="undoable_actions")
    # What the undo restores: the match's fields and its households' statuses, or the
    # pause's matches, message and (once resumed) the check-ins it moved and by how much.
    before = models.JSONField(default=dict, blank=True)
    # The households the action messaged, [{"side": "family"|"volunteer", "id": n}]: only
    # they are told of the correction.
    told = models.JSONField(default=list, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                null=True, blank=True, related_name="+")
    done_at = models.DateTimeField(default=timezone.now)
    undone_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                  null=True, blank=True, related_name="+")
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-done_at", "-id"]
        verbose_name = _("action that may be undone")
        verbose_name_plural = _("actions that may be undone")
        indexes = [models.Index(fields=["programme", "kind", "done_at"],
                                name="undo_prog_kind_done")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="match_end", match__isnull=False) | Q(kind="programme_pause"),
                name="undo_match_end_has_match"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.done_at:%Y-%m-%d %H:%M}"

    @property
    def undo_until(self) -> datetime:
        return self.done_at + timedelta(days=self.UNDO_DAYS)

    @property
    def may_be_undone(self) -> bool:
        """Neither undone yet nor too old (what else might refuse it, the undo says)."""
        return self.undone_at is None and timezone.now() <= self.undo_until
