"""The forms of the network's pages and of a programme's page of networks. Bad input is
refused here with a message naming the field; the rules are the services'."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from voisins.programmes.constants import NetworkRole

MONTH_FORMATS = ["%Y-%m"]
FIRST_MONTH = date(2000, 1, 1)
LAST_MONTH = date(2100, 12, 1)


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs={"placeholder": "2026-01", **(attrs or {})}, format="%Y-%m")


class MonthField(forms.DateField):
    """A calendar month written YYYY-MM (the browser's month picker)."""

    widget = MonthInput
    input_formats = MONTH_FORMATS
    default_error_messages = {"invalid": _("Give a month as YYYY-MM, for example 2026-01.")}

    def clean(self, value):
        month = super().clean(value)
        if month is not None and not FIRST_MONTH <= month <= LAST_MONTH:
            raise forms.ValidationError(_("Give a month between 2000 and 2100."),
                                        code="range")
        return month


class _Form(forms.Form):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class PeriodForm(_Form):
    """The months of the dashboard, from and to (both included)."""

    start = MonthField(label=_("From (month)"))
    end = MonthField(label=_("To (month)"))

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end comes before the start."))
        if start and end and (end.year - start.year) * 12 + end.month - start.month >= 240:
            self.add_error("end", _("Choose at most 20 years."))
        return data


class NetworkForm(_Form):
    name = forms.CharField(label=_("Name of the network"), max_length=200)
    description = forms.CharField(label=_("What it is for (optional)"), max_length=2000,
                                  required=False, widget=forms.Textarea(attrs={"rows": 3}))


class StaffForm(_Form):
    email = forms.EmailField(label=_("E-mail of the person's account"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=NetworkRole.choices,
                             initial=NetworkRole.VIEWER)


class RemoteMemberForm(_Form):
    name = forms.CharField(label=_("Name of the programme"), max_length=200)
    town = forms.CharField(label=_("Town"), max_length=120, required=False)
    named = forms.BooleanField(label=_("It agreed to be named in the network's figures"),
                               required=False)


class ClosePeriodForm(PeriodForm):
    pass


class JoinForm(_Form):
    """A programme joins one of the networks of this instance."""

    network = forms.TypedChoiceField(label=_("Network"), coerce=int)
    named = forms.BooleanField(
        label=_("We agree that the network names our programme in its figures"),
        required=False)

    def __init__(self, *args, networks=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.networks = {n.pk: n for n in networks}
        self.fields["network"].choices = [("", "—")] + [(n.pk, n.name) for n in networks]


class NamedForm(_Form):
    named = forms.BooleanField(
        label=_("We agree that the network names our programme in its figures"),
        required=False)


class LinkForm(forms.Form):
    """Where the programme publishes its figures, and the token the network gave."""

    url = forms.URLField(label=_("Address of the network's Voisins"), max_length=300,
                         assume_scheme="https",
                         help_text=_("For example https://network.example.org"))
    token = forms.CharField(label=_("Publication token"), max_length=200, strip=True,
                            widget=forms.PasswordInput(render_value=False),
                            help_text=_("Given once by the network's coordinator; it "
                                        "starts with vnp_. It is kept encrypted and never "
                                        "shown again."))
    network_name = forms.CharField(label=_("Name of the network"), max_length=200,
                                   required=False,
                                   help_text=_("Filled in by the connection test when "
                                               "left blank."))
