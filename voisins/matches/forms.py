"""Forms of match life: they parse and name the bad field; the rules live in services."""

from datetime import datetime, time

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from voisins.programmes import languages
from voisins.programmes.matching_weights import INTEGER_WEIGHTS, WEIGHT_LABELS, defaults
from voisins.widgets import DateInput, DateTimeInput

from .models import Activity, CaseKind, CheckIn, Match, Proposal


def language_choices() -> list[tuple[str, str]]:
    # By name, in the reader's language and collation (voisins.programmes.languages).
    return languages.language_choices()


class HouseholdForm(forms.Form):
    """A form households answer: its labels are questions or short words, shown without
    Django's ":" suffix (which would also follow an Arabic "؟", a mark Django does not know).
    """

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class ProposalEditForm(forms.Form):
    note = forms.CharField(label=_("Note for the households"), max_length=500, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))
    expires_on = forms.DateField(label=_("Answer before"), required=False, widget=DateInput)

    def clean_expires_on(self):
        day = self.cleaned_data["expires_on"]
        if day and day <= timezone.localdate():
            raise forms.ValidationError(_("Give a date in the future."))
        return day

    @staticmethod
    def initial_for(*, note: str, expires_at: datetime | None) -> dict:
        """The form's values for a stored proposal (its answer date in local time)."""
        return {"note": note,
                "expires_on": timezone.localdate(expires_at) if expires_at else None}

    def expires_at(self, current: datetime | None = None) -> datetime | None:
        """The new answer deadline: the end of the chosen day, or ``current`` unchanged
        when the day is the one it already falls on (saving a form as it was changes
        nothing)."""
        day = self.cleaned_data.get("expires_on")
        if not day:
            return None
        if current is not None and timezone.localdate(current) == day:
            return current
        return timezone.make_aware(datetime.combine(day, time(23, 59)))


class AnswerForm(HouseholdForm):
    answer = forms.ChoiceField(label=_("Your answer"), widget=forms.RadioSelect,
                               choices=[("yes", _("Yes, we would like to meet")),
                                        ("no", _("No, thank you"))])
    reason = forms.ChoiceField(label=_("Why not?"), required=False,
                               choices=[("", "—"), *Proposal.DeclineReason.choices])
    comment = forms.CharField(label=_("Anything to add"), max_length=300, required=False)

    def clean(self):
        data = super().clean()
        if data.get("answer") == "no" and not data.get("reason"):
            self.add_error("reason", _("Choose a reason for saying no."))
        return data


class IntroductionPlanForm(forms.Form):
    planned_at = forms.DateTimeField(label=_("Date and time"), widget=DateTimeInput,
                                     input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    place = forms.CharField(label=_("Place"), max_length=200)
    coordinator_attends = forms.BooleanField(label=_("A coordinator attends"), required=False)
    interpreter_attends = forms.BooleanField(label=_("An interpreter attends"), required=False)
    interpreter_language = forms.ChoiceField(label=_("Interpreter's language"), required=False,
                                             choices=[("", "—")])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["interpreter_language"].choices = [("", "—"), *language_choices()]

    def clean(self):
        data = super().clean()
        if data.get("interpreter_attends") and not data.get("interpreter_language"):
            self.add_error("interpreter_language", _("Choose the interpreter's language."))
        return data


class IntroductionHeldForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DateInput)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class CheckInForm(HouseholdForm):
    rating = forms.TypedChoiceField(
        label=_("How is it going?"), coerce=int, widget=forms.RadioSelect,
        choices=[(5, _("5 – very well")), (4, _("4 – well")), (3, _("3 – so-so")),
                 (2, _("2 – not well")), (1, _("1 – badly"))])
    frequency = forms.ChoiceField(label=_("How often do you meet?"),
                                  choices=CheckIn.Frequency.choices)
    activities = forms.CharField(label=_("What did you do together?"), max_length=500,
                                 required=False, widget=forms.Textarea(attrs={"rows": 2}))
    worry = forms.CharField(label=_("Is anything worrying you?"), max_length=1000,
                            required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ActivityForm(HouseholdForm):
    category = forms.ChoiceField(label=_("What did you do?"))
    done_on = forms.DateField(label=_("Date"), widget=DateInput)
    duration = forms.ChoiceField(label=_("How long?"), required=False,
                                 choices=[("", "—"), *Activity.Duration.choices])
    text = forms.CharField(label=_("In a few words (optional)"), max_length=200, required=False)
    hours = forms.DecimalField(label=_("Hours given (optional)"), required=False,
                               min_value=0, max_value=24, max_digits=4, decimal_places=2,
                               widget=forms.NumberInput(attrs={"step": "0.25",
                                                               "inputmode": "decimal"}))

    def __init__(self, *args, categories=(), hours=True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [(c.code, c.label) for c in categories]
        if not hours:
            del self.fields["hours"]


class PauseForm(forms.Form):
    reason = forms.CharField(label=_("Why (holidays, illness…)"), max_length=300)


class EndForm(forms.Form):
    # No reason chosen in advance: a pre-selected "goal reached" ended matches with a
    # reason nobody gave, and raised the outcome figures.
    reason = forms.ChoiceField(label=_("Why does the match end?"),
                               choices=[("", "—"), *Match.EndReason.choices],
                               error_messages={"required": _("Choose why the match ends.")})
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    family_waits_again = forms.BooleanField(
        label=_("The family goes back to the waiting list"), required=False)


class ProgrammePauseForm(forms.Form):
    message = forms.CharField(label=_("Message to every household"), max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 4}))


class HelpForm(HouseholdForm):
    """A household asks for help: what about, in a few words, and maybe a call back."""

    kind = forms.ChoiceField(label=_("What is it about?"), choices=[("", "—"), *CaseKind.choices])
    summary = forms.CharField(label=_("Tell us in a few words"), max_length=2000,
                              required=False, widget=forms.Textarea(attrs={"rows": 3}))
    callback = forms.BooleanField(label=_("Please call me back"), required=False)
    when = forms.CharField(label=_("When can we call you?"), max_length=200, required=False)
    language = forms.ChoiceField(label=_("In which language?"), required=False)
    interpreter_needed = forms.BooleanField(label=_("I need an interpreter"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", "—"), *language_choices()]

    def clean(self):
        data = super().clean()
        if data.get("callback"):
            if not data.get("when"):
                self.add_error("when", _("Say when we may call you."))
            if not data.get("language"):
                self.add_error("language", _("Choose a language."))
        elif not data.get("summary"):
            self.add_error("summary", _("Tell us what happened, or ask to be called back."))
        return data

    def callback_data(self) -> dict | None:
        if not self.cleaned_data.get("callback"):
            return None
        return {"when": self.cleaned_data["when"], "language": self.cleaned_data["language"],
                "interpreter_needed": self.cleaned_data["interpreter_needed"]}


class MatchingWeightsForm(forms.Form):
    """The programme's score weights, one field each, starting from what is in use."""

    def __init__(self, *args, current: dict | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        values = {**defaults(), **(current or {})}
        for name, (label, help_text) in WEIGHT_LABELS.items():
            if name in INTEGER_WEIGHTS:
                field: forms.Field = forms.IntegerField(label=label, help_text=help_text)
            else:
                field = forms.FloatField(label=label, help_text=help_text, min_value=0,
                                         widget=forms.NumberInput(attrs={"step": "any"}))
            field.initial = values.get(name)
            self.fields[name] = field


class RunFilterForm(forms.Form):
    """The filters and the order of a matching run's pairs (its page's query string):
    a value that makes no sense is refused, naming the field."""

    area = forms.ChoiceField(label=_("Area"), required=False)
    max_km = forms.FloatField(label=_("At most (km)"), required=False, min_value=0,
                              max_value=1000, widget=forms.NumberInput(attrs={"step": "0.5"}))
    min_score = forms.FloatField(label=_("Score at least"), required=False, min_value=0,
                                 max_value=10_000,
                                 widget=forms.NumberInput(attrs={"step": "0.5"}))
    # Every order the column headers link to, too (selectors.RUN_SORTS).
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=[
        ("-score", _("Best score first")), ("score", _("Lowest score first")),
        ("distance", _("Closest first")), ("-distance", _("Farthest first")),
        ("family", _("Family, A to Z")), ("-family", _("Family, Z to A")),
        ("area", _("Area, ascending")), ("-area", _("Area, descending"))])

    def __init__(self, *args, areas: list[tuple[str, str]] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", _("All")), *areas]
