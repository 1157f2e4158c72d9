from django import forms
from django.utils.translation import gettext_lazy as _


class UploadForm(forms.Form):
    # The checks on the content are the service's (voisins.files.checks): one place for
    # the pages and the API.
    file = forms.FileField(label=_("File"), allow_empty_file=True)
