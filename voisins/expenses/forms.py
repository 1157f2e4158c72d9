"""The forms of expenses: what a household (or a coordinator for it) records, a refusal's
reason, the programme's regime, a year to close. Bad input is refused here with a message
naming the field; the rules of the law are the services'."""

from decimal import Decimal

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from voisins.programmes.labels import service_label
from voisins.widgets import DateInput

from .models import Expense, Regime


class ExpenseForm(forms.Form):
    spent_on = forms.DateField(label=_("Date"), widget=DateInput)
    kind = forms.ChoiceField(label=_("What"), choices=Expense.Kind.choices,
                             initial=Expense.Kind.AMOUNT, widget=forms.RadioSelect)
    description = forms.CharField(label=_("What for"), max_length=200, required=False)
    amount = forms.DecimalField(label=_("Amount (€)"), required=False, min_value=Decimal("0.01"),
                                max_value=Decimal("9999999.99"), max_digits=9, decimal_places=2,
                                widget=forms.NumberInput(attrs={"step": "0.01",
                                                                "inputmode": "decimal"}))
    km = forms.DecimalField(label=_("Kilometres"), required=False, min_value=Decimal("0.1"),
                            max_value=Decimal("99999.9"), max_digits=7, decimal_places=1,
                            widget=forms.NumberInput(attrs={"step": "0.1",
                                                            "inputmode": "decimal"}))
    activity = forms.TypedChoiceField(label=_("Activity (optional)"), required=False,
                                      coerce=int, empty_value=None)
    # Set once the warnings near a ceiling have been shown: "record it anyway".
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, activities=(), households=None, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.activities = {a.pk: a for a in activities}
        self.fields["activity"].choices = [("", "—")] + [
            (a.pk, f"{date_format(a.done_on, 'SHORT_DATE_FORMAT')} – {service_label(a.category)}"
                   + (f" – {a.text}" if a.text else "")) for a in activities]
        if households is not None:
            self.households = {h.pk: h for h in households}
            self.fields = {"household": forms.TypedChoiceField(
                label=_("Volunteer household"), coerce=int,
                choices=[("", "—")] + [(h.pk, str(h)) for h in households]),
                **self.fields}

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == Expense.Kind.KM and not self.errors.get("km") and data.get("km") is None:
            self.add_error("km", _("Give the number of kilometres."))
        if kind == Expense.Kind.AMOUNT and not self.errors.get("amount") \
                and data.get("amount") is None:
            self.add_error("amount", _("Give the amount."))
        if not data.get("description") and not data.get("activity") \
                and "description" not in self.errors:
            self.add_error("description", _("Say what the expense was for."))
        return data

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        kind = data["kind"]
        return {"spent_on": data["spent_on"], "kind": kind,
                "description": data.get("description", ""),
                "amount": data.get("amount") if kind == Expense.Kind.AMOUNT else None,
                "km": data.get("km") if kind == Expense.Kind.KM else None,
                "activity": self.activities.get(data.get("activity"))}


class RefuseForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the refusal"), max_length=300)


class RegimeForm(forms.Form):
    regime = forms.ChoiceField(label=_("Regime"), choices=Regime.choices,
                               widget=forms.RadioSelect)


class CloseYearForm(forms.Form):
    year = forms.IntegerField(label=_("Year to close"), min_value=2005, max_value=2100)
