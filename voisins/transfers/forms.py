"""The two steps of a move: the household's consent (per purpose, given on its behalf),
then the move itself with the postcode of the new home."""

from django import forms
from django.utils.translation import gettext_lazy as _


class _ToProgramme(forms.Form):
    def __init__(self, *args, programmes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_programme"].queryset = programmes


class ConsentStepForm(_ToProgramme):
    """What the household agrees to, for a move to one programme (recorded by a coordinator,
    with the interpreter where one helped)."""

    to_programme = forms.ModelChoiceField(label=_("Programme it moves to"), queryset=None,
                                          empty_label="—")
    consent_transfer = forms.BooleanField(
        label=_("It agrees that its data are passed to that programme"), required=False)
    consent_matching = forms.BooleanField(
        label=_("It agrees to be matched by that programme"), required=False)
    consent_contact = forms.BooleanField(
        label=_("It agrees to be contacted by that programme (its phone number and e-mail "
                "address go with it)"), required=False)
    given_by_name = forms.CharField(
        label=_("Who gave consent"), max_length=200, required=False,
        help_text=_("When not the contact person themself."))
    interpreter = forms.CharField(label=_("Interpreter (if any)"), max_length=200,
                                  required=False)


class TransferForm(_ToProgramme):
    """The move: where to, and the postcode of the new home."""

    to_programme = forms.ModelChoiceField(label=_("Programme it moves to"), queryset=None,
                                          empty_label="—")
    postcode = forms.CharField(label=_("Postcode of the new home"), max_length=12)
