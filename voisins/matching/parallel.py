"""Run independent parts of a big matching on several cores, in forked processes.

The candidate search, the solve of independent components and the reasons are split in
parts that share nothing but read-only input. Threads do not help (most of the work holds
the GIL, measured), so the parts run in child processes made with ``fork``: they inherit
the index and the families without copying or pickling them, and send back only their
numpy results. The first part always runs in the calling process.

Forking is only done where it is safe and worth it: on a platform with ``fork``, when the
calling process runs no other thread (forking a threaded process may deadlock the child;
a web server's request thread will run everything in-process), and, unless the caller
asks for workers explicitly, only for big enough work.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import traceback
import warnings
from collections.abc import Callable, Sequence
from typing import Any

from .errors import InvalidFieldError

MAX_AUTO_WORKERS = 2
"""Workers chosen by ``workers=None``: at most this many, and no more than the CPUs."""


def check_workers(workers: Any) -> None:
    """Raise :class:`InvalidFieldError` unless ``workers`` is None or an integer >= 1
    (``O(1)``)."""
    if workers is None:
        return
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise InvalidFieldError("workers", f"must be an integer >= 1 or None, got {workers!r}",
                                value=workers)


def can_fork() -> bool:
    """Whether this process may fork workers: POSIX ``fork`` and no other thread running
    (``O(1)``)."""
    return ("fork" in multiprocessing.get_all_start_methods()
            and threading.active_count() == 1)


def resolve_workers(workers: int | None, work: float, threshold: float) -> int:
    """How many processes to use for ``work`` units.

    ``workers=None`` uses up to :data:`MAX_AUTO_WORKERS` (and the CPUs this process may
    run on) when ``work >= threshold``, forking is safe and a core is free: with the
    1-minute load average (this process included) above the CPUs less half a one, a
    second process would only take its time from the first (measured: slower on a
    machine shared with other jobs). An explicit number is used as given wherever
    ``fork`` exists, but never in a threaded process. ``O(1)``.

    Examples
    --------
    >>> resolve_workers(None, work=10, threshold=1000), resolve_workers(1, 1e9, 1000)
    (1, 1)
    """
    if workers is None:
        if work < threshold:
            return 1
        try:
            cpus = len(os.sched_getaffinity(0))
        except AttributeError:  # pragma: no cover - not Linux
            cpus = os.cpu_count() or 1
        workers = min(MAX_AUTO_WORKERS, cpus)
        if workers > 1 and _load() > cpus - 0.5:
            return 1
    return workers if workers > 1 and can_fork() else 1


def _load() -> float:
    try:
        return os.getloadavg()[0]
    except OSError:  # pragma: no cover - not available
        return 0.0


def _child(connection, function: Callable[[Any], Any], task: Any) -> None:
    try:
        result = ("ok", function(task))
    except BaseException as error:  # sent to the parent, which raises it
        result = ("error", (error, traceback.format_exc()))
    try:
        connection.send(result)
    finally:
        connection.close()


def fork_map[T, R](function: Callable[[T], R], tasks: Sequence[T]) -> list[R]:
    """``[function(task) for task in tasks]``, the first in this process and each of the
    others in a forked child at the same time.

    Parameters
    ----------
    function : callable
        Runs in the children with everything the parent had in memory at the call
        (closures and globals included); its result must pickle.
    tasks : sequence

    Returns
    -------
    list
        The results in the order of ``tasks``.

    Raises
    ------
    Exception
        The first error of a task, raised again here (a child's with its traceback as a
        note).

    Notes
    -----
    ``O(size of the results)`` on top of the tasks: each child sends its result back
    pickled through a pipe. Call only where :func:`can_fork` is true.

    Examples
    --------
    >>> import os
    >>> parent = os.getpid()
    >>> [(n, pid == parent) for n, pid in fork_map(lambda n: (n * n, os.getpid()), [2, 3])]
    [(4, True), (9, False)]
    """
    if len(tasks) <= 1:
        return [function(task) for task in tasks]
    context = multiprocessing.get_context("fork")
    children = []
    with warnings.catch_warnings():
        # Python warns about fork in a threaded process; can_fork() has checked there is
        # no other thread.
        warnings.simplefilter("ignore", DeprecationWarning)
        for task in tasks[1:]:
            receive, send = context.Pipe(duplex=False)
            process = context.Process(target=_child, args=(send, function, task), daemon=True)
            process.start()
            send.close()
            children.append((process, receive))
    try:
        results: list[Any] = [function(tasks[0])]
        for process, receive in children:
            try:
                status, value = receive.recv()
            except EOFError:
                process.join()
                raise RuntimeError(f"a matching worker died (exit code {process.exitcode})"
                                   ) from None
            if status == "error":
                error, trace = value
                error.add_note(f"in a matching worker process:\n{trace}")
                raise error
            results.append(value)
        return results
    finally:
        for process, receive in children:
            receive.close()
            process.join(timeout=5)
            if process.is_alive():  # pragma: no cover - only after an error elsewhere
                process.kill()
                process.join()
