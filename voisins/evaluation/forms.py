from django import forms
from django.utils.translation import gettext_lazy as _

from voisins.households.importers import import_file_field
from voisins.widgets import DateInput, DateTimeInput


class MatchHistoryForm(forms.Form):
    file = import_file_field(_("One match per row: family, volunteer, start, end (empty while "
                               "active), end_reason. The columns are explained in the guide."))


class PeriodForm(forms.Form):
    """A period of time, read from the query string (pages can be bookmarked)."""

    start = forms.DateField(label=_("From"), required=False,
                            widget=DateInput())
    end = forms.DateField(label=_("To"), required=False,
                          widget=DateInput())

    def clean(self) -> dict:
        from .selectors import period_date_problem

        data = super().clean()
        for name in ("start", "end", "cutoff"):
            problem = period_date_problem(data.get(name))
            if problem:
                self.add_error(name, problem)
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end of the period is before its start."))
        return data


class PersistenceForm(PeriodForm):
    split = forms.ChoiceField(label=_("Compare"), required=False, choices=[])
    cutoff = forms.DateField(
        label=_("Cut-off date"), required=False,
        help_text=_("For example the start of a lockdown."),
        widget=DateInput(),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        from .selectors import split_labels

        super().__init__(*args, **kwargs)
        self.fields["split"].choices = list(split_labels().items())

    def clean(self) -> dict:
        data = super().clean()
        if data.get("split") == "cutoff" and not data.get("cutoff"):
            self.add_error("cutoff", _("Give the cut-off date to compare before and after."))
        return data


class SurveyResultsForm(PeriodForm):
    wave = forms.ChoiceField(label=_("Follow-up"), required=False,
                             choices=[("m6", _("after 6 months")), ("m12", _("after 12 months"))])
    band = forms.ChoiceField(label=_("Age band"), required=False, choices=[])

    def __init__(self, *args: object, **kwargs: object) -> None:
        from .questions import AgeBand

        super().__init__(*args, **kwargs)
        self.fields["band"].choices = [("", _("all ages"))] + list(AgeBand.choices)


class SurveyForm(forms.Form):
    """One child's answers: a face from 1 to 5 per question, or skipped."""

    def __init__(self, *args: object, questions: list, **kwargs: object) -> None:
        from .questions import FACES

        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[question.indicator] = forms.TypedChoiceField(
                label=question.text, required=False, coerce=int, empty_value=None,
                choices=[("", _("Skip this question"))] + [(v, label) for v, label in FACES],
                widget=forms.RadioSelect,
            )

    def answers(self) -> dict[str, int]:
        return {k: v for k, v in self.cleaned_data.items() if v is not None}

    def clean(self) -> dict:
        data = super().clean()
        if not any(v is not None for v in data.values()):
            raise forms.ValidationError(_("Answer at least one question."))
        return data


class ReportForm(PeriodForm):
    language = forms.ChoiceField(label=_("Language of the report"),
                                 choices=[("fr", "Français"), ("nl", "Nederlands"),
                                          ("en", "English")])
    format = forms.ChoiceField(label=_("Format"), choices=[("pdf", "PDF"), ("xlsx", "XLSX")],
                               widget=forms.HiddenInput, required=False)


class MeetingForm(forms.Form):
    year = forms.IntegerField(label=_("Year evaluated"), min_value=2000, max_value=2100)
    planned_at = forms.DateTimeField(
        label=_("Date and time"),
        widget=DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    place = forms.CharField(label=_("Place"), max_length=200)
    feedback_until = forms.DateField(
        label=_("Feedback form open until"), required=False,
        widget=DateInput())


def _theme_field() -> forms.MultipleChoiceField:
    from .themes import Theme

    return forms.MultipleChoiceField(label=_("Themes"), required=False, choices=Theme.choices,
                                     widget=forms.CheckboxSelectMultiple)


class FeedbackForm(forms.Form):
    what_works = forms.CharField(label=_("What works well?"), required=False, max_length=3000,
                                 widget=forms.Textarea(attrs={"rows": 4}))
    what_is_hard = forms.CharField(label=_("What is hard?"), required=False, max_length=3000,
                                   widget=forms.Textarea(attrs={"rows": 4}))
    what_to_change = forms.CharField(label=_("What should the programme change?"),
                                     required=False, max_length=3000,
                                     widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["themes"] = _theme_field()
        self.fields["themes"].label = _("Which of these themes matter to you this year?")


class MinutesForm(forms.Form):
    minutes = forms.CharField(label=_("Minutes"), max_length=20000,
                              widget=forms.Textarea(attrs={"rows": 10}))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["themes"] = _theme_field()
        self.fields["themes"].label = _("Themes discussed")


class AttendanceForm(forms.Form):
    invitation = forms.IntegerField()
    attendance = forms.ChoiceField(choices=[("", "—"), ("present", "present"),
                                            ("excused", "excused"), ("absent", "absent")],
                                   required=False)
