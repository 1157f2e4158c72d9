from django import forms
from django.utils.translation import gettext_lazy as _


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What the file holds"),
        choices=[("families", _("Families")), ("volunteers", _("Volunteer households"))],
    )
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=_("One household per row; the columns are explained in the guide."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Give a CSV or XLSX file."))
        return upload


class StatusForm(forms.Form):
    status = forms.CharField(max_length=20)
    note = forms.CharField(max_length=300, required=False)
