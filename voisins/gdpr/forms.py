from django import forms
from django.utils.translation import gettext_lazy as _

from voisins.privacy.models import EVERYDAY_PURPOSES


class ConsentForm(forms.Form):
    """A coordinator records what a household agreed to (at intake, by phone…)."""

    purpose = forms.ChoiceField(label=_("Agrees to"), choices=EVERYDAY_PURPOSES)
    given_by_name = forms.CharField(
        label=_("Given by"), max_length=200, required=False,
        help_text=_("The person who agreed, when not the contact person themself."))
    interpreter = forms.CharField(label=_("Interpreter"), max_length=200, required=False)
