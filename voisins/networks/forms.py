"""The form of the programme's links to networks on other instances (issue 20 §5)."""

from django import forms
from django.utils.translation import gettext_lazy as _


class LinkForm(forms.Form):
    """Where the programme publishes its figures, and the token the network gave."""

    url = forms.URLField(label=_("Address of the network's Voisins"), max_length=300,
                         assume_scheme="https",
                         help_text=_("For example https://network.example.org"))
    token = forms.CharField(label=_("Publication token"), max_length=200, strip=True,
                            widget=forms.PasswordInput(render_value=False),
                            help_text=_("Given once by the network's coordinator; it "
                                        "starts with vnp_. It is kept encrypted and never "
                                        "shown again."))
    network_name = forms.CharField(label=_("Name of the network"), max_length=200,
                                   required=False,
                                   help_text=_("Filled in by the connection test when "
                                               "left blank."))
