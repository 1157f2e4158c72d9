"""The form renderer, and form widgets of the browser's own date pickers.

FormRenderer: Django's own widget templates, in their Jinja2 copies shipped with Django
(the same HTML). Jinja2 compiles a template to Python, about three times faster than the
template language for a list's filters, where every `<option>` of every `<select>` is a
template of its own. A template only the template language has (the admin's widgets)
is taken from it, as Django's default renderer would. The commonest two, a `<select>`
with its options and an `<input>` (text, number, search, date, check box…), are written
out here, with the same characters as those Jinja2 templates (escaped as Jinja2 escapes),
at a fifth of their cost: the staff lists' filters are drawn on every request (issue 16).

DateInput, DateTimeInput:
`<input type="date">` and `type="datetime-local"` only accept ISO values: with Django's
localised default format (24/10/2024 in French) the browser shows an empty field, and a
form saved again would lose the date. These widgets always render ISO 8601.
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.forms import renderers
from django.template import TemplateDoesNotExist
from markupsafe import escape

_WIDGETS = "django/forms/widgets/"
_OPTION = f"{_WIDGETS}select_option.html"


def _attrs(attrs: dict[str, Any]) -> str:
    # django/forms/widgets/attrs.html
    return "".join("" if value is False else f" {escape(name)}" if value is True
                   else f' {escape(name)}="{escape(value)}"' for name, value in attrs.items())


def _input(widget: dict[str, Any]) -> str:
    # django/forms/widgets/input.html (and each template that only includes it)
    value = widget["value"]
    shown = "" if value is None else f' value="{escape(value)}"'
    return (f'<input type="{escape(widget["type"])}" name="{escape(widget["name"])}"{shown}'
            f'{_attrs(widget["attrs"])}>')


def _select(widget: dict[str, Any]) -> str | None:
    # django/forms/widgets/select.html with select_option.html for each option; None
    # when an option has a template of its own.
    parts = [f'<select name="{escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{escape(group_name)}">')
        for option in group_choices:
            if option["template_name"] != _OPTION:
                return None
            parts.append(f'\n  <option value="{escape(option["value"])}"'
                         f'{_attrs(option["attrs"])}>{escape(option["label"])}</option>')
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


_WRITTEN: dict[str, Callable[[dict[str, Any]], str | None]] = {
    f"{_WIDGETS}select.html": _select,
    **{f"{_WIDGETS}{name}.html": _input for name in (
        "input", "text", "number", "search", "email", "url", "tel", "password", "hidden",
        "checkbox", "date", "datetime", "time", "color")},
}


class FormRenderer(renderers.Jinja2):
    fallback = renderers.DjangoTemplates()

    def get_template(self, template_name: str):
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self.fallback.get_template(template_name)

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        write = _WRITTEN.get(template_name)
        if write is not None and "widget" in context:
            html = write(context["widget"])
            if html is not None:
                return html
        return super().render(template_name, context, request=request)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")
