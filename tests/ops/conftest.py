"""Real processes for the operations tests: `voisins worker` started against the test
database, and matches whose check-ins fell due."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from voisins.households.services import family_create, volunteer_create
from voisins.matches import services
from voisins.matches.models import Match, Proposal

from ..conftest import agreed_to_matching, family_data, volunteer_data

PROJECT = Path(__file__).resolve().parents[2]
VOISINS = [sys.executable, "-m", "voisins"]


def database_url() -> str:
    """The URL of the test database this test runs on, for another process."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user, host = db.get("USER") or "postgres", db.get("HOST") or "127.0.0.1"
    return f"postgres://{user}@{host}:{db.get('PORT') or 5432}/{db['NAME']}"


def process_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment of a Voisins process sharing this test's database and keys."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_"))}
    env.update({
        "DJANGO_SETTINGS_MODULE": "voisins.settings",
        "DATABASE_URL": database_url(),
        "SECRET_KEY": settings.SECRET_KEY,
        "SALT_KEY": ",".join(settings.SALT_KEY),
        "VOISINS_VAR_DIR": str(tmp_path / "var"),
        "TASKS_BACKEND": "database",
        "EMAIL_URL": f"filemail://{tmp_path / 'mail'}",
        "LOG_FORMAT": "plain",
        "VOISINS_REQUIRE_MFA_ROLES": "",
        "PYTHONUNBUFFERED": "1",
    })
    env.update(extra)
    return env


@pytest.fixture
def start_worker(tmp_path):
    """`start_worker(*flags)` → a running `voisins worker`; all are killed after the test."""
    started: list[subprocess.Popen] = []

    def start(*flags: str) -> subprocess.Popen:
        log = open(tmp_path / f"worker-{len(started)}.log", "wb")  # noqa: SIM115
        proc = subprocess.Popen(
            [*VOISINS, "worker", "--interval", "0.1", "--heartbeat", "0.3",
             "--stale-after", "1.5", *flags],
            cwd=PROJECT, env=process_env(tmp_path), stdout=log, stderr=subprocess.STDOUT)
        started.append(proc)
        return proc

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)


def wait_for(condition, *, timeout: float = 60, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def blocked_on_a_lock() -> bool:
    """True when another session of this database waits for a row lock held here."""
    with connection.cursor() as cursor:
        # Inside a transaction the statistics views keep their first snapshot.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                       " AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()")
        return cursor.fetchone()[0] > 0


def matches_with_checkins_due(programme, coordinator, n: int) -> list:
    """`n` matches introduced 15 days ago: each side's 14-day check-in is due."""
    matches = []
    today = timezone.localdate()
    for i in range(n):
        family = family_create(programme=programme, **family_data(
            contact_first_name=f"Family{i}", email=f"family{i}@example.org"))
        volunteer = volunteer_create(programme=programme, **volunteer_data(
            contact_first_name=f"Volunteer{i}", email=f"volunteer{i}@example.org"))
        agreed_to_matching(family, volunteer)
        proposal = Proposal.objects.create(programme=programme, family=family,
                                           volunteer=volunteer, score=5, distance_km=0.5)
        services.proposal_send(proposal=proposal, by=coordinator)
        services.proposal_answer(proposal=proposal, side="volunteer", accept=True,
                                 by=coordinator)
        proposal = services.proposal_answer(proposal=proposal, side="family", accept=True,
                                            by=coordinator)
        Match.objects.filter(pk=proposal.match.pk).update(started_on=today - timedelta(days=20))
        services.introduction_plan(match=proposal.match, planned_at=timezone.now(),
                                   place="Parc", by=coordinator)
        match = services.introduction_record(match=proposal.match,
                                              held_on=today - timedelta(days=15),
                                              by=coordinator)
        matches.append(match)
    return matches
