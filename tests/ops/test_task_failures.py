"""A failed task is kept in the queue's table for the operators (30 days) with its frames
and exception class, never the exception's message: it can quote a row's values."""

import pytest
from django.tasks import TaskResultStatus, task
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from voisins.ops.worker import VoisinsWorker, new_worker_id

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
ADDRESS = "amina" + "@example.org"  # the source line (kept) must not hold it either


@task
def fails_quoting_a_row():
    raise ValueError(f"Key (email)=({ADDRESS}) already exists")


@task
def succeeds():
    return 42


def run_in_worker(a_task) -> DBTaskResult:
    with override_settings(TASKS=DATABASE_TASKS):
        queued = a_task.enqueue()
        worker = VoisinsWorker(queue_names=["*"], interval=0, batch=True,
                               backend_name="default", startup_delay=False, max_tasks=None,
                               worker_id=new_worker_id(), excluded_queue_names=[])
        worker.run_task(DBTaskResult.objects.get(pk=queued.id))
    return DBTaskResult.objects.get(pk=queued.id)


@pytest.mark.django_db
def test_a_failed_task_keeps_its_frames_and_class_but_not_its_message():
    result = run_in_worker(fails_quoting_a_row)
    assert result.status == TaskResultStatus.FAILED
    assert result.exception_class_path == "builtins.ValueError"
    assert "fails_quoting_a_row" in result.traceback and "ValueError" in result.traceback
    assert ADDRESS not in result.traceback


@pytest.mark.django_db
def test_a_task_that_succeeds_is_recorded_as_before():
    result = run_in_worker(succeeds)
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 42 and result.traceback == ""
