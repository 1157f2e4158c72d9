"""Periodic jobs: queued once per period, by whichever scheduler gets there first."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from voisins.ops.models import PeriodicRun
from voisins.ops.schedule import JOBS, Job, schedule_due

from ..threads import in_parallel

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
MONDAY_NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def test_a_period_starts_on_the_same_instant_on_every_machine():
    hourly = Job("x", "voisins.ops.tasks.prune_finished_tasks", timedelta(hours=1))
    assert hourly.period_start(MONDAY_NOON + timedelta(minutes=59, seconds=59)) == MONDAY_NOON
    assert hourly.period_start(MONDAY_NOON + timedelta(hours=1)) == MONDAY_NOON + timedelta(
        hours=1)


@pytest.mark.django_db
@override_settings(TASKS=DATABASE_TASKS)
def test_each_job_is_queued_once_per_period():
    assert sorted(schedule_due(now=MONDAY_NOON)) == sorted(j.name for j in JOBS)
    assert schedule_due(now=MONDAY_NOON + timedelta(minutes=2)) == []
    assert schedule_due(now=MONDAY_NOON + timedelta(minutes=5)) == ["retry-messages"]
    assert sorted(schedule_due(now=MONDAY_NOON + timedelta(minutes=10))) == [
        "retry-messages", "retry-notifications"]
    assert sorted(schedule_due(now=MONDAY_NOON + timedelta(hours=1))) == [
        "followup", "retry-messages", "retry-notifications"]
    followups = DBTaskResult.objects.filter(task_path="voisins.matches.tasks.followup")
    assert followups.count() == 2
    claimed = PeriodicRun.objects.filter(job="followup").values_list("task_id", flat=True)
    assert sorted(claimed) == sorted(str(t.id) for t in followups)


@pytest.mark.django_db
def test_on_a_laptop_the_job_runs_at_once_after_its_claim(
        north, django_capture_on_commit_callbacks):
    from voisins.recruitment.models import Signup

    Signup.objects.create(programme=north, email="late@example.org",
                          created_at=timezone.now() - timedelta(days=30))
    Signup.objects.create(programme=north, email="fresh@example.org")
    with override_settings(TASKS={"default": {
            "BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}), \
            django_capture_on_commit_callbacks(execute=True):
        queued = schedule_due(now=MONDAY_NOON, jobs=tuple(
            j for j in JOBS if j.name == "purge-signups"))
    assert queued == ["purge-signups"]
    assert PeriodicRun.objects.filter(job="purge-signups").count() == 1
    assert not DBTaskResult.objects.exists()  # nothing waits in a queue
    assert list(Signup.objects.values_list("email", flat=True)) == ["fresh@example.org"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_two_schedulers_at_the_same_instant_queue_each_job_once():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL")
    barrier = threading.Barrier(4)
    errors = []

    def scheduler():
        try:
            barrier.wait()
            schedule_due(now=MONDAY_NOON)
        except Exception as exc:  # reported below
            errors.append(exc)

    in_parallel(scheduler, (() for _ in range(4)))
    assert errors == []
    assert PeriodicRun.objects.count() == len(JOBS)
    assert DBTaskResult.objects.count() == len(JOBS)


def test_the_worker_refuses_to_start_when_tasks_run_in_process(settings):
    with pytest.raises(CommandError, match="TASKS_BACKEND=database"):
        call_command("worker")


@pytest.mark.django_db(transaction=True)
def test_the_laptops_server_runs_the_periodic_jobs_from_a_thread(north):
    import importlib

    from voisins.recruitment.models import Signup

    runserver = importlib.import_module("voisins.ops.management.commands.runserver")
    Signup.objects.create(programme=north, email="late@example.org",
                          created_at=timezone.now() - timedelta(days=30))
    stop = threading.Event()
    thread = threading.Thread(target=runserver.scheduler, args=(stop, 0.05))
    thread.start()
    try:
        deadline = timezone.now() + timedelta(seconds=30)
        while PeriodicRun.objects.count() < len(JOBS) and timezone.now() < deadline:
            stop.wait(0.05)
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive()
    assert PeriodicRun.objects.count() == len(JOBS)
    assert not Signup.objects.exists()  # the purge ran, in that thread, with no worker
