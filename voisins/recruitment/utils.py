from django import forms
from django.core.exceptions import ValidationError


def errors_to_form(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form, on the named field where it has one."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
