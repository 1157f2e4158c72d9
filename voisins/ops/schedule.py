"""Periodic jobs: which task runs how often, and how a period is claimed exactly once.

Every scheduler (each ``voisins worker``, and ``voisins runserver`` on a laptop) calls
:func:`schedule_due` every few seconds. A job's time is cut into periods (an hour, a day);
the first scheduler to insert the :class:`~voisins.ops.models.PeriodicRun` row of the
current period queues the task, every other one hits the unique constraint and moves on.
The jobs themselves are idempotent, so a period run late or retried after a crash does no
harm either.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.tasks import Task, task_backends
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import PeriodicRun

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    task_path: str
    every: timedelta

    @property
    def task(self) -> Task:
        return import_string(self.task_path)

    def period_start(self, now: datetime) -> datetime:
        """The start of the period that contains ``now`` (periods are counted from the
        Unix epoch in UTC, so every machine cuts them the same way)."""
        epoch = datetime(1970, 1, 1, tzinfo=UTC)
        step = int(self.every.total_seconds())
        seconds = int((now - epoch).total_seconds())
        return epoch + timedelta(seconds=seconds - seconds % step)


JOBS: tuple[Job, ...] = (
    # Expire proposals, mail the check-ins that fell due, flag matches needing attention.
    Job("followup", "voisins.matches.tasks.followup", timedelta(hours=1)),
    # Mail that could not be sent (server down) is tried again with a growing delay.
    Job("retry-notifications", "voisins.matches.tasks.retry_notifications",
        timedelta(minutes=10)),
    # Messages to households that could not go yet (provider or mail server down).
    Job("retry-messages", "voisins.messaging.tasks.retry_messages", timedelta(minutes=5)),
    # Retention duties: households inactive past their programme's period are anonymised.
    Job("purge-inactive", "voisins.gdpr.tasks.purge_inactive_task", timedelta(days=1)),
    # Sign-ups never confirmed within a week are deleted.
    Job("purge-signups", "voisins.recruitment.tasks.purge_unconfirmed_signups",
        timedelta(days=1)),
    # Coordinators are told once when a volunteers' insurance policy is about to end.
    Job("insurance-reminders", "voisins.volunteering.tasks.insurance_reminders",
        timedelta(days=1)),
    # Programmes publish their monthly aggregate figures to their networks (issue 20):
    # those of this instance, and those on another instance over the API.
    Job("publish-aggregates", "voisins.networks.tasks.publish_aggregates",
        timedelta(days=1)),
    # The task table keeps finished tasks for a while, then forgets them.
    Job("prune-tasks", "voisins.ops.tasks.prune_finished_tasks", timedelta(days=1)),
)


def _backend():
    return task_backends["default"]


def schedule_due(*, now: datetime | None = None, jobs: tuple[Job, ...] = JOBS) -> list[str]:
    """Queue every job whose current period nobody has claimed yet; the names queued.

    With the database backend the claim and the queued task are written in one
    transaction: both or neither. With the immediate backend (a laptop) the task runs
    after the claim is committed, in the caller's thread.
    """
    from django_tasks_db import DatabaseBackend

    now = now or timezone.now()
    in_database = isinstance(_backend(), DatabaseBackend)
    queued = []
    for job in jobs:
        start = job.period_start(now)
        if PeriodicRun.objects.filter(job=job.name, period_start=start).exists():
            continue
        try:
            with transaction.atomic():
                run = PeriodicRun.objects.create(job=job.name, period_start=start)
                if in_database:
                    result = job.task.enqueue()
                    PeriodicRun.objects.filter(pk=run.pk).update(task_id=str(result.id))
                else:
                    transaction.on_commit(job.task.enqueue)
        except IntegrityError:
            # Another scheduler claimed this period a moment ago.
            continue
        logger.info("periodic job queued", extra={"job": job.name})
        queued.append(job.name)
    return queued
