"""Queueing an e-mail from the apps that sit below the e-mail queue, and the language to
write to someone in.

The queue of e-mails (``Notification``, its templates and the task that sends it) is
``voisins.matches.notifications``. The apps below it (programmes: a staff invitation;
recruitment, listed before matches on the domain floor: a sign-up to confirm) must not
import it: they call :func:`notify` here, which hands the mail to what the matches app
registered at start-up (``MatchesConfig.ready``) — the same registry mechanism as
``voisins.messaging.services.register_hold``.
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings

NOTIFIERS: list[Callable[..., Any]] = []


def register_notifier(notifier: Callable[..., Any]) -> Callable[..., Any]:
    """Register ``notifier`` (called as ``notifier(kind=, to_email=, language=, context=,
    programme=)``): it queues the e-mails :func:`notify` is asked for. Usable as a
    decorator; registering the same function twice keeps one."""
    if notifier not in NOTIFIERS:
        NOTIFIERS.append(notifier)
    return notifier


def notify(*, kind: str, to_email: str, language: str, context: dict[str, Any],
           programme: Any = None) -> None:
    """Queue one e-mail through the registered queue (see the module's docstring)."""
    for notifier in NOTIFIERS:
        notifier(kind=kind, to_email=to_email, language=language, context=context,
                 programme=programme)


def recipient_language(user: Any = None, fallback: str = "") -> str:
    """The language to write to someone in: their own choice, else the programme default."""
    language = (getattr(user, "language", "") or fallback or settings.LANGUAGE_CODE)
    known = {code for code, _name in settings.LANGUAGES}
    return language if language in known else settings.LANGUAGE_CODE
