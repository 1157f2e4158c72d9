"""`voisins runserver`: Django's (with static files), plus the periodic jobs on a laptop.

On a laptop tasks run at once in the web process (the immediate backend), so nothing else
has to be started; the periodic jobs (check-in reminders, mail retries, purges) are queued
by a thread of this server instead of a worker. With TASKS_BACKEND=database the thread
does nothing: a ``voisins worker`` runs them.
"""

import logging
import os
import threading

from django.contrib.staticfiles.management.commands.runserver import Command as Runserver
from django.db import DatabaseError, connection
from django.tasks import task_backends
from django_tasks_db import DatabaseBackend

logger = logging.getLogger("voisins.ops")
EVERY_SECONDS = 60


def scheduler(stop: threading.Event, every: float = EVERY_SECONDS) -> None:
    """Queue the periodic jobs now, then every `every` seconds until `stop` is set."""
    from voisins.ops.schedule import schedule_due

    while True:
        try:
            schedule_due()
        except DatabaseError as exc:
            logger.warning("periodic jobs not queued", extra={"error": type(exc).__name__})
        finally:
            connection.close()
        if stop.wait(every):
            return


class Command(Runserver):
    help = Runserver.help + " Also runs the periodic jobs when tasks run in-process."

    def inner_run(self, *args, **options):
        # With the autoreloader, inner_run is the serving child: one scheduler per server.
        if (not isinstance(task_backends["default"], DatabaseBackend)
                and not os.environ.get("VOISINS_NO_SCHEDULER")):
            threading.Thread(target=scheduler, args=(threading.Event(),), daemon=True,
                             name="voisins-scheduler").start()
        super().inner_run(*args, **options)
