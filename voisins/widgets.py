"""Form widgets of the browser's own date pickers.

`<input type="date">` and `type="datetime-local"` only accept ISO values: with Django's
localised default format (24/10/2024 in French) the browser shows an empty field, and a
form saved again would lose the date. These widgets always render ISO 8601.
"""

from typing import Any

from django import forms


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")
