"""A worker killed in the middle of a task: the task is run again by another worker and its
work is done once in total — no second e-mail, no second set of proposals.

The workers are real `voisins worker` processes on the test database, killed with SIGKILL
while they wait for a row lock that the test holds, half-way through their task.
"""

import email
import signal
from collections import Counter

import pytest
from django.db import transaction
from django.tasks import TaskResultStatus
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from voisins.households.services import family_create, volunteer_create
from voisins.matches import tasks
from voisins.matches.models import CheckIn, MatchingRun, Proposal
from voisins.messaging.models import Message

from ..conftest import agreed_to_matching, family_data, volunteer_data
from .conftest import blocked_on_a_lock, matches_with_checkins_due, wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def _postgres_only():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("row locks as a barrier need PostgreSQL")


def enqueue(task, *args):
    with override_settings(TASKS=DATABASE_TASKS):
        result = task.enqueue(*args)
    return DBTaskResult.objects.get(pk=result.id)


def queue_empty() -> bool:
    return not DBTaskResult.objects.exclude(
        status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED]).exists()


def kill(proc) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)


def mails_sent(mail_dir) -> list[email.message.Message]:
    if not mail_dir.exists():
        return []
    messages = []
    for path in sorted(mail_dir.iterdir()):
        for chunk in path.read_text().split("-" * 79):
            if chunk.strip():
                messages.append(email.message_from_string(chunk.strip() + "\n"))
    return messages


def test_a_checkin_round_killed_half_way_mails_everyone_once(north, alice, start_worker,
                                                              tmp_path):
    matches_with_checkins_due(north, alice, 3)
    due = list(CheckIn.objects.filter(due_on__lte=timezone.localdate())
               .order_by("due_on", "side", "id"))
    assert len(due) == 6
    round_ = enqueue(tasks.followup)

    with transaction.atomic():
        # The round mails check-ins one by one; the fourth is locked here, so the worker
        # stops there with three already mailed (committed) and three to go.
        CheckIn.objects.select_for_update().get(pk=due[3].pk)
        first = start_worker("--no-schedule")
        wait_for(blocked_on_a_lock, what="the worker to reach the locked check-in")
        kill(first)
        transaction.set_rollback(True)

    round_.refresh_from_db()
    assert round_.status == TaskResultStatus.RUNNING  # claimed by a dead worker
    assert CheckIn.objects.filter(notified_at__isnull=False).count() == 3

    second = start_worker("--no-schedule")
    wait_for(queue_empty, what="the round to be retried and the mail delivered")
    second.send_signal(signal.SIGTERM)
    second.wait(20)

    round_.refresh_from_db()
    assert round_.status == TaskResultStatus.SUCCESSFUL
    assert len(round_.worker_ids) == 2 and round_.worker_ids[0] != round_.worker_ids[1]
    assert all(c.notified_at for c in CheckIn.objects.filter(pk__in=[c.pk for c in due]))
    reminders = Message.objects.filter(purpose="checkin")
    assert Counter(reminders.values_list("to_address", flat=True)) == Counter(
        [f"family{i}@example.org" for i in range(3)]
        + [f"volunteer{i}@example.org" for i in range(3)])
    assert set(reminders.values_list("state", flat=True)) == {"sent"}
    # What the mail server received: one message per recipient.
    received = [m["To"] for m in mails_sent(tmp_path / "mail")
                if m["Message-ID"] in {f"<message-{n.pk}@127.0.0.1>" for n in reminders}]
    assert sorted(received) == sorted(reminders.values_list("to_address", flat=True))


def test_a_matching_run_killed_half_way_stores_its_proposals_once(north, alice,
                                                                  start_worker):
    families = [family_create(programme=north, **family_data(contact_first_name=f"F{i}"))
                for i in range(3)]
    volunteers = [volunteer_create(programme=north, **volunteer_data(contact_first_name=f"V{i}"))
                  for i in range(3)]
    agreed_to_matching(*families, *volunteers)  # batch matching sees only those who agreed
    with override_settings(TASKS=DATABASE_TASKS):
        from voisins.matches.services import matching_run_start

        with transaction.atomic():
            run = matching_run_start(programme=north, by=alice)
    task = DBTaskResult.objects.get(task_path="voisins.matches.tasks.run_matching")

    with transaction.atomic():
        # An open proposal of the first family, not yet committed: the worker's insert of
        # the run's proposals waits on the unique index, in the middle of the run.
        Proposal.objects.create(programme=north, family=families[0], volunteer=volunteers[0],
                                status="sent", score=1, distance_km=0)
        first = start_worker("--no-schedule")
        wait_for(blocked_on_a_lock, what="the worker to store proposals")
        kill(first)
        transaction.set_rollback(True)

    assert not Proposal.objects.exists()  # the killed run's transaction left nothing
    second = start_worker("--no-schedule")
    wait_for(queue_empty, what="the run to be retried")
    second.send_signal(signal.SIGTERM)
    second.wait(20)

    run.refresh_from_db()
    task.refresh_from_db()
    assert task.status == TaskResultStatus.SUCCESSFUL and len(task.worker_ids) == 2
    assert run.status == MatchingRun.Status.DONE
    proposals = Proposal.objects.filter(run=run)
    assert proposals.count() == 3 == run.families_proposed
    assert sorted(proposals.values_list("family_id", flat=True)) == sorted(
        f.pk for f in families)
    assert not Proposal.objects.exclude(run=run).exists()


def test_a_task_whose_workers_keep_dying_is_given_up(north, alice, start_worker):
    from datetime import timedelta

    from voisins.ops.worker import MAX_ATTEMPTS, WorkerLost, recover_lost_tasks

    task = enqueue(tasks.retry_notifications)
    DBTaskResult.objects.filter(pk=task.pk).update(
        status=TaskResultStatus.RUNNING, started_at=timezone.now() - timedelta(minutes=5),
        worker_ids=[f"gone-{i}" for i in range(MAX_ATTEMPTS)])
    assert recover_lost_tasks(stale_after=timedelta(seconds=60)) == 1
    task.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED
    assert task.exception_class_path.endswith(WorkerLost.__qualname__)
