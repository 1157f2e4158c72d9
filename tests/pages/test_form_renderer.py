"""Widgets are rendered from Jinja2's copies of Django's templates: the same HTML."""

import re

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from voisins.widgets import DateInput, FormRenderer


class Everything(forms.Form):
    status = forms.ChoiceField(choices=[("waiting", "En attente"), ("matched", "Jumelée")])
    languages = forms.MultipleChoiceField(choices=[("ar", "عربي"), ("fr", "<français>")],
                                          widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(widget=forms.Textarea, help_text="Pas de données de santé")
    since = forms.DateField(widget=DateInput)
    urgent = forms.BooleanField(required=False)
    size = forms.IntegerField(min_value=1)


def tags(html: str) -> str:
    # Only the blank space between tags differs (the two languages trim lines differently).
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


@pytest.mark.parametrize("data", [None, {"status": "matched", "languages": ["ar"],
                                         "note": "<b>x</b>", "since": "2026-13-01",
                                         "size": "0"}])
def test_the_jinja2_renderer_writes_the_same_html_as_django_templates(data):
    jinja = Everything(data=data, renderer=FormRenderer())
    django = Everything(data=data, renderer=DjangoTemplates())
    assert tags(jinja.render()) == tags(django.render())
    assert "&lt;français&gt;" in jinja.render()  # escaped, as Django escapes it


def test_the_admins_own_widget_templates_come_from_the_template_language():
    template = FormRenderer().get_template("admin/widgets/related_widget_wrapper.html")
    assert template.template.engine.__class__.__name__ == "Engine"


# --- The select and input widgets written out in Python (issue 16) ------------------------

from django.forms import renderers  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

words = st.one_of(st.sampled_from(["", "a", '"x" & <y>', "L'Été", "عربي", "None"]),
                  st.text(max_size=8))
attr_values = st.one_of(st.booleans(), st.none(), st.integers(-3, 99), words)
attrs = st.dictionaries(st.sampled_from(["id", "class", "required", "disabled", "min",
                                         "aria-describedby", "data-x", "autocomplete"]),
                        attr_values, max_size=4)
choices = st.lists(st.tuples(st.one_of(words, st.integers(0, 9)), words), max_size=5)
grouped = st.lists(st.one_of(
    st.tuples(st.one_of(words, st.integers(0, 9)), words),
    st.tuples(words.filter(bool), choices)), max_size=4)


class JinjaOnly(FormRenderer):
    def render(self, template_name, context, request=None):
        return renderers.Jinja2.render(self, template_name, context, request=request)


def jinja_and_written(widget: forms.Widget, name: str, value) -> tuple[str, str]:
    renderer = FormRenderer()
    context = widget.get_context(name, value, None)
    jinja = renderers.Jinja2.render(renderer, widget.template_name, context)
    return jinja, renderer.render(widget.template_name, context)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from([forms.Select, forms.SelectMultiple, forms.NullBooleanSelect]),
       grouped, attrs, st.one_of(st.none(), words, st.lists(words, max_size=2)))
def test_a_written_select_is_the_jinja2_templates_html(widget_class, options, attrs, value):
    if widget_class is forms.NullBooleanSelect:  # its own choices, one value
        widget = widget_class(attrs=attrs)
        value = None if isinstance(value, list) else value
    else:
        widget = widget_class(attrs=attrs, choices=options)
    jinja, written = jinja_and_written(widget, "field", value)
    assert written == jinja


@settings(max_examples=150, deadline=None)
@given(st.sampled_from([forms.TextInput, forms.NumberInput, forms.EmailInput,
                        forms.URLInput, forms.PasswordInput, forms.HiddenInput,
                        forms.CheckboxInput, forms.DateInput, forms.DateTimeInput,
                        forms.TimeInput, DateInput, forms.SearchInput, forms.TelInput,
                        forms.ColorInput]),
       attrs, st.one_of(st.none(), st.booleans(), words, st.integers(-5, 5)),
       st.sampled_from(["q", 'a"b', "<n>"]))
def test_a_written_input_is_the_jinja2_templates_html(widget_class, attrs, value, name):
    jinja, written = jinja_and_written(widget_class(attrs=attrs), name, value)
    assert written == jinja


def test_the_staff_lists_filters_are_written_as_before():
    from voisins.matches.filters import CheckInFilter, MatchFilter, ProposalFilter
    from voisins.mediation.filters import CaseFilter
    from voisins.workspace.filters import FamilyFilter, VolunteerFilter

    for filter_class in (FamilyFilter, VolunteerFilter, ProposalFilter, MatchFilter,
                         CheckInFilter, CaseFilter):
        for data in ({}, {"status": "waiting", "q": '<x y="1">', "sort": "-name",
                          "archived": "on", "waiting_days": "-3"}):
            form = filter_class(data, queryset=filter_class._meta.model.objects.none()).form
            for field in form:
                form.renderer = FormRenderer()
                written = str(field)
                form.renderer = JinjaOnly()
                assert written == str(field), (filter_class, field.name)
