"""Background work of match life, through Django's Tasks framework (public API only).

Services and notifications queue these by path through `voisins.background` (they do
not import this module, which imports them); `MatchesConfig.ready` imports it.
"""

from django.tasks import task

from voisins import background

from .notifications import deliver, retry_due
from .services import followup_run, matching_run_execute


@background.register
@task
def deliver_notification(notification_id: int) -> bool:
    return deliver(notification_id)


@background.register
@task
def retry_notifications() -> int:
    return retry_due()


@background.register
@task
def run_matching(run_id: int) -> None:
    matching_run_execute(run_id=run_id)


@background.register
@task
def followup() -> dict:
    return followup_run()
