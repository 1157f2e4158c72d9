from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from voisins.programmes.constants import SLOTS, LanguageLevel
from voisins.programmes.languages import is_language_code
from voisins.programmes.models import Organisation, Programme

from .status import FamilyStatus, VolunteerStatus


class Side(models.TextChoices):
    """Which of the two kinds of household: a record's side of a match, and a household's own
    (`household.side`)."""

    FAMILY = "family", _("family")
    VOLUNTEER = "volunteer", _("volunteer household")


def one_of(*fields: str, name: str, required: bool = True) -> models.CheckConstraint:
    """A record that belongs to one of `fields` (a family or a volunteer household, or an
    account): exactly one of them set, or, `required=False`, at most one."""
    if required:
        first, *others = [models.Q(**{f"{field}__isnull": field != chosen for field in fields})
                          for chosen in fields]
        for other in others:
            first |= other
        return models.CheckConstraint(condition=first, name=name)
    if len(fields) != 2:
        raise ValueError("at most one of more than two fields is not needed yet")
    first, second = fields
    return models.CheckConstraint(
        condition=~(models.Q(**{f"{first}__isnull": False})
                    & models.Q(**{f"{second}__isnull": False})), name=name)


class Gender(models.TextChoices):
    FEMALE = "f", _("woman")
    MALE = "m", _("man")
    OTHER = "x", _("other")
    UNSAID = "", _("not said")


class FamilyWish(models.TextChoices):
    WITH_CHILDREN = "with-children", _("a household with children")
    WOMAN_CONTACT = "woman-contact", _("a woman as contact")
    SAME_LANGUAGE = "same-language", _("someone who speaks our language")


class Channel(models.TextChoices):
    """How a household is reached: a digital channel, or a coordinator who calls or visits."""

    EMAIL = "email", _("e-mail")
    SMS = "sms", _("SMS")
    PHONE = "phone", _("by phone or in person")


class Household(models.Model):
    """What volunteer households and families share: a contact, a place, languages, time."""

    # "family" or "volunteer" (`Side`): which kind of household, set by each subclass.
    side: ClassVar[str]

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, verbose_name=_("programme"))
    reference = models.CharField(
        _("reference"), max_length=60, blank=True,
        help_text=_("The programme's own reference, used by imports."),
    )
    contact_first_name = models.CharField(_("first name of the contact"), max_length=100)
    contact_last_name = models.CharField(_("last name of the contact"), max_length=100, blank=True)
    contact_gender = models.CharField(
        _("gender of the contact"), max_length=1, choices=Gender.choices, blank=True
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True,
                             help_text=_("Kept in international form, such as +32470123456."))
    # A number that could not be read (from before numbers were checked) is kept here as
    # it was typed, never lost, until a coordinator corrects it.
    phone_unread = models.CharField(_("phone as given, to correct"), max_length=60, blank=True)
    preferred_channel = models.CharField(
        _("preferred channel"), max_length=5, choices=Channel.choices, blank=True,
        help_text=_("Empty: e-mail when it has an address, else SMS, else by phone."),
    )
    message_language = models.CharField(
        _("language of messages"), max_length=8, choices=settings.LANGUAGES, blank=True,
        help_text=_("Empty: the first language it speaks that Voisins writes in."),
    )
    news_opt_out = models.BooleanField(_("no news messages"), default=False)
    # Set when a provider reports that a message could not be delivered: the channel is
    # skipped until a coordinator checks the address or number.
    email_check = models.BooleanField(_("e-mail to check"), default=False)
    phone_check = models.BooleanField(_("phone number to check"), default=False)
    postcode = models.CharField(_("postcode"), max_length=12)
    locality = models.CharField(_("locality"), max_length=100, blank=True)
    lat = models.FloatField(
        _("latitude"), validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    lon = models.FloatField(
        _("longitude"), validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    pinned = models.BooleanField(
        _("pinned point"), default=False,
        help_text=_("The point was pinned by a coordinator (rounded to about 100 m)."),
    )
    languages = models.JSONField(_("languages"), default=list, blank=True)
    availability = models.JSONField(_("availability"), default=list, blank=True)
    radius_km = models.FloatField(
        _("radius (km)"), default=3.0, validators=[MinValueValidator(0.1), MaxValueValidator(50)]
    )
    archived = models.BooleanField(
        _("archived"), default=False,
        help_text=_("Known only from history (imported, or erased); never proposed for "
                    "matching."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.contact_first_name} {self.contact_last_name}".strip()

    @property
    def language_codes(self) -> set[str]:
        return {entry["code"] for entry in self.languages}

    def messages_language(self) -> str:
        """The language to write to this household in.

        Its own choice, else the account's, else the first language it speaks that Voisins
        writes in, else the programme's first such language, else the site's.
        """
        known = {code for code, _name in settings.LANGUAGES}
        user = getattr(self, "user", None) if getattr(self, "user_id", None) else None
        candidates = [self.message_language, getattr(user, "language", "")]
        candidates += [e.get("code", "") for e in self.languages if isinstance(e, dict)]
        candidates += list(self.programme.languages if self.programme_id else [])
        return next((c for c in candidates if c in known), settings.LANGUAGE_CODE)

    @property
    def mother_tongues(self) -> set[str]:
        return {e["code"] for e in self.languages if e.get("level") == LanguageLevel.NATIVE}

    def clean(self) -> None:
        errors: dict[str, str] = {}
        # Phones are kept in E.164 ("+32470112233"), so that search by any part of them
        # works and SMS providers take them as they are.
        from .phones import InvalidPhone, normalise_phone

        region = self.programme.country if self.programme_id else None
        try:
            self.phone = normalise_phone(self.phone, region)
        except InvalidPhone:
            errors["phone"] = _("“%(phone)s” is not a phone number; write it as 0470 12 34 56 "
                                "or +32 470 12 34 56.") % {"phone": self.phone[:30]}
        if not isinstance(self.languages, list) or not self.languages:
            errors["languages"] = _("Give at least one language.")
        else:
            for entry in self.languages:
                code = entry.get("code", "") if isinstance(entry, dict) else ""
                level = entry.get("level", "") if isinstance(entry, dict) else ""
                if not is_language_code(code):
                    errors["languages"] = _("“%(code)s” is not an ISO 639 language code.") % {
                        "code": code}
                    break
                if level not in LanguageLevel.values:
                    errors["languages"] = _("“%(level)s” is not a language level.") % {
                        "level": level}
                    break
        if not isinstance(self.availability, list) or not set(self.availability) <= set(SLOTS):
            bad = sorted(set(self.availability) - set(SLOTS)) if isinstance(
                self.availability, list) else [self.availability]
            errors["availability"] = _("Unknown availability slot: %(slots)s.") % {
                "slots": ", ".join(map(str, bad))}
        if errors:
            raise ValidationError(errors)


class FamilyHousehold(Household):
    """A refugee or migrant family living in the programme's area."""

    side: ClassVar[str] = Side.FAMILY

    status = models.CharField(
        _("status"), max_length=20, choices=FamilyStatus.choices, default=FamilyStatus.REFERRED
    )
    needs = models.JSONField(
        _("needs"), default=dict, blank=True,
        help_text=_("Service category code → priority (1 low, 3 high)."),
    )
    arrival_date = models.DateField(_("arrival in the country"), null=True, blank=True)
    waiting_since = models.DateTimeField(_("waiting since"), null=True, blank=True)
    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="referred_families", verbose_name=_("referrer"),
    )
    referrer_organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True,
        verbose_name=_("referring organisation"),
    )
    wishes = models.JSONField(_("wishes"), default=list, blank=True)
    wishes_note = models.TextField(_("other wishes"), blank=True)
    page_language = models.CharField(
        _("language of the family's pages"), max_length=8, default="fr",
        choices=settings.LANGUAGES,
    )

    class Meta:
        verbose_name = _("family")
        verbose_name_plural = _("families")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["programme", "status"], name="family_programme_status"),
            models.Index(fields=["programme", "postcode"], name="family_programme_postcode"),
            models.Index(fields=["programme", "contact_last_name"], name="family_programme_name"),
            models.Index(fields=["programme", "waiting_since"], name="family_programme_waiting"),
            # The lists' default order (newest first) and the API's updated_since.
            models.Index(fields=["programme", "created_at", "id"], name="family_programme_created"),
            models.Index(fields=["programme", "updated_at"], name="family_programme_updated"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "reference"], condition=~models.Q(reference=""),
                name="family_reference_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=FamilyStatus.values), name="family_status_valid"
            ),
            models.CheckConstraint(condition=models.Q(radius_km__gt=0), name="family_radius_gt0"),
        ]

    def clean(self) -> None:
        errors: dict[str, list] = {}
        try:
            super().clean()
        except ValidationError as exc:
            errors.update(exc.message_dict)
        needs = self.needs
        if not isinstance(needs, dict) or not all(
            isinstance(p, int) and 1 <= p <= 3 for p in needs.values()
        ):
            errors["needs"] = [_("Each need takes a priority of 1, 2 or 3.")]
        elif self.programme_id is not None:
            known = set(self.programme.service_categories.values_list("code", flat=True))
            unknown = sorted(set(needs) - known)
            if unknown:
                errors["needs"] = [_("Unknown service category: %(codes)s.") % {
                    "codes": ", ".join(unknown)}]
        if not isinstance(self.wishes, list) or not set(self.wishes) <= set(FamilyWish.values):
            errors["wishes"] = [_("Unknown wish.")]
        if errors:
            raise ValidationError(errors)

    def messages_language(self) -> str:
        """Its own choice for messages, else the language of its pages (chosen with the
        family at intake, so that a message and the page its link opens agree)."""
        known = {code for code, _name in settings.LANGUAGES}
        for code in (self.message_language, self.page_language):
            if code in known:
                return code
        return super().messages_language()

    def default_page_language(self) -> str:
        """The language of its pages when nobody chose one: the first language it speaks
        that Voisins writes in, else the programme's (the rule of its messages)."""
        return super().messages_language()

    @property
    def wish_labels(self) -> list[str]:
        return [str(FamilyWish(w).label) for w in self.wishes if w in FamilyWish.values]

    @property
    def waiting_days(self) -> int:
        if self.waiting_since is None:
            return 0
        return max(0, (timezone.now() - self.waiting_since).days)


class VolunteerHousehold(Household):
    """A local household that offers its time to a family nearby."""

    side: ClassVar[str] = Side.VOLUNTEER

    status = models.CharField(
        _("status"), max_length=20, choices=VolunteerStatus.choices,
        default=VolunteerStatus.APPLIED,
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="volunteer_household", verbose_name=_("account"),
    )
    offers = models.JSONField(_("offers"), default=list, blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("families at once"), default=1, validators=[MaxValueValidator(10)]
    )
    motivation = models.TextField(_("motivation"), blank=True)
    # Available for matching without the screening and required training it would
    # otherwise go through: a coordinator's exception, recorded with who, when and why.
    exception_reason = models.CharField(_("why an exception"), max_length=500, blank=True)
    exception_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("exception made by"))
    exception_at = models.DateTimeField(_("exception made on"), null=True, blank=True)

    class Meta:
        verbose_name = _("volunteer household")
        verbose_name_plural = _("volunteer households")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["programme", "status"], name="volunteer_programme_status"),
            models.Index(fields=["programme", "postcode"], name="volunteer_programme_postcode"),
            models.Index(
                fields=["programme", "contact_last_name"], name="volunteer_programme_name"
            ),
            models.Index(fields=["programme", "created_at", "id"],
                         name="volunteer_programme_created"),
            models.Index(fields=["programme", "updated_at"], name="volunteer_programme_updated"),
            models.Index(fields=["programme", "capacity"], name="volunteer_programme_capacity"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "reference"], condition=~models.Q(reference=""),
                name="volunteer_reference_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=VolunteerStatus.values),
                name="volunteer_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(radius_km__gt=0), name="volunteer_radius_gt0"
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__lte=10), name="volunteer_capacity_max"
            ),
        ]

    def clean(self) -> None:
        errors: dict[str, list] = {}
        try:
            super().clean()
        except ValidationError as exc:
            errors.update(exc.message_dict)
        if not isinstance(self.offers, list) or not self.offers:
            errors["offers"] = [_("Choose at least one thing to offer.")]
        elif self.programme_id is not None:
            known = set(self.programme.service_categories.values_list("code", flat=True))
            unknown = sorted(set(self.offers) - known)
            if unknown:
                errors["offers"] = [_("Unknown service category: %(codes)s.") % {
                    "codes": ", ".join(unknown)}]
        if errors:
            raise ValidationError(errors)


class MemberKind(models.TextChoices):
    ADULT = "adult", _("adult")
    CHILD = "child", _("child")


class SchoolLevel(models.TextChoices):
    NONE = "", _("not at school")
    NURSERY = "nursery", _("nursery school")
    PRIMARY = "primary", _("primary school")
    SECONDARY = "secondary", _("secondary school")
    OTHER = "other", _("other")


class Member(models.Model):
    """A person in a household. Children have a school level (used for homework help)."""

    family = models.ForeignKey(
        FamilyHousehold, on_delete=models.CASCADE, null=True, blank=True, related_name="members"
    )
    volunteer = models.ForeignKey(
        VolunteerHousehold, on_delete=models.CASCADE, null=True, blank=True,
        related_name="members",
    )
    kind = models.CharField(_("adult or child"), max_length=5, choices=MemberKind.choices)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    birth_year = models.PositiveSmallIntegerField(
        _("birth year"), validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    school_level = models.CharField(
        _("school level"), max_length=10, choices=SchoolLevel.choices, blank=True
    )

    class Meta:
        verbose_name = _("household member")
        verbose_name_plural = _("household members")
        ordering = ["birth_year", "id"]
        constraints = [
            one_of("family", "volunteer", name="member_in_one_household"),
        ]

    def __str__(self) -> str:
        return f"{self.first_name or self.get_kind_display()} ({self.birth_year})"

    def clean(self) -> None:
        this_year = timezone.now().year
        if self.birth_year and not (this_year - 110 <= self.birth_year <= this_year):
            raise ValidationError({"birth_year": _("Give a birth year between %(a)s and %(b)s.")
                                   % {"a": this_year - 110, "b": this_year}})
        if self.kind == MemberKind.ADULT and self.school_level:
            raise ValidationError({"school_level": _("Only children have a school level.")})

    @property
    def age(self) -> int:
        return timezone.now().year - self.birth_year


class StatusChange(models.Model):
    """One step of a household's history along its pipeline."""

    family = models.ForeignKey(
        FamilyHousehold, on_delete=models.CASCADE, null=True, blank=True,
        related_name="status_changes",
    )
    volunteer = models.ForeignKey(
        VolunteerHousehold, on_delete=models.CASCADE, null=True, blank=True,
        related_name="status_changes",
    )
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["changed_at", "id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        constraints = [
            one_of("family", "volunteer", name="status_change_in_one_household"),
        ]

    def __str__(self) -> str:
        return f"{self.from_status or '—'} → {self.to_status}"
