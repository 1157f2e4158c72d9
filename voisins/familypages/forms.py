"""The form a household fills on its own pages (through its personal link)."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from voisins.households.models import Channel, FamilyHousehold, VolunteerHousehold
from voisins.households.selectors import household_channels
from voisins.messaging.selectors import channel_for


class MessageChoicesForm(forms.Form):
    """How a household wants to be written to: among the channels it really has, in a
    language Voisins writes in (each named in itself), and whether it wants the news."""

    preferred_channel = forms.ChoiceField(label=_("How should we write to you?"),
                                          widget=forms.RadioSelect)
    message_language = forms.ChoiceField(label=_("In which language?"),
                                         choices=settings.LANGUAGES)
    news_opt_out = forms.BooleanField(
        label=_("No news from the programme, please"), required=False,
        help_text=_("You still get the messages about your own neighbours."))

    def __init__(self, *args: object,
                 household: FamilyHousehold | VolunteerHousehold, **kwargs: object) -> None:
        kwargs.setdefault("initial", {
            "preferred_channel": household.preferred_channel or channel_for(household)[0],
            "message_language": household.messages_language(),
            "news_opt_out": household.news_opt_out,
        })
        super().__init__(*args, **kwargs)
        labels = dict(Channel.choices)
        self.fields["preferred_channel"].choices = [
            (code, labels[code]) for code in household_channels(household)]
