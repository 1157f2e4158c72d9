"""Background work of operations: keeping the task table and the schedule small."""

from datetime import timedelta

from django.tasks import task
from django.utils import timezone

KEEP_DAYS = 30


@task
def prune_finished_tasks() -> int:
    """Forget finished tasks and periodic claims older than a month; the rows deleted."""
    from django_tasks_db.models import DBTaskResult

    from .models import PeriodicRun, WorkerHeartbeat

    before = timezone.now() - timedelta(days=KEEP_DAYS)
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=before).delete()
    claims, _ = PeriodicRun.objects.filter(period_start__lt=before).delete()
    workers, _ = WorkerHeartbeat.objects.filter(seen_at__lt=before).delete()
    return deleted + claims + workers
