"""Test code run in parallel threads, each with its own database connection."""

import threading
from collections.abc import Callable, Iterable

from django.db import connections


def in_parallel(work: Callable[..., None], arguments: Iterable[tuple], *,
                timeout: float | None = None) -> None:
    """Run ``work(*args)`` for every ``args`` at once, one thread each, and wait for them
    (each at most `timeout` seconds). Each thread closes its database connections when it
    ends: one left open would keep the test database from being dropped."""

    def run(*args: object) -> None:
        try:
            work(*args)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=args) for args in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
