"""Concurrency on PostgreSQL: 50 parallel edits of one family through the API lose no
update (optimistic locking with If-Match, under a row lock).

SQLite serialises writers on the whole file, so the race does not exist there; these
tests run on PostgreSQL only (DATABASE_URL=postgres://…).
"""

import threading

import pytest
from django.db import connection, connections
from django.test import Client

from tests.conftest import bearer

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
        try:
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
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
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
        try:
            start.wait()
            statuses.append(client.patch(url, data={"status": "matched"},
                                         content_type="application/json",
                                         **headers).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer) for _ in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert 500 not in statuses
    assert family.status_changes.filter(to_status="matched").count() == 1
