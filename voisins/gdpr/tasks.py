"""Background work of the privacy duties, for the task queue and its periodic scheduler."""

from typing import Any

from django.tasks import task

from .services import purge_inactive


@task
def purge_inactive_task() -> dict[str, Any]:
    """Anonymise the households inactive for longer than their programme's retention period.

    Safe to run at any time and more than once: erased households are skipped.
    """
    return purge_inactive()
