"""Fitted curves and drawn charts kept in Django's cache, keyed by what they are made from.

Fitting a Kaplan–Meier curve needs lifelines (pandas: seconds to import in a new process)
and drawing a chart needs matplotlib (0.1–0.3 s a chart). Both are pure functions of their
input, so each result is stored under a digest of that input: a key can never point at
figures of other data, nothing has to be invalidated when matches change (new data give a
new key), and a process that finds everything in a shared cache (Redis in production)
imports neither library.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

# A day: durations of live matches run to today, so keys change daily anyway.
CACHE_SECONDS = 24 * 3600
_MISSING = object()


def digest(*parts: object) -> str:
    """A short, stable key for `parts` (their repr: plain data only, no objects with ids)."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:40]


def remember[T](kind: str, key: str, compute: Callable[[], T]) -> T:
    """The cached value of `kind` under `key`, computed and stored on a miss."""
    from django.core.cache import cache

    name = f"voisins:evaluation:{kind}:{key}"
    value = cache.get(name, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(name, value, CACHE_SECONDS)
    return value  # type: ignore[return-value]
