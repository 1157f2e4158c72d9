"""The form renderer, and form widgets of the browser's own date pickers.

FormRenderer: Django's own widget templates, in their Jinja2 copies shipped with Django
(the same HTML). Jinja2 compiles a template to Python, about three times faster than the
template language for a list's filters, where every `<option>` of every `<select>` is a
template of its own. A template only the template language has (the admin's widgets)
is taken from it, as Django's default renderer would.

DateInput, DateTimeInput:
`<input type="date">` and `type="datetime-local"` only accept ISO values: with Django's
localised default format (24/10/2024 in French) the browser shows an empty field, and a
form saved again would lose the date. These widgets always render ISO 8601.
"""

from typing import Any

from django import forms
from django.forms import renderers
from django.template import TemplateDoesNotExist


class FormRenderer(renderers.Jinja2):
    fallback = renderers.DjangoTemplates()

    def get_template(self, template_name: str):
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self.fallback.get_template(template_name)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")
