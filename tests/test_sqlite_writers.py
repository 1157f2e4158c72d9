"""SQLite under parallel writes (issue 19, item 5): with the settings' connection options,
16 writers that each read then write, at the same moment, all succeed (each waits its
turn within the busy timeout instead of failing with "database is locked").

The test database of a SQLite run is in memory and shared between threads, so the
writers use a database file of their own, opened with the project's OPTIONS."""

import threading
import time

import pytest
from django.conf import settings
from django.db import connections, transaction
from django.db.backends.sqlite3.base import DatabaseWrapper

from tests.threads import in_parallel

WRITERS = 16

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="about SQLite's locking")


def _wrapper(path, alias: str) -> DatabaseWrapper:
    settings_dict = dict(connections["default"].settings_dict, NAME=str(path))
    settings_dict["OPTIONS"] = dict(settings.DATABASES["default"]["OPTIONS"])
    settings_dict["TEST"] = {}
    return DatabaseWrapper(settings_dict, alias=alias)


def test_sixteen_parallel_writes_all_succeed(tmp_path, django_db_blocker):
    with django_db_blocker.unblock():
        _sixteen_writers(tmp_path)


def _sixteen_writers(tmp_path) -> None:
    path = tmp_path / "writers.sqlite3"
    setup = _wrapper(path, "setup")
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER)")
        cursor.execute("INSERT INTO counter (id, n) VALUES (1, 0)")
    setup.close()
    start = threading.Barrier(WRITERS)
    errors: list[str] = []

    def writer(number: int) -> None:
        alias = f"writer{number}"
        connections[alias] = _wrapper(path, alias)
        try:
            start.wait()
            # Read, then write (a service's full_clean() then save()): the pattern that a
            # deferred transaction cannot upgrade while another writer holds the file.
            with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
                cursor.execute("SELECT n FROM counter WHERE id = 1")
                (n,) = cursor.fetchone()
                time.sleep(0.01)
                cursor.execute("UPDATE counter SET n = %s WHERE id = 1", [n + 1])
        except Exception as exc:  # every failure is the finding
            errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            connections[alias].close()

    in_parallel(writer, [(i,) for i in range(WRITERS)], timeout=60)
    assert errors == []
    check = _wrapper(path, "check")
    with check.cursor() as cursor:
        cursor.execute("SELECT n FROM counter WHERE id = 1")
        assert cursor.fetchone() == (WRITERS,)
    check.close()


def test_the_settings_ask_sqlite_for_immediate_transactions():
    assert settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
