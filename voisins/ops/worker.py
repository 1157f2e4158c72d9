"""The task worker of a real deployment: django-tasks-db's worker, plus what a crash needs.

django-tasks-db claims a task (status RUNNING) and runs it; if the process dies there, the
task would stay RUNNING for ever. So each ``voisins worker`` keeps a heartbeat row fresh
from a thread, and every worker puts back in the queue the tasks of workers whose heartbeat
went stale. The tasks are written to be idempotent (a retried check-in round skips the
check-ins already mailed, a retried matching run that had finished does nothing), so a
retried task does its work once in total. The same thread runs the periodic scheduler.
"""

from __future__ import annotations

import functools
import logging
import os
import socket
import threading
from datetime import timedelta

from django.db import DatabaseError, close_old_connections, connection
from django.tasks import TaskResultStatus
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from .logging import traceback_without_message
from .models import WorkerHeartbeat
from .schedule import schedule_due

logger = logging.getLogger(__name__)

# A task whose worker died this many times is not tried again: it may be what kills it.
MAX_ATTEMPTS = 5


class WorkerLost(Exception):
    """Recorded on a task whose workers kept dying while running it."""


def new_worker_id() -> str:
    return f"{socket.gethostname()[:30]}-{os.getpid()}-{get_random_string(8)}"[:64]


def beat(worker_id: str) -> None:
    """Say that this worker is alive now."""
    now = timezone.now()
    updated = WorkerHeartbeat.objects.filter(worker_id=worker_id).update(seen_at=now)
    if not updated:
        WorkerHeartbeat.objects.create(worker_id=worker_id, hostname=socket.gethostname()[:255],
                                       pid=os.getpid(), started_at=now, seen_at=now)


def recover_lost_tasks(*, stale_after: timedelta, now=None) -> int:
    """Put back in the queue the tasks whose worker stopped beating; the number recovered.

    A task is lost when it has been RUNNING for longer than ``stale_after`` and the last
    worker that claimed it has no heartbeat within ``stale_after``. After
    :data:`MAX_ATTEMPTS` claims it is marked failed instead.
    """
    now = now or timezone.now()
    cutoff = now - stale_after
    alive = set(WorkerHeartbeat.objects.filter(seen_at__gte=cutoff)
                .values_list("worker_id", flat=True))
    recovered = 0
    with exclusive_transaction(DBTaskResult.objects.db):
        lost = (DBTaskResult.objects.running().filter(started_at__lt=cutoff)
                .select_for_update(skip_locked=True))
        for task in lost:
            if task.worker_ids and task.worker_ids[-1] in alive:
                continue
            if len(task.worker_ids) >= MAX_ATTEMPTS:
                task.status = TaskResultStatus.FAILED
                task.finished_at = now
                task.exception_class_path = f"{WorkerLost.__module__}.{WorkerLost.__qualname__}"
                task.traceback = f"The worker died while running it, {len(task.worker_ids)} times."
                task.save(update_fields=["status", "finished_at", "exception_class_path",
                                         "traceback"])
                logger.error("task given up after its workers died",
                             extra={"task_id": str(task.id), "task": task.task_path})
            else:
                task.status = TaskResultStatus.READY
                task.started_at = None
                task.save(update_fields=["status", "started_at"])
                logger.warning("task of a dead worker queued again",
                               extra={"task_id": str(task.id), "task": task.task_path})
            recovered += 1
    return recovered


class Heartbeat(threading.Thread):
    """Beats, recovers lost tasks and runs the scheduler every ``every`` seconds."""

    def __init__(self, *, worker_id: str, every: float, stale_after: float,
                 schedule: bool = True) -> None:
        super().__init__(name="voisins-heartbeat", daemon=True)
        self.worker_id = worker_id
        self.every = every
        self.stale_after = timedelta(seconds=stale_after)
        self.schedule = schedule
        self.stopping = threading.Event()

    def tick(self) -> None:
        # Each step on its own: the thread must never die, or the other workers would take
        # this one for dead and run its task a second time.
        steps = [("heartbeat", lambda: beat(self.worker_id)),
                 ("recovery", lambda: recover_lost_tasks(stale_after=self.stale_after))]
        if self.schedule:
            steps.append(("schedule", schedule_due))
        for name, step in steps:
            try:
                step()
            except DatabaseError as exc:
                # The database is restarting: the next tick tries on a new connection.
                logger.warning("%s failed", name, extra={"error": type(exc).__name__})
                connection.close()
                return
            except Exception as exc:  # logged; the heartbeat goes on
                logger.exception("%s failed", name, extra={"error": type(exc).__name__})

    def run(self) -> None:
        try:
            while not self.stopping.wait(self.every):
                self.tick()
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=self.every + 5)


class VoisinsWorker(Worker):
    """django-tasks-db's worker, remembering which task it is running."""

    current_task_id = None

    def run_task(self, db_task_result: DBTaskResult) -> None:
        self.current_task_id = db_task_result.id
        # A failure is recorded without the exception's message (see below).
        db_task_result.set_failed = functools.partial(set_failed_without_message,
                                                      db_task_result)
        super().run_task(db_task_result)
        self.current_task_id = None

    def requeue_current(self) -> None:
        """After the database went away mid-task: that task goes back in the queue."""
        if self.current_task_id is None:
            return
        DBTaskResult.objects.filter(id=self.current_task_id, status=TaskResultStatus.RUNNING
                                    ).update(status=TaskResultStatus.READY, started_at=None)
        self.current_task_id = None


def set_failed_without_message(result: DBTaskResult, exc: BaseException) -> None:
    """django-tasks-db's record of a failure, with the traceback kept as the logs keep it.

    Failed tasks stay in the queue's table for the operators (30 days), and an exception's
    message can quote personal data: a database error names the values of the row
    ("Key (email)=(...) already exists"), a validation error the value refused.
    """
    DBTaskResult.set_failed(result, exc)
    result.traceback = traceback_without_message(type(exc), exc.__traceback__)
    result.save(update_fields=["traceback"])


def forget(worker_id: str) -> None:
    """A worker that stops cleanly removes its heartbeat."""
    try:
        close_old_connections()
        WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()
    except DatabaseError:
        pass
