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
