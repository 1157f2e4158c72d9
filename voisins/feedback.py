"""Telling the person at the screen what a service refused, once for every page: on the
form's named field when there is a form, else as messages naming the field.

Services raise Django's ``ValidationError`` (with a field name where the rule is about
one); views pass it here. Base floor: it knows forms and messages, nothing of the
programme."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

# Fields that services name in their refusals, as the reader calls them (a refusal about
# "volunteer" reads "Volunteer household: …").
FIELD_LABELS: Mapping[str, Any] = {"family": _("Family"), "volunteer": _("Volunteer household")}


def errors_to_form(form: forms.Form, exc: ValidationError,
                   renamed: Mapping[str, str] | None = None) -> None:
    """Show a service's ValidationError on the form, on the named field where it has one
    (``renamed``: the service's field name → the form's, where they differ)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            name = (renamed or {}).get(name, name)
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def errors_to_messages(request: HttpRequest, exc: ValidationError,
                       labels: Mapping[str, Any] = FIELD_LABELS) -> None:
    """Show a service's ValidationError as error messages, each naming its field."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            label = labels.get(field, field)
            for message in errors:
                messages.error(request, message if field == "__all__" else f"{label}: {message}")
    else:
        for message in exc.messages:
            messages.error(request, message)


def form_errors_to_messages(request: HttpRequest, form: forms.Form) -> None:
    """Show an invalid form's errors as messages (for a form posted from another page)."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for message in errors:
            messages.error(request, f"{label}: {message}" if label else message)


class Saved:
    """What :func:`save_form` did: true when the service went through, with its result
    in ``value``; false when the form was not posted, invalid, or refused by the service
    (the reasons are then on the form)."""

    __slots__ = ("ok", "value")

    def __init__(self, ok: bool, value: Any = None) -> None:
        self.ok, self.value = ok, value

    def __bool__(self) -> bool:
        return self.ok


def save_form(request: HttpRequest, form: forms.Form, save: Callable[[], Any],
              success: Any = None, *, renamed: Mapping[str, str] | None = None) -> Saved:
    """The body every form page shares: on a POST of a valid form, call ``save`` (the
    service), say ``success`` (when given) and return what it returned; a refusal of the
    service goes on the form, on its named field (``errors_to_form``). The view then
    redirects when it is saved, and renders the form again otherwise::

        if saved := save_form(request, form, lambda: services.x_create(...), _("Saved.")):
            return redirect("app:x", pk=saved.value.pk)
        return render(request, "app/x.html", {"form": form})

    ``success`` may be a function of what ``save`` returned (saying nothing when it
    returns no text); ``renamed`` goes to ``errors_to_form``.
    """
    if request.method != "POST" or not form.is_valid():
        return Saved(False)
    try:
        value = save()
    except ValidationError as exc:
        errors_to_form(form, exc, renamed)
        return Saved(False)
    _say(request, success, value)
    return Saved(True, value)


def _say(request: HttpRequest, success: Any, value: Any) -> None:
    said = success(value) if callable(success) else success
    if said:
        messages.success(request, said)


def act(request: HttpRequest, save: Callable[[], Any], success: Any = None,
        labels: Mapping[str, Any] = FIELD_LABELS, *, one_message: bool = False) -> Saved:
    """The body of an action posted from another page (approve, remove, upload…): call
    ``save`` (the service); say ``success`` (a text, or a function of what the service
    returned) when it went through, or the service's refusal as messages naming the field
    (``errors_to_messages`` with ``labels``). The view then redirects back::

        act(request, lambda: services.x_approve(x=x, by=request.user), _("Approved."))
        return redirect("app:list", slug=programme.slug)

    ``one_message``: every reason in one message, without field names (the volunteer's
    portal, whose buttons have no fields to name).
    """
    try:
        value = save()
    except ValidationError as exc:
        if one_message:
            messages.error(request, " ".join(exc.messages))
        else:
            errors_to_messages(request, exc, labels)
        return Saved(False)
    _say(request, success, value)
    return Saved(True, value)


def save_posted_form(request: HttpRequest, form: forms.Form, save: Callable[[], Any],
                     success: Any = None, labels: Mapping[str, Any] | None = None) -> Saved:
    """:func:`act` for a form posted from another page: an invalid form's errors become
    messages (``form_errors_to_messages``), a valid one goes to :func:`act`, whose
    refusals name the field by ``labels`` (the form's own labels when not given)."""
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return Saved(False)
    if labels is None:
        labels = {name: field.label or name for name, field in form.fields.items()}
    return act(request, save, success, labels)
