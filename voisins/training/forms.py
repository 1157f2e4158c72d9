from django import forms
from django.utils.translation import gettext_lazy as _

from voisins.widgets import DateTimeInput

from .models import TrainingModule, TrainingSession


class ModuleForm(forms.ModelForm):
    class Meta:
        model = TrainingModule
        fields = ["title", "description", "required", "position"]


class SessionForm(forms.ModelForm):
    module = forms.ModelChoiceField(queryset=TrainingModule.objects.none(), label=_("Module"))

    class Meta:
        model = TrainingSession
        fields = ["module", "starts_at", "ends_at", "place", "video_url", "capacity"]
        widgets = {"starts_at": DateTimeInput(),
                   "ends_at": DateTimeInput()}

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["module"].queryset = TrainingModule.objects.filter(programme=programme)
