from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from voisins.households.models import VolunteerHousehold
from voisins.widgets import DateInput

from .models import Cover, ExpensesRegime, LegalStatus
from .selectors import expected_households


class _Labelled:
    """Labels written as the model's verbose names, shown with a capital."""

    fields: dict

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.label = capfirst(field.label)


class NoteForm(_Labelled, forms.Form):
    """A new version of the information note: the organisation's details the template
    needs."""

    legal_status = forms.ChoiceField(label=_("legal status"), choices=LegalStatus.choices)
    organisation_name = forms.CharField(label=_("name of the organisation"), max_length=200)
    enterprise_number = forms.CharField(
        label=_("enterprise number"), max_length=20, required=False,
        help_text=_("For an ASBL/VZW or a public body, e.g. 0123.456.789."))
    aim = forms.CharField(label=_("aim of the organisation"), max_length=2000,
                          widget=forms.Textarea(attrs={"rows": 3}))
    responsible_persons = forms.CharField(
        label=_("persons in charge"), max_length=300, required=False,
        help_text=_("For a de facto association: who is responsible for it."))
    employs_staff = forms.BooleanField(
        label=_("the association employs staff or belongs to a larger organisation"),
        required=False)
    expenses_regime = forms.ChoiceField(label=_("expenses"), choices=ExpensesRegime.choices)
    discretion = forms.BooleanField(label=_("professional secrecy applies"), required=False,
                                    initial=True)
    contact = forms.CharField(label=_("whom to ask"), max_length=300, required=False)


class PolicyForm(_Labelled, forms.Form):
    insurer = forms.CharField(label=_("insurer"), max_length=200)
    policy_number = forms.CharField(label=_("policy number"), max_length=100)
    covers = forms.MultipleChoiceField(label=_("what it covers"), choices=Cover.choices,
                                       widget=forms.CheckboxSelectMultiple)
    covers_other = forms.CharField(label=_("other cover"), max_length=300, required=False)
    valid_from = forms.DateField(label=_("valid from"), widget=DateInput())
    valid_to = forms.DateField(label=_("valid until"), widget=DateInput(), required=False,
                               help_text=_("Empty: until it is ended."))
    covers_all = forms.BooleanField(label=_("covers every active volunteer household"),
                                    required=False, initial=True)
    households = forms.ModelMultipleChoiceField(
        label=_("households covered"), queryset=VolunteerHousehold.objects.none(),
        required=False, help_text=_("Only when it does not cover every household."))

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["households"].queryset = expected_households(programme)


class PaperForm(_Labelled, forms.Form):
    acknowledged_on = forms.DateField(label=_("signed on"), widget=DateInput())
    scan = forms.FileField(label=_("scan of the signed page"), required=False)
