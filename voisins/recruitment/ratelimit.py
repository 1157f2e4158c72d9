"""A fixed-window rate limit kept in Django's cache (shared between web processes when
REDIS_URL is set). The client address is hashed: no address is stored in clear."""

import hashlib

from django.core.cache import cache
from django.http import HttpRequest

from voisins.security.client import client_address


def client_key(request: HttpRequest) -> str:
    address = client_address(request)
    return hashlib.sha256(address.encode()).hexdigest()[:32]


def hit(scope: str, request: HttpRequest, *, limit: int, window: int) -> bool:
    """Count one attempt; True while the client stays within `limit` per `window` seconds."""
    return _count(f"voisins:rl:{scope}:{client_key(request)}", limit=limit, window=window)


def hit_value(scope: str, value: str, *, limit: int, window: int) -> bool:
    """Count one attempt about `value` (an e-mail address…), whoever makes it; True while
    it stays within `limit` per `window` seconds. The value is hashed, never stored."""
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return _count(f"voisins:rl:{scope}:v:{digest}", limit=limit, window=window)


def _count(key: str, *, limit: int, window: int) -> bool:
    if cache.add(key, 1, timeout=window):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        return True
    return count <= limit
