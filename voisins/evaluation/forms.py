from django import forms
from django.utils.translation import gettext_lazy as _


class MatchHistoryForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=_("One match per row: family, volunteer, start, end (empty while active), "
                    "end_reason. The columns are explained in the guide."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Give a CSV or XLSX file."))
        return upload
