from django import forms
from django.utils.translation import gettext_lazy as _

from voisins.recruitment.forms import category_choices, slot_choices


class PreferencesForm(forms.Form):
    offers = forms.MultipleChoiceField(label=_("What you offer"),
                                       widget=forms.CheckboxSelectMultiple)
    availability = forms.MultipleChoiceField(label=_("When you are usually free"),
                                             widget=forms.CheckboxSelectMultiple)
    radius_km = forms.FloatField(label=_("How far from home (km)"), min_value=0.5,
                                 max_value=20)
    capacity = forms.IntegerField(label=_("How many families at once"), min_value=1,
                                  max_value=10)

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offers"].choices = category_choices(programme)
        self.fields["availability"].choices = slot_choices()


class AccountForm(forms.Form):
    """A volunteer household chooses a password on its link's pages (the rules on the
    password are the service's)."""

    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    password1 = forms.CharField(label=_("Password"), strip=False, max_length=128,
                                widget=forms.PasswordInput(attrs={
                                    "autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("Password (again)"), strip=False, max_length=128,
                                widget=forms.PasswordInput(attrs={
                                    "autocomplete": "new-password"}))

    def __init__(self, *args, fixed_email: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if fixed_email:  # the household's login exists: only its password is missing
            self.fields["email"].disabled = True
            self.fields["email"].initial = fixed_email

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password2") \
                and data["password1"] != data["password2"]:
            self.add_error("password2", _("The two passwords differ."))
        return data


class LinkRequestForm(forms.Form):
    email = forms.EmailField(label=_("Your e-mail address"), max_length=254)
