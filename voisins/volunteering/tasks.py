"""Background work of the volunteers' paperwork, for the worker's periodic scheduler."""

from django.tasks import task

from .services import insurance_reminders_send


@task
def insurance_reminders() -> int:
    """Tell the coordinators of each policy that ends soon, once; safe to run twice (a
    policy is claimed before its reminder is queued)."""
    return insurance_reminders_send()
