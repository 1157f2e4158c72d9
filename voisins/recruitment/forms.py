"""Forms of recruitment. They parse and name the field at fault; the rules that change
records live in services."""

import re
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from voisins.households.geocoding import find_postcode
from voisins.households.phones import InvalidPhone, normalise_phone
from voisins.programmes import languages
from voisins.programmes.constants import (
    DAY_LABELS,
    DAYS,
    PART_LABELS,
    PARTS,
    LanguageLevel,
)
from voisins.programmes.models import Programme
from voisins.security.text import CONTROL_MESSAGE, has_control
from voisins.widgets import DateTimeInput

from .models import Campaign, Charter, NewsPost, PublicText

LANGUAGE_ROWS = 3


def language_choices() -> list[tuple[str, str]]:
    # By name, in the reader's language and collation (voisins.programmes.languages).
    return [("", "—"), *languages.language_choices()]


def slot_choices() -> list[tuple[str, str]]:
    return [(f"{d}-{p}", f"{DAY_LABELS[d]} – {PART_LABELS[p]}") for d in DAYS for p in PARTS]


def category_choices(programme: Programme) -> list[tuple[str, str]]:
    return [(c.code, c.label) for c in programme.service_categories.filter(active=True)]


def parse_years(value: str, field_label: str) -> list[int]:
    years = []
    this_year = timezone.now().year
    for part in re.split(r"[,;\s]+", value.strip()):
        if not part:
            continue
        if not part.isdigit() or not this_year - 110 <= int(part) <= this_year:
            raise forms.ValidationError(
                _("“%(value)s” is not a birth year between %(a)s and %(b)s.")
                % {"value": part[:10], "a": this_year - 110, "b": this_year})
        years.append(int(part))
    if len(years) > 12:
        raise forms.ValidationError(_("Give at most 12 birth years."))
    return years


def clean_phone_value(value: str, region: str) -> str:
    """The phone as the household models keep it (E.164, "+32470123456"), checked by the
    same rule: a sign-up whose phone the model refuses could never be confirmed."""
    try:
        return normalise_phone(value, region)
    except InvalidPhone:
        raise forms.ValidationError(_(
            "“%(phone)s” is not a phone number; write it as 0470 12 34 56 or "
            "+32 470 12 34 56.") % {"phone": value[:30]}) from None


def refuse_control_characters(form: forms.Form) -> None:
    """Name every one-line field of `form` that holds a line break or another control
    character (a header of a mail, a line of a CSV); no record is written with one."""
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if (isinstance(field, forms.CharField) and isinstance(value, str)
                and not isinstance(field.widget, forms.Textarea) and has_control(value)):
            form.add_error(name, str(CONTROL_MESSAGE))


class LanguageRowsMixin(forms.Form):
    """Up to three (or `rows`) (language, level) rows; the first is required."""

    def add_language_rows(self, rows: int = LANGUAGE_ROWS) -> None:
        for i in range(1, rows + 1):
            self.fields[f"language_{i}"] = forms.ChoiceField(
                label=_("Language %(n)s") % {"n": i}, choices=language_choices(),
                required=i == 1)
            self.fields[f"level_{i}"] = forms.ChoiceField(
                label=_("Level of language %(n)s") % {"n": i},
                choices=[("", "—"), *LanguageLevel.choices], required=False)

    def clean_languages(self, cleaned: dict[str, Any], rows: int = LANGUAGE_ROWS
                        ) -> list[dict[str, str]]:
        entries, seen = [], set()
        for i in range(1, rows + 1):
            code, level = cleaned.get(f"language_{i}"), cleaned.get(f"level_{i}")
            if not code:
                continue
            if not level:
                self.add_error(f"level_{i}", _("Choose a level for this language."))
                continue
            if code in seen:
                self.add_error(f"language_{i}", _("This language is given twice."))
                continue
            seen.add(code)
            entries.append({"code": code, "level": level})
        return entries


class SignupForm(LanguageRowsMixin):
    """A volunteer household signs up on the programme's public page."""

    email = forms.EmailField(label=_("E-mail"), max_length=200)
    contact_first_name = forms.CharField(label=_("First name"), max_length=100)
    contact_last_name = forms.CharField(label=_("Last name"), max_length=100)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=12)
    adult_birth_years = forms.CharField(
        label=_("Birth years of the adults"), max_length=100,
        help_text=_("For example: 1975, 1978"))
    children_birth_years = forms.CharField(
        label=_("Birth years of the children living with you"), max_length=100,
        required=False, help_text=_("Leave empty if none."))
    offers = forms.MultipleChoiceField(label=_("What you would like to offer"),
                                       widget=forms.CheckboxSelectMultiple)
    availability = forms.MultipleChoiceField(label=_("When you are usually free"),
                                             widget=forms.CheckboxSelectMultiple)
    radius_km = forms.FloatField(
        label=_("How far from home (km)"), min_value=0.5, max_value=20,
        help_text=_("Families are looked for within this distance of your postcode."))
    motivation = forms.CharField(label=_("Why you would like to take part"),
                                 widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)
    consent = forms.BooleanField(
        label=_("I have read the privacy notice and agree that my data is used to match my "
                "household with a family nearby."),
        error_messages={"required": _("You must agree to the privacy notice to sign up.")})
    # Honeypot: hidden from people by CSS and from screen readers; robots fill it in.
    website = forms.CharField(label=_("Leave this field empty"), required=False,
                              widget=forms.TextInput(attrs={"autocomplete": "off",
                                                            "tabindex": "-1"}))

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.add_language_rows()
        self.fields["offers"].choices = category_choices(programme)
        self.fields["availability"].choices = slot_choices()
        self.fields["radius_km"].initial = programme.default_radius_km
        self.order_fields(["email", "contact_first_name", "contact_last_name", "phone",
                           "postcode", "adult_birth_years", "children_birth_years"]
                          + [f"{k}_{i}" for i in range(1, LANGUAGE_ROWS + 1)
                             for k in ("language", "level")])

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website"))

    def clean_phone(self) -> str:
        return clean_phone_value(self.cleaned_data.get("phone", ""), self.programme.country)

    def clean_postcode(self) -> str:
        postcode = self.cleaned_data["postcode"]
        if find_postcode(self.programme.country, postcode) is None:
            raise forms.ValidationError(
                _("Unknown postcode “%(postcode)s”: give the postcode where you live.")
                % {"postcode": postcode.strip()[:12]})
        return postcode

    def clean_adult_birth_years(self) -> list[int]:
        years = parse_years(self.cleaned_data["adult_birth_years"], "adults")
        if not years:
            raise forms.ValidationError(_("Give the birth year of at least one adult."))
        this_year = timezone.now().year
        if any(this_year - y < 18 for y in years):
            raise forms.ValidationError(_("Adults are 18 or older."))
        return years

    def clean_children_birth_years(self) -> list[int]:
        return parse_years(self.cleaned_data.get("children_birth_years", ""), "children")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        cleaned["languages"] = self.clean_languages(cleaned)
        refuse_control_characters(self)
        return cleaned

    def household_data(self) -> dict[str, Any]:
        """What the sign-up service keeps until the address is confirmed (JSON-safe)."""
        c = self.cleaned_data
        members = [{"kind": "adult", "birth_year": y} for y in c["adult_birth_years"]]
        members += [{"kind": "child", "birth_year": y} for y in c["children_birth_years"]]
        return {
            "email": c["email"].lower(), "contact_first_name": c["contact_first_name"],
            "contact_last_name": c["contact_last_name"], "phone": c["phone"],
            "postcode": c["postcode"], "languages": c["languages"],
            "offers": c["offers"], "availability": c["availability"],
            "radius_km": c["radius_km"], "motivation": c["motivation"], "members": members,
        }


class ReferralForm(LanguageRowsMixin):
    """A partner's social worker refers a family, with its consent."""

    contact_first_name = forms.CharField(label=_("First name of the family's contact"),
                                         max_length=100)
    contact_last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=12)
    children_birth_years = forms.CharField(
        label=_("Birth years of the children"), max_length=100, required=False)
    needs = forms.MultipleChoiceField(label=_("What the family would like help with"),
                                      widget=forms.CheckboxSelectMultiple)
    wishes_note = forms.CharField(label=_("Anything the coordinators should know"),
                                  widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
                                  required=False)
    consent = forms.BooleanField(
        label=_("The family agreed, in a language it understands, to be matched with a "
                "volunteer household nearby under the programme's privacy notice."),
        error_messages={"required": _("The family's consent is needed to refer it.")})
    consent_given_by = forms.CharField(label=_("Who in the family gave consent"),
                                       max_length=200)
    interpreter = forms.CharField(label=_("Interpreter (if any)"), max_length=200,
                                  required=False)

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.add_language_rows()
        self.fields["needs"].choices = category_choices(programme)
        self.order_fields(["contact_first_name", "contact_last_name", "phone", "postcode",
                           "children_birth_years"]
                          + [f"{k}_{i}" for i in range(1, LANGUAGE_ROWS + 1)
                             for k in ("language", "level")])

    clean_postcode = SignupForm.clean_postcode

    def clean_children_birth_years(self) -> list[int]:
        return parse_years(self.cleaned_data.get("children_birth_years", ""), "children")

    def clean_phone(self) -> str:
        return clean_phone_value(self.cleaned_data.get("phone", ""), self.programme.country)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        cleaned["languages"] = self.clean_languages(cleaned)
        refuse_control_characters(self)
        return cleaned

    def family_data(self) -> dict[str, Any]:
        c = self.cleaned_data
        return {
            "contact_first_name": c["contact_first_name"],
            "contact_last_name": c["contact_last_name"], "phone": c["phone"],
            "postcode": c["postcode"], "languages": c["languages"],
            "needs": dict.fromkeys(c["needs"], 2), "wishes_note": c["wishes_note"],
            "members": [{"kind": "child", "birth_year": y} for y in c["children_birth_years"]],
            "consent_given_by": c["consent_given_by"], "interpreter": c["interpreter"],
        }


class PublicTextForm(forms.ModelForm):
    class Meta:
        model = PublicText
        fields = ["tagline", "about", "how_to_join", "how_to_refer"]


class NewsPostForm(forms.ModelForm):
    class Meta:
        model = NewsPost
        fields = ["language", "title", "summary", "body"]


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["name", "channel", "target_postcode", "target_language", "target_slot",
                  "target_need"]

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Slots and services by their names in the reader's language, not their codes.
        self.fields["target_slot"].choices = [("", "—"), *slot_choices()]
        self.fields["target_need"] = forms.ChoiceField(
            label=self.fields["target_need"].label, required=False,
            choices=[("", "—"), *category_choices(programme)])


class CharterForm(forms.ModelForm):
    class Meta:
        model = Charter
        fields = ["version", "text"]


class InterviewForm(forms.Form):
    interview_at = forms.DateTimeField(
        label=_("Interview planned for"), required=False,
        widget=DateTimeInput())
    interview_place = forms.CharField(label=_("Place or video link"), max_length=200,
                                      required=False)
    interview_held_at = forms.DateTimeField(
        label=_("Interview held on"), required=False,
        widget=DateTimeInput())
    notes = forms.CharField(label=_("Notes (coordinators only)"), required=False,
                            widget=forms.Textarea(attrs={"rows": 5}), max_length=10000)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[
        ("accepted", _("accept")), ("declined", _("decline"))])
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
