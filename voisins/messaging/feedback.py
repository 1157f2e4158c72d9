"""A page's action that may message households, and what the coordinator is then told:
the service's refusal naming its field, or its success with exactly who was told how."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from voisins.feedback import errors_to_messages

from .selectors import reach_summary
from .services import collect


def attempt(request: HttpRequest, action: Callable[[], Any], success: str) -> bool:
    """Run ``action``; on success say ``success`` and what each message became (sent, to
    call…), on a ValidationError say why, naming the field. True when it was done."""
    try:
        with collect() as queued:
            action()
    except ValidationError as exc:
        errors_to_messages(request, exc)
        return False
    messages.success(request, " ".join(filter(None, [success, reach_summary(queued)])))
    return True
