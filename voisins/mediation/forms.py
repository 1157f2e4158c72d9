from django import forms
from django.utils.translation import gettext_lazy as _

from voisins.matches.forms import language_choices

from .models import CaseKind, CaseNote


class CaseForm(forms.Form):
    """A case opened by staff. The match is chosen by the households' names among those
    the reader follows (``selectors.match_choices``), or comes chosen from its page."""

    match = forms.TypedChoiceField(
        label=_("Match"), required=False, coerce=int, empty_value=None,
        error_messages={"invalid_choice": _("No such match.")})
    kind = forms.ChoiceField(label=_("What is it about?"), choices=CaseKind.choices)
    summary = forms.CharField(label=_("What happened"), max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, matches: list[tuple[int, str]] = (),
                 **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["match"].choices = [("", _("None: about one household or the programme")),
                                        *matches]


class NoteForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=CaseNote.Kind.choices)
    text = forms.CharField(label=_("Text"), max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 3}))
    call_minutes = forms.IntegerField(label=_("Call length (minutes)"), required=False,
                                      min_value=1, max_value=600)
    call_language = forms.ChoiceField(label=_("Language of the call"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["call_language"].choices = [("", "—"), *language_choices()]


class ResolveForm(forms.Form):
    resolution = forms.CharField(label=_("Resolution"), max_length=5000,
                                 widget=forms.Textarea(attrs={"rows": 3}))


class CallbackDoneForm(forms.Form):
    minutes = forms.IntegerField(label=_("Call length (minutes)"), min_value=1, max_value=600)
    text = forms.CharField(label=_("What was said"), max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 3}))
