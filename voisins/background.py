"""Background work queued by name, once the current transaction commits.

A task wraps a service (``messaging.tasks.deliver_message`` calls
``messaging.services.message_deliver``) and a service queues that task (a message written
is a message to deliver): were the service to import its task module, the two would
import each other. So each app's ``tasks.py`` registers its tasks here with
``@background.register`` (its ``AppConfig.ready`` imports it at start-up), and a service
queues one by its path, the same path the worker and ``ops/schedule.py`` use::

    background.after_commit("voisins.messaging.tasks.deliver_message", message.pk)

A path that no tasks module registered fails loudly where it is queued.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.tasks import Task

_TASKS: dict[str, Task] = {}


def register(task: Task) -> Task:
    """Decorator (above ``@task``): make ``task`` known by its module path."""
    _TASKS[task.module_path] = task
    return task


def _task(path: str) -> Task:
    try:
        return _TASKS[path]
    except KeyError:
        raise LookupError(f"no task registered as {path!r}: does its app's "
                          "AppConfig.ready import its tasks.py?") from None


def enqueue(path: str, *args: Any) -> Any:
    """Queue the task registered under ``path`` now; its result handle."""
    return _task(path).enqueue(*args)


def after_commit(path: str, *args: Any) -> None:
    """Queue the task registered under ``path`` once the current transaction commits
    (at once outside a transaction)."""
    _task(path)  # an unknown path fails here, where the mistake is
    transaction.on_commit(lambda: enqueue(path, *args))
