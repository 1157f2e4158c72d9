from django import forms
from django.utils.translation import gettext_lazy as _

from voisins.recruitment.forms import language_choices
from voisins.widgets import DateTimeInput

from .models import Event, Indicator, Resource


class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = ["kind", "title", "description", "starts_at", "ends_at", "place", "capacity"]
        widgets = {"starts_at": DateTimeInput(),
                   "ends_at": DateTimeInput()}


class InviteForm(forms.Form):
    groups = forms.MultipleChoiceField(
        label=_("Invite"), widget=forms.CheckboxSelectMultiple, choices=[
            ("volunteers", _("volunteer households that were screened")),
            ("families", _("families waiting or matched")),
            ("staff", _("the programme's coordinators and mediators")),
        ])


class ResourceForm(forms.ModelForm):
    languages = forms.MultipleChoiceField(label=_("Languages"), choices=[])
    indicators = forms.MultipleChoiceField(label=_("IMMERSE outcomes served"),
                                           choices=Indicator.choices, required=False,
                                           widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Resource
        fields = ["kind", "title", "description", "url", "body", "languages", "target_group",
                  "indicators"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["languages"].choices = language_choices()[1:]
