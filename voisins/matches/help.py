"""A household asks the team for help on its pages (this app's): the request becomes a
mediation case. `voisins.mediation` sits above matches, so it registers at start-up
(``MediationConfig.ready``) the function that opens the case — the same registry
mechanism as ``voisins.messaging.services.register_hold``."""

from collections.abc import Callable
from typing import Any

HELP_HANDLERS: list[Callable[..., Any]] = []


def register_help_handler(handler: Callable[..., Any]) -> Callable[..., Any]:
    """Register ``handler``, called with the keyword arguments of :func:`help_request`
    (``mediation.services.case_open``'s). Registering the same function twice keeps one."""
    if handler not in HELP_HANDLERS:
        HELP_HANDLERS.append(handler)
    return handler


def help_request(**request: Any) -> None:
    """Hand a household's request for help to the registered handlers; a refusal
    (ValidationError) goes back to the page."""
    for handler in HELP_HANDLERS:
        handler(**request)
