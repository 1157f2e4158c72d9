"""Remote mediation: cases opened by a household or staff, their notes, calls and callbacks.

What people confide to a mediator is encrypted at rest (django-fernet-encrypted-fields,
keyed by SECRET_KEY and SALT_KEY): a copy of the database alone does not reveal it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from encrypted_fields.fields import EncryptedTextField

from voisins.households.models import FamilyHousehold, VolunteerHousehold
from voisins.matches.models import CaseKind, Match
from voisins.programmes.models import Programme


class OpenedBy(models.TextChoices):
    FAMILY = "family", _("the family")
    VOLUNTEER = "volunteer", _("the volunteer household")
    STAFF = "staff", _("staff")


class Case(models.Model):
    """Something to listen to and sort out, usually about one match."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        RESOLVED = "resolved", _("resolved")

    Kind = CaseKind  # named on the model for voisins.access.cases_visible

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="cases")
    match = models.ForeignKey(Match, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="cases")
    family = models.ForeignKey(FamilyHousehold, on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="cases")
    volunteer = models.ForeignKey(VolunteerHousehold, on_delete=models.SET_NULL, null=True,
                                  blank=True, related_name="cases")
    kind = models.CharField(_("what it is about"), max_length=20, choices=CaseKind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.OPEN)
    opened_by = models.CharField(_("opened by"), max_length=10, choices=OpenedBy.choices)
    opened_by_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                       null=True, blank=True, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)
    summary = EncryptedTextField(_("what happened"))
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="assigned_cases",
                                    verbose_name=_("mediator"))
    # The encrypted field stores an empty value as NULL.
    resolution = EncryptedTextField(_("resolution"), blank=True, null=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("mediation case")
        verbose_name_plural = _("mediation cases")
        indexes = [
            models.Index(fields=["programme", "status"], name="case_prog_status"),
            models.Index(fields=["programme", "opened_at", "id"], name="case_prog_opened"),
            # Open cases, newest first.
            models.Index(fields=["programme", "status", "-opened_at"],
                         name="case_prog_status_opened"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=CaseKind.values), name="case_kind_valid"),
            models.CheckConstraint(
                condition=Q(status="open", resolved_at__isnull=True)
                | Q(status="resolved", resolved_at__isnull=False),
                name="case_resolved_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()}"

    @property
    def is_safeguarding(self) -> bool:
        return self.kind == CaseKind.SAFEGUARDING


class CaseNote(models.Model):
    """A note, an action taken, or a logged phone call on a case."""

    class Kind(models.TextChoices):
        NOTE = "note", _("note")
        ACTION = "action", _("action")
        CALL = "call", _("phone call")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.NOTE)
    text = EncryptedTextField(_("text"))
    call_minutes = models.PositiveSmallIntegerField(_("call length (minutes)"), null=True,
                                                    blank=True)
    call_language = models.CharField(_("language of the call"), max_length=3, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"


class Callback(models.Model):
    """A household asked to be called back: a task on the mediators' list."""

    class Status(models.TextChoices):
        OPEN = "open", _("to call")
        DONE = "done", _("called")
        CANCELLED = "cancelled", _("cancelled")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="callbacks")
    requested_by = models.CharField(max_length=10, choices=OpenedBy.choices)
    when = models.CharField(_("when to call"), max_length=200)
    language = models.CharField(_("language"), max_length=3)
    interpreter_needed = models.BooleanField(_("interpreter needed"), default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="+")

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("callback request")
        verbose_name_plural = _("callback requests")

    def __str__(self) -> str:
        return f"callback #{self.pk}"
