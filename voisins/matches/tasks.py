"""Background work of match life, through Django's Tasks framework (public API only)."""

from django.tasks import task


@task
def deliver_notification(notification_id: int) -> bool:
    from .notifications import deliver

    return deliver(notification_id)


@task
def retry_notifications() -> int:
    from .notifications import retry_due

    return retry_due()


@task
def run_matching(run_id: int) -> None:
    from .services import matching_run_execute

    matching_run_execute(run_id=run_id)


@task
def followup() -> dict:
    from .services import followup_run

    return followup_run()
