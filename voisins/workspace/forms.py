from django import forms
from django.utils.translation import gettext_lazy as _


class RadiusForm(forms.Form):
    km = forms.FloatField(
        label=_("Radius (km)"), min_value=0.1, max_value=50,
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
    )
