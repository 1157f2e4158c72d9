"""/healthz and `voisins check-health`: what an operator and a load balancer look at."""

import socket
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from voisins.ops.models import WorkerHeartbeat
from voisins.ops.worker import beat

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def check_health(*args) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("check-health", *args, stdout=out)
    except SystemExit as exc:
        return exc.code, out.getvalue()
    return 0, out.getvalue()


@pytest.mark.django_db
def test_healthz_answers_without_login_or_data(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "failing": []}
    assert "no-cache" in response["Cache-Control"] and not response.cookies


@pytest.mark.django_db
def test_healthz_is_503_when_the_cache_is_unreachable(client):
    with override_settings(CACHES={"default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 1}}}):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "failing": ["cache"]}


@pytest.mark.django_db
def test_check_health_passes_on_a_laptop():
    code, out = check_health()
    assert code == 0, out
    assert "ok   database" in out and "immediate" in out


@pytest.mark.django_db
@override_settings(TASKS=DATABASE_TASKS)
def test_check_health_fails_without_a_worker_and_with_a_late_queue():
    from voisins.matches.tasks import retry_notifications

    retry_notifications.enqueue()
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(minutes=10))
    code, out = check_health("--max-lag", "300")
    assert code == 1
    assert "FAIL task queue    oldest waiting 6" in out
    assert "FAIL task workers  0 alive" in out

    beat("w1")
    DBTaskResult.objects.update(status="SUCCESSFUL")
    code, out = check_health()
    assert code == 0, out
    assert "ok   task workers  1 alive" in out


@pytest.mark.django_db
@override_settings(TASKS=DATABASE_TASKS)
def test_a_silent_worker_is_not_counted_alive():
    beat("w1")
    WorkerHeartbeat.objects.update(seen_at=timezone.now() - timedelta(minutes=5))
    code, out = check_health()
    assert code == 1 and "0 alive" in out


@pytest.mark.django_db
def test_check_health_fails_when_the_mail_server_does_not_answer():
    port = closed_port()
    with override_settings(MAILERS={"default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 2}}}):
        code, out = check_health()
    assert code == 1
    assert "FAIL mail" in out and "ConnectionRefusedError" in out
