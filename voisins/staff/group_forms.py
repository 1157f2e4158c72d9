"""The form a coordinator writes a group message with: the group (by filters), what the
message is about, and one text per language of the programme."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from voisins.households.status import VolunteerStatus
from voisins.messaging.models import Purpose
from voisins.messaging.selectors import GROUP_TEXT_MAX, programme_message_languages
from voisins.programmes.languages import language_in_sentence
from voisins.programmes.models import Programme

from .group_selectors import programme_events

AUDIENCE_CHOICES = [
    ("volunteers", gettext_lazy("Volunteer households (by area, status, training)")),
    ("matched", gettext_lazy("Both households of every live match")),
    ("checkin_overdue", gettext_lazy("Households with a check-in overdue")),
    ("event", gettext_lazy("Households invited to an event")),
]
ABOUT_CHOICES = [
    ("news", gettext_lazy("News (households that opted out of news are left out)")),
    ("match", gettext_lazy("Their own match")),
    ("event", gettext_lazy("The event they are invited to")),
]
ABOUT_PURPOSE = {"news": Purpose.NEWS, "match": Purpose.MATCH, "event": Purpose.EVENT}
POSTCODE = re.compile(r"^[0-9A-Za-z -]{2,12}$")


class GroupMessageForm(forms.Form):
    audience = forms.ChoiceField(label=gettext_lazy("Group"), choices=AUDIENCE_CHOICES,
                                 widget=forms.RadioSelect)
    postcodes = forms.CharField(
        label=gettext_lazy("Postcodes"), required=False, max_length=200,
        help_text=gettext_lazy("Volunteer households only; several separated by commas."))
    locality = forms.CharField(label=gettext_lazy("Commune"), required=False, max_length=100)
    statuses = forms.MultipleChoiceField(
        label=gettext_lazy("Status of the volunteer household"), required=False,
        choices=VolunteerStatus.choices, widget=forms.CheckboxSelectMultiple)
    trained = forms.BooleanField(label=gettext_lazy("Required training done"),
                                 required=False)
    event = forms.ModelChoiceField(label=gettext_lazy("Event"), required=False,
                                   queryset=None)
    about = forms.ChoiceField(label=gettext_lazy("The message is about"),
                              choices=ABOUT_CHOICES, initial="news",
                              widget=forms.RadioSelect)

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.fields["event"].queryset = programme_events(programme)
        self.languages, self.fallback = programme_message_languages(programme)
        for code in self.languages:
            self.fields[f"text_{code}"] = forms.CharField(
                label=_("Text in %(language)s") % {"language": language_in_sentence(code)},
                required=False, max_length=GROUP_TEXT_MAX,
                widget=forms.Textarea(attrs={"rows": 5, "lang": code,
                                             "dir": "rtl" if code == "ar" else "auto"}),
                help_text=(_("Required: households whose language has no text get this "
                             "one.") if code == self.fallback else ""))

    @property
    def text_fields(self) -> list[forms.BoundField]:
        return [self[f"text_{code}"] for code in self.languages]

    def clean_postcodes(self) -> list[str]:
        postcodes = [p.strip() for p in self.cleaned_data["postcodes"].split(",") if p.strip()]
        wrong = [p for p in postcodes if not POSTCODE.match(p)]
        if wrong:
            raise forms.ValidationError(
                _("“%(postcode)s” is not a postcode.") % {"postcode": wrong[0][:20]})
        return postcodes

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        audience, about = data.get("audience"), data.get("about")
        if audience == "event" and not data.get("event"):
            self.add_error("event", _("Choose the event whose invitees get the message."))
        if audience != "volunteers" and (data.get("postcodes") or data.get("locality")
                                         or data.get("statuses") or data.get("trained")):
            self.add_error("audience", _("Area, status and training choose among volunteer "
                                         "households only: choose that group, or clear them."))
        if about == "match" and audience not in ("matched", "checkin_overdue"):
            self.add_error("about", _("Only households in a match can get a message about "
                                      "their match."))
        if about == "event" and audience != "event":
            self.add_error("about", _("Only the invitees of an event can get a message "
                                      "about it."))
        return data

    @property
    def purpose(self) -> str:
        return ABOUT_PURPOSE[self.cleaned_data["about"]]

    @property
    def texts(self) -> dict[str, str]:
        return {code: self.cleaned_data.get(f"text_{code}", "") for code in self.languages}

    @property
    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"audience": data["audience"], "postcodes": data.get("postcodes") or [],
                "locality": data.get("locality", ""), "statuses": data.get("statuses") or [],
                "trained": bool(data.get("trained")),
                "event": data["event"].pk if data.get("event") else None}

    def describe(self) -> str:
        """The group in words, without a name: what the group messages' list shows."""
        data = self.cleaned_data
        words = [str(dict(AUDIENCE_CHOICES)[data["audience"]])]
        if data.get("postcodes"):
            words.append(", ".join(data["postcodes"]))
        if data.get("locality"):
            words.append(data["locality"])
        if data.get("statuses"):
            labels = dict(VolunteerStatus.choices)
            words.append(", ".join(str(labels[s]) for s in data["statuses"]))
        if data.get("trained"):
            words.append(str(self.fields["trained"].label))
        if data.get("event"):
            words.append(data["event"].title)
        return " · ".join(words)[:300]
