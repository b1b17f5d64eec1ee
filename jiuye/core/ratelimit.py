"""Counting events per key in a time window, in the ``limits`` cache (per-IP limits on public
forms; the API's per-key limit keeps its counts there too). A fixed window: at most ``limit``
events from ``window``'s start; the key is hashed, so no IP address is kept in the cache in
clear.

The ``limits`` cache is a file cache under JIUYE_VAR_DIR, so every process of one host (each
gunicorn worker) counts into the same window. Several web hosts each count on their own unless
``CACHES["limits"]`` points at a shared cache (Redis, or the database cache)."""

from __future__ import annotations

import hashlib
import time

from django.core.cache import caches


def limits_cache():  # noqa: ANN201
    """The cache the counts live in (looked up at each call: settings may change it)."""
    return caches["limits"]


def _key(scope: str, key: str, window: int) -> str:
    digest = hashlib.sha256(f"{scope}:{key}".encode()).hexdigest()[:32]
    return f"ratelimit:{scope}:{digest}:{int(time.time() // window)}"


def count(scope: str, key: str, *, window: int) -> int:
    """How many events of ``key`` in ``scope`` this window has counted so far."""
    return int(limits_cache().get(_key(scope, key, window), 0))


def exceeded(scope: str, key: str, *, limit: int, window: int) -> bool:
    """Whether ``key`` has used up its ``limit`` events in this window."""
    return count(scope, key, window=window) >= limit


def hit(scope: str, key: str, *, window: int) -> int:
    """Count one event of ``key`` in ``scope``; the count so far in this window."""
    name = _key(scope, key, window)
    cache = limits_cache()
    if cache.add(name, 1, window):
        return 1
    try:
        return cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.set(name, 1, window)
        return 1
