"""The forms of shared materials. The content of each kind is written in the kind's own
form (voisins.sharing.kinds: the owning app's form where it has one)."""

from django import forms
from django.utils.translation import gettext_lazy as _


class PublishFromForm(forms.Form):
    """Publish one of a programme's own items (the user coordinates the programme)."""

    item = forms.ChoiceField(label=_("What to publish"), choices=[])

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [("", "---------"), *choices]


class WhatChangedForm(forms.Form):
    what_changed = forms.CharField(label=_("What changed (told to the programmes)"),
                                   max_length=300, required=False)
