import logging
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connections
from django.tasks import task_backends
from django_tasks_db import DatabaseBackend

from voisins.ops.worker import Heartbeat, VoisinsWorker, beat, forget, new_worker_id

logger = logging.getLogger("voisins.ops.worker")


class Command(BaseCommand):
    help = ("Run background tasks (matching runs, e-mail, check-in rounds, purges) and the "
            "periodic jobs. Production runs one or more of these next to the web processes; "
            "TASKS_BACKEND must be 'database'.")

    def add_arguments(self, parser):
        ops = settings.VOISINS_WORKER
        parser.add_argument("--interval", type=float, default=ops["INTERVAL"],
                            help="Seconds between looks at an empty queue (default %(default)s).")
        parser.add_argument("--heartbeat", type=float, default=ops["HEARTBEAT"],
                            help="Seconds between heartbeats (default %(default)s).")
        parser.add_argument("--stale-after", type=float, default=ops["STALE_AFTER"],
                            help="A worker silent this many seconds is dead and its task is "
                                 "run again (default %(default)s).")
        parser.add_argument("--no-schedule", action="store_true",
                            help="Do not queue the periodic jobs from this worker.")
        parser.add_argument("--max-tasks", type=int, default=None,
                            help="Stop after this many tasks.")
        parser.add_argument("--batch", action="store_true",
                            help="Run what is queued, then stop (no periodic jobs).")

    def handle(self, *args, **options):
        if not isinstance(task_backends["default"], DatabaseBackend):
            raise CommandError("The worker needs TASKS_BACKEND=database; with the immediate "
                               "backend tasks already run inside the web process.")
        if options["stale_after"] <= 2 * options["heartbeat"]:
            raise CommandError("--stale-after must be more than twice --heartbeat.")
        worker_id = new_worker_id()
        beat(worker_id)  # alive before its first claim
        heartbeat = Heartbeat(worker_id=worker_id, every=options["heartbeat"],
                              stale_after=options["stale_after"],
                              schedule=not (options["no_schedule"] or options["batch"]))
        heartbeat.start()
        worker = VoisinsWorker(
            queue_names=["*"], interval=options["interval"], batch=options["batch"],
            backend_name="default", startup_delay=False, max_tasks=options["max_tasks"],
            worker_id=worker_id, excluded_queue_names=[],
        )
        worker.configure_signals()
        logger.info("worker started", extra={"worker_id": worker_id})
        try:
            while True:
                try:
                    worker.run()
                    return
                except DatabaseError as exc:
                    # PostgreSQL restarting: wait, reconnect, carry on; no restart needed.
                    logger.warning("database unavailable, the worker waits",
                                   extra={"error": type(exc).__name__})
                    self._wait_for_database(worker, options["interval"])
        finally:
            heartbeat.stop()
            forget(worker_id)
            logger.info("worker stopped", extra={"worker_id": worker_id})

    def _wait_for_database(self, worker, interval):
        while worker.running:
            connections.close_all()
            time.sleep(max(interval, 0.5))
            try:
                worker.requeue_current()
                return
            except DatabaseError:
                continue
