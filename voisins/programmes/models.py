from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from voisins.phones import InvalidPhone, normalise_phone
from voisins.places import country_has_postcodes

from .categories import BUILTIN_BY_CODE
from .constants import Role
from .languages import is_language_code

DEFAULT_CHECKIN_SCHEDULE = [14, 30, 91, 182, 365]


def default_checkin_schedule() -> list[int]:
    return list(DEFAULT_CHECKIN_SCHEDULE)


def default_languages() -> list[str]:
    return ["fr", "nl", "en"]


class Organisation(models.Model):
    """An association that runs programmes (for example Convivial, La Ligue des Familles)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Programme(models.Model):
    """The tenant: one solidarity-neighbours programme. Programmes never see each other."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    organisations = models.ManyToManyField(
        Organisation, related_name="programmes", blank=True, verbose_name=_("organisations")
    )
    country = models.CharField(
        _("country"), max_length=2, default="BE", help_text=_("ISO 3166 code, e.g. BE.")
    )
    languages = models.JSONField(
        _("languages of the programme"), default=default_languages,
        help_text=_("ISO 639 codes of the languages the programme works in."),
    )
    default_radius_km = models.FloatField(
        _("default radius (km)"), default=3.0,
        validators=[MinValueValidator(0.1), MaxValueValidator(50)],
    )
    checkin_schedule_days = models.JSONField(
        _("check-in schedule (days after the introduction)"), default=default_checkin_schedule
    )
    retention_months = models.PositiveSmallIntegerField(
        _("retention period (months of inactivity)"), default=24,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    matching_weights = models.JSONField(
        _("matching weights"), default=dict, blank=True,
        help_text=_("Overrides of the matching engine's default weights."),
    )
    # How messages to households are signed (instead of a generic team name) and the
    # number they can call back.
    signature = models.CharField(
        _("signature of messages"), max_length=200, blank=True,
        help_text=_("The association's name as households know it; empty: the programme's "
                    "name."),
    )
    phone = models.CharField(_("phone number of the programme"), max_length=30, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(retention_months__gte=1), name="programme_retention_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(default_radius_km__gt=0), name="programme_radius_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def message_signature(self) -> str:
        return self.signature or self.name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        self.country = (self.country or "").upper()
        if not country_has_postcodes(self.country):
            errors["country"] = _("No postcode data for country “%(country)s”.") % {
                "country": self.country
            }
        if not isinstance(self.languages, list) or not all(
            is_language_code(code) for code in self.languages
        ):
            errors["languages"] = _("Give a list of ISO 639 language codes, such as fr, nl.")
        schedule = self.checkin_schedule_days
        if (
            not isinstance(schedule, list)
            or not schedule
            or not all(isinstance(d, int) and 0 < d <= 3650 for d in schedule)
            or sorted(set(schedule)) != schedule
        ):
            errors["checkin_schedule_days"] = _(
                "Give increasing numbers of days between 1 and 3650, such as 14, 30, 91."
            )
        try:
            self.phone = normalise_phone(self.phone, self.country or None)
        except InvalidPhone:
            errors["phone"] = _("“%(phone)s” is not a phone number; write it as 0470 12 34 56 "
                                "or +32 470 12 34 56.") % {"phone": self.phone[:30]}
        from .matching_weights import weights_error

        problem = weights_error(self.matching_weights)
        if problem:
            errors["matching_weights"] = problem
        if errors:
            raise ValidationError(errors)


class Membership(models.Model):
    """A staff member's role in one programme. Roles never carry over to other programmes."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True,
        verbose_name=_("organisation"),
        help_text=_("For a referrer: the partner (CPAS/OCMW, reception centre, school)."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("staff membership")
        verbose_name_plural = _("staff memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "programme"], name="one_role_per_programme"),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.programme}"


class ServiceCategory(models.Model):
    """Something a volunteer may offer and a family may need (homework help, transport…)."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="service_categories"
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(
        _("name"), max_length=100, blank=True,
        help_text=_("For the programme's own categories; built-in ones are translated."),
    )
    icon = models.CharField(_("pictogram"), max_length=20, default="hands")
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["programme", "position", "code"]
        verbose_name = _("service category")
        verbose_name_plural = _("service categories")
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="category_code_unique"),
        ]

    def __str__(self) -> str:
        return str(self.label)

    @property
    def builtin(self) -> bool:
        return self.code in BUILTIN_BY_CODE

    @property
    def label(self) -> str:
        builtin = BUILTIN_BY_CODE.get(self.code)
        return str(builtin.label) if builtin else (self.name or self.code)

    def clean(self) -> None:
        if not self.builtin and not self.name:
            raise ValidationError({"name": _("A programme's own category needs a name.")})
