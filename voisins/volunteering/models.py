"""What the Belgian law of 3 July 2005 on the rights of volunteers asks an organisation to
keep: the information note each volunteer receives before starting (versioned, in the
programme's languages), who acknowledged which version and how, and the insurance
policies that cover the volunteers (docs/volunteering.md)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from voisins.households.models import VolunteerHousehold
from voisins.programmes.models import Programme


class LegalStatus(models.TextChoices):
    """The three Belgian cases the law distinguishes (art. 3 and 4)."""

    ASBL = "asbl", _("non-profit association (ASBL/VZW)")
    DE_FACTO = "de_facto", _("de facto association")
    PUBLIC = "public", _("public body")


class ExpensesRegime(models.TextChoices):
    """How expenses are paid back (art. 10): never both regimes for one volunteer in a
    year."""

    NONE = "none", _("no reimbursement")
    FLAT = "flat", _("flat rate")
    REAL = "real", _("real cost")


class InformationNote(models.Model):
    """A published version of a programme's information note for volunteers.

    The text is written from the template of the legal status, in every language Voisins
    has pages in, when the version is published, and never changed afterwards: a new
    version supersedes it. The insurance is not part of the stored text: the note shows
    the policy in force when it is read."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE,
                                  related_name="information_notes")
    version = models.PositiveIntegerField(_("version"))
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    legal_status = models.CharField(_("legal status"), max_length=10,
                                    choices=LegalStatus.choices)
    organisation_name = models.CharField(_("name of the organisation"), max_length=200)
    enterprise_number = models.CharField(
        _("enterprise number"), max_length=20, blank=True,
        help_text=_("For an ASBL/VZW or a public body, e.g. 0123.456.789."))
    aim = models.TextField(_("aim of the organisation"), max_length=2000)
    responsible_persons = models.CharField(
        _("persons in charge"), max_length=300, blank=True,
        help_text=_("For a de facto association: who is responsible for it."))
    employs_staff = models.BooleanField(
        _("the association employs staff or belongs to a larger organisation"),
        default=False,
        help_text=_("For a de facto association: then the volunteers' liability is "
                    "limited as in an ASBL/VZW."))
    expenses_regime = models.CharField(_("expenses"), max_length=10,
                                       choices=ExpensesRegime.choices)
    discretion = models.BooleanField(
        _("professional secrecy applies"), default=True,
        help_text=_("Volunteers learn private matters of families: article 458 of the "
                    "Penal Code applies."))
    contact = models.CharField(_("whom to ask"), max_length=300, blank=True)
    texts = models.JSONField(_("texts"), default=dict,
                             help_text=_("The note in each language: {language: text}."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["programme", "-version"]
        verbose_name = _("information note")
        verbose_name_plural = _("information notes")
        constraints = [
            models.UniqueConstraint(fields=["programme", "version"],
                                    name="information_note_version_unique"),
            models.CheckConstraint(condition=models.Q(version__gte=1),
                                   name="information_note_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.programme} – {self.version}"


class Channel(models.TextChoices):
    LINK = "link", _("personal link")
    PORTAL = "portal", _("volunteer's page")
    PAPER = "paper", _("on paper, recorded by a coordinator")
    API = "api", _("web API")


class Acknowledgement(models.Model):
    """A household received, then acknowledged, one version of the note.

    Received when the note was first shown to it; acknowledged once, never changed
    afterwards (a new version of the note asks for a new acknowledgement)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE,
                                  related_name="note_acknowledgements")
    note = models.ForeignKey(InformationNote, on_delete=models.PROTECT,
                             related_name="acknowledgements", verbose_name=_("version"))
    volunteer = models.ForeignKey(VolunteerHousehold, on_delete=models.CASCADE,
                                  related_name="note_acknowledgements")
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    channel = models.CharField(_("how"), max_length=10, choices=Channel.choices, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("recorded by"))
    # The signed paper's scan, when the files app (voisins.files) stores one: its id.
    scan_id = models.PositiveBigIntegerField(_("scan"), null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("acknowledgement of the information note")
        verbose_name_plural = _("acknowledgements of the information note")
        constraints = [
            models.UniqueConstraint(fields=["note", "volunteer"],
                                    name="acknowledgement_once_per_version"),
            models.CheckConstraint(
                condition=models.Q(acknowledged_at__isnull=True)
                | models.Q(acknowledged_at__gte=models.F("received_at")),
                name="acknowledgement_after_receipt"),
        ]
        indexes = [models.Index(fields=["programme", "note"], name="ack_programme_note")]

    def __str__(self) -> str:
        return f"{self.note} – {self.volunteer_id}"


class Cover(models.TextChoices):
    CIVIL_LIABILITY = "civil_liability", _("civil liability")
    BODILY_ACCIDENTS = "bodily_accidents", _("bodily accidents")
    LEGAL_AID = "legal_aid", _("legal aid")
    OTHER = "other", _("other")


class InsurancePolicy(models.Model):
    """An insurance policy covering the programme's volunteers."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE,
                                  related_name="insurance_policies")
    insurer = models.CharField(_("insurer"), max_length=200)
    policy_number = models.CharField(_("policy number"), max_length=100)
    covers = models.JSONField(_("what it covers"), default=list)
    covers_other = models.CharField(_("other cover"), max_length=300, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid until"), null=True, blank=True,
                                help_text=_("Empty: until it is ended."))
    covers_all = models.BooleanField(
        _("covers every active volunteer household"), default=True)
    households = models.ManyToManyField(VolunteerHousehold, blank=True,
                                        related_name="insurance_policies",
                                        verbose_name=_("households covered"))
    reminder_sent_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["programme", "-valid_from", "-id"]
        verbose_name = _("insurance policy")
        verbose_name_plural = _("insurance policies")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="insurance_policy_ends_after_start"),
            models.UniqueConstraint(fields=["programme", "insurer", "policy_number",
                                            "valid_from"],
                                    name="insurance_policy_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.insurer} {self.policy_number}"

    def in_force_on(self, day) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def cover_labels(self) -> list[str]:
        labels = dict(Cover.choices)
        return [str(self.covers_other or labels[c]) if c == Cover.OTHER else str(labels[c])
                for c in self.covers if c in labels]
