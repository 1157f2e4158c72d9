"""Concurrency on PostgreSQL: 50 parallel edits of one family through the API lose no
update (optimistic locking with If-Match, under a row lock); 50 parallel answers to one
check-in keep exactly one.

SQLite serialises writers on the whole file, so the race does not exist there; these
tests run on PostgreSQL only (DATABASE_URL=postgres://…).
"""

import threading

import pytest
from django.db import connection
from django.test import Client

from tests.conftest import bearer
from tests.threads import in_parallel

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs PostgreSQL (row locks and real parallel writers)"),
]

WRITERS = 50


def test_fifty_parallel_read_modify_writes_lose_nothing(alice, family):
    headers = bearer(alice)
    url = f"/api/v1/families/{family.pk}"
    start = threading.Barrier(WRITERS)
    errors: list[str] = []
    conflicts = []

    def writer(number: int) -> None:
        client = Client()
        start.wait()
        for _attempt in range(200):
            current = client.get(url, **headers)
            note = current.json()["wishes_note"]
            response = client.patch(
                url, data={"wishes_note": f"{note}[{number}]"},
                content_type="application/json", HTTP_IF_MATCH=current["ETag"], **headers)
            if response.status_code == 200:
                return
            if response.status_code != 412:
                errors.append(f"{number}: {response.status_code} {response.content[:200]}")
                return
            conflicts.append(number)
        errors.append(f"{number}: gave up")

    in_parallel(writer, ((n,) for n in range(WRITERS)))
    assert not errors, errors
    family.refresh_from_db()
    marks = [f"[{n}]" for n in range(WRITERS)]
    assert all(mark in family.wishes_note for mark in marks)
    assert len(family.wishes_note) == sum(map(len, marks))
    assert conflicts, "the writers did race (some had to retry)"


def test_fifty_parallel_status_moves_leave_one_history(alice, family):
    """Fifty clients move the same waiting family to "matched" at once: one succeeds,
    the others are refused by the pipeline, and the history has one such step."""
    headers = bearer(alice)
    url = f"/api/v1/families/{family.pk}"
    start = threading.Barrier(WRITERS)
    statuses: list[int] = []

    def writer() -> None:
        client = Client()
        start.wait()
        statuses.append(client.patch(url, data={"status": "matched"},
                                     content_type="application/json",
                                     **headers).status_code)

    in_parallel(writer, (() for _ in range(WRITERS)))
    assert 500 not in statuses
    assert family.status_changes.filter(to_status="matched").count() == 1


def test_fifty_parallel_answers_to_one_check_in_keep_the_first(alice, live_match):
    """Fifty clients record the same check-in at once: one answer is kept, the others are
    told it was answered already (409), and the match is flagged once."""
    from datetime import timedelta

    from django.utils import timezone

    from voisins.matches.models import CheckIn
    from voisins.matches.services import introduction_plan, introduction_record

    introduction_plan(match=live_match, planned_at=timezone.now(), place="Parc", by=alice)
    live_match.started_on = timezone.localdate() - timedelta(days=20)
    live_match.save(update_fields=["started_on"])
    introduction_record(match=live_match, held_on=timezone.localdate() - timedelta(days=14),
                        by=alice)
    checkin = CheckIn.objects.get(match=live_match, side="family", day_offset=14)
    headers = bearer(alice)
    start = threading.Barrier(WRITERS)
    statuses: list[int] = []

    def writer(number: int) -> None:
        start.wait()
        response = Client().post(f"/api/v1/check-ins/{checkin.pk}/answer",
                                 data={"rating": 1 + number % 5, "frequency": "weekly"},
                                 content_type="application/json", **headers)
        statuses.append(response.status_code)

    in_parallel(writer, ((n,) for n in range(WRITERS)))
    assert sorted(statuses) == [200] + [409] * (WRITERS - 1)
    checkin.refresh_from_db()
    assert checkin.answered_at is not None and checkin.rating in range(1, 6)
