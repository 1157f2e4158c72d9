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
