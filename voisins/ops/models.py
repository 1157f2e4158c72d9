"""What the task workers and the scheduler write down so that several of them can share
one database: who is alive, and which period of which periodic job is already taken."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """A task worker says it is alive every few seconds; a worker that stopped saying so
    has died, and the task it was running goes back in the queue (``voisins.ops.worker``)."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    hostname = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(null=True)
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("task worker")
        verbose_name_plural = _("task workers")

    def __str__(self) -> str:
        return f"{self.hostname}:{self.pid} ({self.worker_id})"


class PeriodicRun(models.Model):
    """One period of one periodic job, claimed by the first scheduler to reach it.

    The unique constraint is what makes two workers (or a worker and a laptop's server)
    safe together: the second insert of a period fails, so the job is queued once.
    """

    job = models.CharField(max_length=64)
    period_start = models.DateTimeField()
    enqueued_at = models.DateTimeField(auto_now_add=True)
    task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("periodic run")
        verbose_name_plural = _("periodic runs")
        ordering = ["-period_start", "job"]
        constraints = [
            models.UniqueConstraint(fields=["job", "period_start"], name="periodic_run_once"),
        ]

    def __str__(self) -> str:
        return f"{self.job} @ {self.period_start:%Y-%m-%d %H:%M}"
