"""Health checks, shared by ``/healthz`` (web process) and ``voisins check-health``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.tasks import task_backends
from django.utils import timezone
from django.utils.crypto import get_random_string


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str = ""


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        connection.close()
        return Check("database", False, type(exc).__name__)
    return Check("database", True, connection.vendor)


def check_cache() -> Check:
    key = f"voisins:healthz:{get_random_string(8)}"
    try:
        cache.set(key, "1", 5)
        ok = cache.get(key) == "1"
        cache.delete(key)
    except Exception as exc:  # any cache client error means "down"
        return Check("cache", False, type(exc).__name__)
    backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    return Check("cache", ok, backend)


def web_checks() -> list[Check]:
    return [check_database(), check_cache()]


def check_queue(*, max_lag: timedelta) -> list[Check]:
    """Task queue lag (the oldest task waiting to run) and the workers alive."""
    from django_tasks_db import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    from .models import WorkerHeartbeat

    if not isinstance(task_backends["default"], DatabaseBackend):
        return [Check("task queue", True, "immediate: tasks run inside the web process")]
    now = timezone.now()
    try:
        oldest = DBTaskResult.objects.ready().order_by("enqueued_at").first()
        stale = timedelta(seconds=settings.VOISINS_WORKER["STALE_AFTER"])
        workers = WorkerHeartbeat.objects.filter(seen_at__gte=now - stale).count()
        failed = DBTaskResult.objects.failed().filter(
            finished_at__gte=now - timedelta(days=1)).count()
    except DatabaseError as exc:
        return [Check("task queue", False, type(exc).__name__)]
    lag = timedelta(0)
    if oldest is not None:
        # A deferred task waits from its run_after on (the far future means "no delay").
        ready_since = max(oldest.enqueued_at, oldest.run_after) \
            if oldest.run_after <= now else oldest.enqueued_at
        lag = now - ready_since
    seconds, limit = int(lag.total_seconds()), int(max_lag.total_seconds())
    return [
        Check("task queue", lag <= max_lag, f"oldest waiting {seconds} s (limit {limit} s)"),
        Check("task workers", workers > 0, f"{workers} alive"),
        Check("failed tasks", True, f"{failed} in the last 24 h"),
    ]


def check_mail() -> Check:
    """Opens (and closes) a connection to the SMTP server; other backends say what they are."""
    from django.core.mail import mailers

    backend = settings.MAILERS["default"]["BACKEND"]
    if not backend.endswith("smtp.EmailBackend"):
        return Check("mail", True, f"{backend.rsplit('.', 2)[-2]}: no SMTP server configured")
    try:
        mailer = mailers.default
        mailer.open()
        mailer.close()
    except Exception as exc:  # any SMTP or socket error means "down"
        return Check("mail", False, type(exc).__name__)
    return Check("mail", True, "SMTP server answered")


def all_checks(*, max_lag: timedelta) -> list[Check]:
    return [check_database(), check_cache(), *check_queue(max_lag=max_lag), check_mail()]
