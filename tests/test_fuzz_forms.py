"""hypothesis on every form of Voisins and on the match-history importer: arbitrary
unicode, huge strings, NUL characters, empty and missing fields, several values where one
is expected — validation never fails with an exception (on SQLite and PostgreSQL), every
error names a field of the form, and an importer writes all or nothing.

Forms are found by walking the apps, so a form added later fails
`test_every_form_is_fuzzed` until it has a row in `FORMS` (how to build it).
"""

import importlib
import inspect
import io
import pkgutil
from collections.abc import Callable
from typing import Any

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.datastructures import MultiValueDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import voisins

SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


def _questions(programme: Any) -> dict[str, Any]:
    from voisins.evaluation.questions import questions_for

    return {"questions": questions_for("10-18")}


def _a_family(programme: Any) -> dict[str, Any]:
    from voisins.households.services import family_create

    from .conftest import family_data

    return {"household": family_create(programme=programme, **family_data(
        email="amina@example.org", phone="+32470112233"))}


# Form (module.Class) → keyword arguments it needs, given a programme.
FORMS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "voisins.blueprints.views.NewProgrammeForm": lambda p: {"sources": [p]},
    "voisins.community.forms.EventForm": lambda p: {},
    "voisins.community.forms.InviteForm": lambda p: {},
    "voisins.community.forms.ResourceForm": lambda p: {},
    "voisins.files.forms.UploadForm": lambda p: {},
    "voisins.evaluation.forms.AttendanceForm": lambda p: {},
    "voisins.evaluation.forms.FeedbackForm": lambda p: {},
    "voisins.evaluation.forms.MatchHistoryForm": lambda p: {},
    "voisins.evaluation.forms.MeetingForm": lambda p: {},
    "voisins.evaluation.forms.MinutesForm": lambda p: {},
    "voisins.evaluation.forms.PeriodForm": lambda p: {},
    "voisins.evaluation.forms.PersistenceForm": lambda p: {},
    "voisins.evaluation.forms.ReportForm": lambda p: {},
    "voisins.evaluation.forms.SurveyForm": _questions,
    "voisins.evaluation.forms.SurveyResultsForm": lambda p: {},
    "voisins.expenses.forms.CloseYearForm": lambda p: {},
    "voisins.expenses.forms.ExpenseForm": lambda p: {"activities": []},
    "voisins.expenses.forms.RefuseForm": lambda p: {},
    "voisins.expenses.forms.RegimeForm": lambda p: {},
    "voisins.networks.forms.ClosePeriodForm": lambda p: {},
    "voisins.networks.forms.JoinForm": lambda p: {"networks": []},
    "voisins.networks.forms.NamedForm": lambda p: {},
    "voisins.networks.forms.NetworkForm": lambda p: {},
    "voisins.networks.forms.PeriodForm": lambda p: {},
    "voisins.networks.forms.RemoteMemberForm": lambda p: {},
    "voisins.networks.forms.StaffForm": lambda p: {},
    "voisins.networks.forms.LinkForm": lambda p: {},
    "voisins.familypages.forms.MessageChoicesForm": _a_family,
    "voisins.gdpr.forms.ConsentForm": lambda p: {},
    "voisins.matches.forms.ActivityForm": lambda p: {
        "categories": p.service_categories.filter(active=True)},
    "voisins.matches.forms.AnswerForm": lambda p: {},
    "voisins.matches.forms.CheckInForm": lambda p: {},
    "voisins.matches.forms.EndForm": lambda p: {},
    "voisins.matches.forms.HelpForm": lambda p: {},
    "voisins.matches.forms.IntroductionHeldForm": lambda p: {},
    "voisins.matches.forms.RunFilterForm": lambda p: {"areas": [("1030", "1030 Schaerbeek")]},
    "voisins.matches.forms.IntroductionPlanForm": lambda p: {},
    "voisins.matches.forms.PauseForm": lambda p: {},
    "voisins.matches.forms.ProgrammePauseForm": lambda p: {},
    "voisins.matches.forms.ProposalEditForm": lambda p: {},
    "voisins.mediation.forms.CallbackDoneForm": lambda p: {},
    "voisins.mediation.forms.CaseForm": lambda p: {},
    "voisins.mediation.forms.NoteForm": lambda p: {},
    "voisins.mediation.forms.ResolveForm": lambda p: {},
    "voisins.portal.forms.AccountForm": lambda p: {},
    "voisins.portal.forms.LinkRequestForm": lambda p: {},
    "voisins.portal.forms.PreferencesForm": lambda p: {"programme": p},
    "voisins.recruitment.forms.CampaignForm": lambda p: {"programme": p},
    "voisins.recruitment.forms.CharterForm": lambda p: {},
    "voisins.recruitment.forms.DecisionForm": lambda p: {},
    "voisins.recruitment.forms.InterviewForm": lambda p: {},
    "voisins.recruitment.forms.NewsPostForm": lambda p: {},
    "voisins.recruitment.forms.PublicTextForm": lambda p: {},
    "voisins.recruitment.forms.ReferralForm": lambda p: {"programme": p},
    "voisins.recruitment.forms.SignupForm": lambda p: {"programme": p},
    "voisins.matches.forms.MatchingWeightsForm": lambda p: {"current": {}},
    "voisins.staff.forms.CategoryForm": lambda p: {},
    "voisins.staff.group_forms.GroupMessageForm": lambda p: {"programme": p},
    "voisins.staff.forms.ConsentForm": lambda p: {},
    "voisins.sharing.forms.PublishFromForm": lambda p: {"choices": [
        ("training_module:1:1", "Voisins Nord – training module: Welcome")]},
    "voisins.sharing.forms.WhatChangedForm": lambda p: {},
    "voisins.sharing.kinds.CategoryContentForm": lambda p: {},
    "voisins.sharing.kinds.ModuleContentForm": lambda p: {},
    "voisins.sharing.kinds.TemplateContentForm": lambda p: {},
    "voisins.staff.forms.FamilyForm": lambda p: {"programme": p},
    "voisins.staff.forms.ImportForm": lambda p: {},
    "voisins.staff.forms.InviteForm": lambda p: {},
    "voisins.staff.forms.MemberForm": lambda p: {},
    "voisins.staff.forms.ProgrammeSettingsForm": lambda p: {"programme": p},
    "voisins.staff.forms.StatusForm": lambda p: {},
    "voisins.staff.forms.VolunteerForm": lambda p: {"programme": p},
    "voisins.training.forms.ModuleForm": lambda p: {},
    "voisins.transfers.forms.ConsentStepForm": lambda p: {"programmes": type(p).objects.all()},
    "voisins.transfers.forms.TransferForm": lambda p: {"programmes": type(p).objects.all()},
    "voisins.training.forms.SessionForm": lambda p: {"programme": p},
    "voisins.volunteering.forms.NoteForm": lambda p: {},
    "voisins.volunteering.forms.PolicyForm": lambda p: {"programme": p},
    "voisins.volunteering.forms.PaperForm": lambda p: {},
    "voisins.workspace.forms.RadiusForm": lambda p: {},
}
# Forms that are not filled in by people, or are fuzzed elsewhere, and why.
NOT_FUZZED_HERE = {
    "voisins.recruitment.forms.LanguageRowsMixin": "a mixin: fuzzed through its two forms",
    "voisins.ops.household_import._HouseholdRow": "import rows: tests/test_fuzz_inputs.py",
    "voisins.ops.household_import.FamilyRow": "import rows: tests/test_fuzz_inputs.py",
    "voisins.ops.household_import.VolunteerRow": "import rows: tests/test_fuzz_inputs.py",
    "voisins.evaluation.importers.MatchRow": "one import row: the importer test below",
    "voisins.households.admin.HouseholdAdminForm": "the admin, for super-users",
    "voisins.networks.forms._Form": "a base class: fuzzed through the networks' forms",
    "voisins.matches.forms.HouseholdForm": "a base class: fuzzed through the households' forms",
    "voisins.transfers.forms._ToProgramme": "a base class: fuzzed through its two forms",
    "voisins.staff.forms.HouseholdForm": "a base class: fuzzed through FamilyForm and "
                                         "VolunteerForm",
}


def voisins_forms() -> set[str]:
    """Every Form class defined in a module of the voisins package (engine excluded)."""
    found = set()
    for module_info in pkgutil.walk_packages(voisins.__path__, "voisins."):
        name = module_info.name
        if ".matching" in name or ".migrations" in name or "management" in name \
                or name.endswith((".wsgi", ".manage", ".__main__", ".settings")):
            continue
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        for _attr, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, forms.BaseForm) and value.__module__ == name \
                    and value not in (forms.Form, forms.ModelForm):
                found.add(f"{name}.{value.__name__}")
    return found


def test_every_form_is_fuzzed():
    found = voisins_forms()
    missing = sorted(found - set(FORMS) - set(NOT_FUZZED_HERE))
    assert not missing, f"forms without a row in FORMS: {missing}"
    gone = sorted((set(FORMS) | set(NOT_FUZZED_HERE)) - found)
    assert not gone, f"rows for forms that no longer exist: {gone}"


def _form_class(path: str) -> type:
    module, _sep, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)


# One value as a browser could send it: plausible, hostile, huge, empty.
values = st.one_of(
    st.sampled_from(["", " ", "0", "-1", "1", "5", "1e309", "NaN", "yes", "on", "2024-02-30",
                     "2030-01-01T10:00", "1030", "fr", "ar", "homework", "wed-pm", "x" * 6000,
                     "a\x00b", "\u202e", "٣", "🙂", "' OR 1=1 --", "<script>", "9" * 20, "mon-am",
                     "coordinator", "https://example.org", "javascript:alert(1)"]),
    st.text(max_size=80),
)
field_values = st.lists(values, max_size=3)


def _data(form_class: type, kwargs: dict[str, Any], draw: Any) -> MultiValueDict:
    """Some of the form's fields, each with zero to three values; a few unknown ones."""
    names = list(form_class(**kwargs).fields)
    chosen = draw(st.lists(st.sampled_from(names), unique=True)) if names else []
    data = MultiValueDict({name: draw(field_values) for name in chosen})
    for name in draw(st.lists(st.sampled_from(["unknown", "action", "csrfmiddlewaretoken"]),
                              unique=True, max_size=2)):
        data.setlist(name, draw(field_values))
    return data


def _files(form_class: type, kwargs: dict[str, Any], draw: Any) -> dict[str, Any]:
    files = {}
    for name, field in form_class(**kwargs).fields.items():
        if isinstance(field, forms.FileField) and draw(st.booleans()):
            filename = draw(st.sampled_from(["a.csv", "a.xlsx", "a.exe", "a", "a.CSV",
                                             "é.xlsx", "x" * 250 + ".csv"]))
            files[name] = SimpleUploadedFile(filename, draw(st.binary(max_size=200)))
    return files


@pytest.mark.parametrize("path", sorted(FORMS))
def test_a_form_names_its_fields_whatever_it_is_sent(north, path):
    form_class = _form_class(path)
    kwargs = FORMS[path](north)

    @SETTINGS
    @given(st.data())
    def check(data):
        form = form_class(_data(form_class, kwargs, data.draw),
                          _files(form_class, kwargs, data.draw) or None, **kwargs)
        if form.is_valid():
            return
        assert set(form.errors) <= set(form.fields) | {"__all__"}, form.errors
        for messages in form.errors.values():
            assert messages and all(str(message).strip() for message in messages)

    check()


# --- The match-history importer (voisins.evaluation.importers) ------------------------------

COLUMNS = ["family", "volunteer", "start", "end", "end_reason", "family_postcode",
           "volunteer_postcode", "needs"]
cells = st.one_of(
    st.sampled_from(["", "F1", "V1", "2022-01-10", "2023-06-30", "2031-01-01", "2024-02-30",
                     "moved-away", "goal reached", "1030", "9999", "homework", "x" * 3000,
                     "=cmd|' /C calc'!A0", "\u202e"]),
    st.text(max_size=40),
)


def _match_counts() -> tuple[int, ...]:
    from voisins.households.models import FamilyHousehold, VolunteerHousehold
    from voisins.matches.models import Match, Proposal

    return (Match.objects.count(), Proposal.objects.count(), FamilyHousehold.objects.count(),
            VolunteerHousehold.objects.count())


@SETTINGS
@given(rows=st.lists(st.lists(cells, min_size=0, max_size=8), min_size=0, max_size=5),
       header=st.permutations(COLUMNS))
def test_the_match_history_import_writes_all_or_nothing(north, rows, header):
    import csv

    from voisins.evaluation.importers import import_matches

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    try:
        data = out.getvalue().encode("utf-8")
    except UnicodeEncodeError:
        return
    before = _match_counts()
    result = import_matches(programme=north, upload=io.BytesIO(data), filename="history.csv")
    if result.ok:
        assert _match_counts()[0] == before[0] + result.created
        return
    assert _match_counts() == before
    for error in result.errors:
        assert error.row >= 1 and error.message
        assert error.column == "" or error.column in COLUMNS, error


@SETTINGS
@given(data=st.binary(max_size=2000), name=st.sampled_from(["a.csv", "a.xlsx", "a.pdf"]))
def test_the_match_history_import_survives_any_bytes(north, data, name):
    from voisins.evaluation.importers import import_matches

    before = _match_counts()
    result = import_matches(programme=north, upload=io.BytesIO(data), filename=name)
    if not result.ok:
        assert _match_counts() == before and result.errors[0].message
