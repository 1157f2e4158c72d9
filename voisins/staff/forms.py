import re
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from voisins.households.importers import import_file_field
from voisins.households.models import Channel, FamilyWish, Gender, MemberKind, SchoolLevel
from voisins.households.status import FamilyStatus, VolunteerStatus
from voisins.phones import InvalidPhone, normalise_phone
from voisins.places import find_postcode
from voisins.privacy.models import EVERYDAY_PURPOSES
from voisins.programmes.constants import Role
from voisins.programmes.labels import PRIORITY_LABELS
from voisins.programmes.models import Programme
from voisins.recruitment.forms import (
    LanguageRowsMixin,
    category_choices,
    language_choices,
    slot_choices,
)
from voisins.widgets import DateInput


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What the file holds"),
        choices=[("families", _("Families")), ("volunteers", _("Volunteer households"))],
    )
    file = import_file_field(_("One household per row; the columns are explained in the guide."))


class StatusForm(forms.Form):
    status = forms.CharField(max_length=20)
    note = forms.CharField(max_length=300, required=False)


# --- Households: a coordinator adds or edits a family or a volunteer household ------------

PRIORITY_CHOICES = [("", "—"), *((str(p), label) for p, label in PRIORITY_LABELS.items())]


class HouseholdForm(LanguageRowsMixin):
    """What both kinds of household share. Parses and names the field at fault; the
    rules (postcode known, codes valid…) are checked again by the service."""

    reference = forms.CharField(label=_("Reference"), max_length=60, required=False,
                                help_text=_("Your own reference, if you use one."))
    contact_first_name = forms.CharField(label=_("First name of the contact"), max_length=100)
    contact_last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    contact_gender = forms.ChoiceField(label=_("Gender of the contact"),
                                       choices=Gender.choices, required=False)
    email = forms.EmailField(label=_("E-mail"), max_length=200, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False,
                            help_text=_("Such as 0470 12 34 56 or +32 470 12 34 56."))
    preferred_channel = forms.ChoiceField(
        label=_("Preferred channel"), required=False,
        choices=[("", _("whatever it has (e-mail, else SMS, else by phone)")),
                 *Channel.choices])
    message_language = forms.ChoiceField(
        label=_("Language of messages"), required=False,
        choices=[("", _("the first language it speaks that Voisins writes in"))]
        + list(settings.LANGUAGES))
    news_opt_out = forms.BooleanField(label=_("Does not want news messages"), required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=12)
    availability = forms.MultipleChoiceField(label=_("Usually free"), required=False,
                                             widget=forms.CheckboxSelectMultiple)
    radius_km = forms.FloatField(label=_("How far they will go (km)"), min_value=0.1,
                                 max_value=50)

    language_rows = 4
    # Where a new household may start (later moves go through the status form).
    first_statuses: tuple[Any, ...] = ()

    def __init__(self, *args: Any, programme: Programme, household: Any = None,
                 **kwargs: Any) -> None:
        if household is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(household)
        super().__init__(*args, **kwargs)
        self.programme, self.household = programme, household
        self.add_language_rows(rows=self.language_rows)
        if household is not None:
            # A code outside the usual list (from an import) stays choosable.
            for i, entry in enumerate(household.languages[:self.language_rows], start=1):
                field = self.fields[f"language_{i}"]
                if entry["code"] not in dict(field.choices):
                    field.choices = [*field.choices, (entry["code"], entry["code"])]
        self.fields["availability"].choices = slot_choices()
        self.fields["radius_km"].initial = programme.default_radius_km
        if household is None:
            self.fields["status"] = forms.ChoiceField(
                label=_("Status"), choices=[(s.value, s.label) for s in self.first_statuses],
                initial=self.first_statuses[0].value)

    @classmethod
    def initial_from(cls, household: Any) -> dict[str, Any]:
        initial = {name: getattr(household, name) for name in (
            "reference", "contact_first_name", "contact_last_name", "contact_gender", "email",
            "phone", "preferred_channel", "message_language", "news_opt_out", "postcode",
            "availability", "radius_km")}
        for i, entry in enumerate(household.languages, start=1):
            initial[f"language_{i}"], initial[f"level_{i}"] = entry["code"], entry["level"]
        return initial

    def clean_phone(self) -> str:
        try:
            return normalise_phone(self.cleaned_data["phone"], self.programme.country)
        except InvalidPhone:
            raise forms.ValidationError(_(
                "“%(phone)s” is not a phone number; write it as 0470 12 34 56 or "
                "+32 470 12 34 56.") % {"phone": self.cleaned_data["phone"][:30]}) from None

    def clean_postcode(self) -> str:
        postcode = self.cleaned_data["postcode"]
        if find_postcode(self.programme.country, postcode) is None:
            raise forms.ValidationError(_("Unknown postcode “%(postcode)s”.")
                                        % {"postcode": postcode.strip()[:12]})
        return postcode

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        cleaned["languages"] = self.clean_languages(cleaned, rows=self.language_rows)
        return cleaned

    def household_fields(self) -> dict[str, Any]:
        c = self.cleaned_data
        return {name: c[name] for name in (
            "reference", "contact_first_name", "contact_last_name", "contact_gender", "email",
            "phone", "preferred_channel", "message_language", "news_opt_out", "postcode",
            "languages", "availability", "radius_km", "status")
            if name in c}


class FamilyForm(HouseholdForm):
    first_statuses = (FamilyStatus.INTAKE_DONE, FamilyStatus.WAITING, FamilyStatus.REFERRED)
    arrival_date = forms.DateField(label=_("Arrival in the country"), required=False,
                                   widget=DateInput())
    wishes = forms.MultipleChoiceField(label=_("The family would like"), required=False,
                                       choices=FamilyWish.choices,
                                       widget=forms.CheckboxSelectMultiple)
    wishes_note = forms.CharField(label=_("Other wishes"), max_length=2000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    page_language = forms.ChoiceField(label=_("Language of the family's pages"),
                                      choices=settings.LANGUAGES)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for category in self.programme.service_categories.filter(active=True):
            self.fields[f"need_{category.code}"] = forms.ChoiceField(
                label=category.label, choices=PRIORITY_CHOICES, required=False)
        if self.household is not None:
            for code, priority in self.household.needs.items():
                self.initial[f"need_{code}"] = str(priority)
        else:  # a new family: by default, its own language where Voisins writes it
            field = self.fields["page_language"]
            field.required = False
            field.choices = [("", _("Its own language, where Voisins writes it")),
                             *settings.LANGUAGES]

    @classmethod
    def initial_from(cls, household: Any) -> dict[str, Any]:
        initial = super().initial_from(household)
        initial.update({name: getattr(household, name) for name in (
            "arrival_date", "wishes", "wishes_note", "page_language")})
        return initial

    @property
    def need_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("need_")]

    def household_fields(self) -> dict[str, Any]:
        c = self.cleaned_data
        fields = super().household_fields()
        fields.update({name: c[name] for name in (
            "arrival_date", "wishes", "wishes_note", "page_language")})
        fields["needs"] = {name.removeprefix("need_"): int(c[name])
                           for name in self.fields if name.startswith("need_") and c.get(name)}
        # A need the programme no longer offers stays as it was.
        if self.household is not None:
            active = {n.removeprefix("need_") for n in self.fields if n.startswith("need_")}
            fields["needs"].update({code: p for code, p in self.household.needs.items()
                                    if code not in active})
        return fields

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not any(cleaned.get(n) for n in self.fields if n.startswith("need_")) and not (
                self.household is not None and self.household.needs):
            self.add_error(None, _("Give at least one need, with its priority."))
        return cleaned


class VolunteerForm(HouseholdForm):
    first_statuses = (VolunteerStatus.APPLIED, VolunteerStatus.SCREENED,
                      VolunteerStatus.TRAINED, VolunteerStatus.AVAILABLE)
    offers = forms.MultipleChoiceField(label=_("What the household offers"),
                                       widget=forms.CheckboxSelectMultiple)
    capacity = forms.IntegerField(label=_("Families at once"), min_value=0, max_value=10,
                                  initial=1)
    motivation = forms.CharField(label=_("Motivation"), max_length=2000, required=False,
                                 widget=forms.Textarea(attrs={"rows": 3}))
    # Starting beyond "screened" skips the screening and the required training.
    BY_EXCEPTION = (VolunteerStatus.TRAINED, VolunteerStatus.AVAILABLE)
    exception_reason = forms.CharField(
        label=_("Why it starts trained or available (an exception)"), max_length=500,
        required=False, help_text=_("A household becomes available through screening and "
                                    "the required training. Starting it further is an "
                                    "exception: it is recorded with your name and the date, "
                                    "and shown on its page."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["offers"].choices = category_choices(self.programme)
        if self.household is not None:
            del self.fields["exception_reason"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("status") in self.BY_EXCEPTION and not (
                cleaned.get("exception_reason") or "").strip():
            self.add_error("exception_reason", _(
                "A new household becomes available through screening and the required "
                "training: to start it as “%(status)s”, say why.") % {
                    "status": VolunteerStatus(cleaned["status"]).label})
        return cleaned

    @classmethod
    def initial_from(cls, household: Any) -> dict[str, Any]:
        initial = super().initial_from(household)
        initial.update({name: getattr(household, name)
                        for name in ("offers", "capacity", "motivation")})
        return initial

    def household_fields(self) -> dict[str, Any]:
        fields = super().household_fields()
        fields.update({name: self.cleaned_data[name]
                       for name in ("offers", "capacity", "motivation")})
        if self.cleaned_data.get("status") in self.BY_EXCEPTION:
            fields["exception_reason"] = self.cleaned_data.get("exception_reason", "")
        return fields


class MemberForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # The empty choice lets an untouched extra row stay empty (and be left out).
    kind = forms.ChoiceField(label=_("Adult or child"), choices=[("", "—"), *MemberKind.choices])
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    birth_year = forms.IntegerField(label=_("Birth year"), min_value=1900, max_value=2100)
    school_level = forms.ChoiceField(label=_("School level"), choices=SchoolLevel.choices,
                                     required=False)


MemberFormSet = forms.formset_factory(MemberForm, extra=2, can_delete=True, max_num=20,
                                      validate_max=True)


def members_initial(household: Any) -> list[dict[str, Any]]:
    return [{"id": m.pk, "kind": m.kind, "first_name": m.first_name,
             "birth_year": m.birth_year, "school_level": m.school_level}
            for m in household.members.all()]


def members_data(formset: Any) -> list[dict[str, Any]]:
    """The members a valid formset describes (blank and deleted rows left out)."""
    rows = []
    for form in formset.forms:
        c = form.cleaned_data
        if not c or c.get("DELETE"):
            continue
        rows.append({key: c[key] for key in ("kind", "first_name", "birth_year",
                                             "school_level")}
                    | ({"id": c["id"]} if c.get("id") else {}))
    return rows


class ConsentForm(forms.Form):
    """Consent recorded by staff, often for a family with an interpreter."""

    purposes = forms.MultipleChoiceField(label=_("The household agrees to"),
                                         choices=EVERYDAY_PURPOSES,
                                         widget=forms.CheckboxSelectMultiple)
    given_by_name = forms.CharField(
        label=_("Who gave consent"), max_length=200, required=False,
        help_text=_("When not the contact person themself."))
    interpreter = forms.CharField(label=_("Interpreter (if any)"), max_length=200,
                                  required=False)


# --- The programme: settings, categories, team ---------------------------------------------

class ProgrammeSettingsForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    languages = forms.MultipleChoiceField(label=_("Languages the programme works in"),
                                          widget=forms.CheckboxSelectMultiple)
    default_radius_km = forms.FloatField(label=_("Default radius (km)"), min_value=0.1,
                                         max_value=50)
    checkin_schedule = forms.CharField(
        label=_("Check-ins, in days after the introduction"), max_length=200,
        help_text=_("Increasing numbers separated by commas, e.g. 14, 30, 91, 182, 365."))
    retention_months = forms.IntegerField(
        label=_("Anonymise households inactive for (months)"), min_value=1, max_value=120)
    signature = forms.CharField(
        label=_("Signature of messages"), max_length=200, required=False,
        help_text=_("The association's name as households know it; empty: the programme's "
                    "name."))
    phone = forms.CharField(label=_("Phone number of the programme"), max_length=30,
                            required=False,
                            help_text=_("Given in every message, for households to call back."))

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {
            "signature": programme.signature, "phone": programme.phone,
            "name": programme.name, "languages": programme.languages,
            "default_radius_km": programme.default_radius_km,
            "checkin_schedule": ", ".join(map(str, programme.checkin_schedule_days)),
            "retention_months": programme.retention_months})
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.fields["languages"].choices = [(c, n) for c, n in language_choices() if c]

    def clean_checkin_schedule(self) -> list[int]:
        parts = [p for p in re.split(r"[,;\s]+", self.cleaned_data["checkin_schedule"]) if p]
        if not parts or not all(p.isdigit() for p in parts):
            raise forms.ValidationError(_("Give whole numbers of days, such as 14, 30, 91."))
        return [int(p) for p in parts]

    def changes(self) -> dict[str, Any]:
        c = self.cleaned_data
        return {"name": c["name"], "languages": c["languages"],
                "default_radius_km": c["default_radius_km"],
                "checkin_schedule_days": c["checkin_schedule"],
                "retention_months": c["retention_months"],
                "signature": c["signature"], "phone": c["phone"]}


class CategoryForm(forms.Form):
    name = forms.CharField(label=_("Name of the new category"), max_length=100)


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"), max_length=200)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.VIEWER)
    organisation = forms.CharField(
        label=_("Partner organisation (for a referrer)"), max_length=200, required=False,
        help_text=_("For example: CPAS de Schaerbeek, a reception centre, a school."))
    language = forms.ChoiceField(label=_("Language of the invitation"),
                                 choices=[(c, n) for c, n in settings.LANGUAGES
                                          if c in settings.STAFF_LANGUAGES])
