"""A Redis cache that degrades: with Redis unreachable, reads miss and writes are dropped, never a 500.

The same Redis is the Celery broker, the cache and (through `cached_db` sessions) every signed-in request.
Django's RedisCache raises `redis.ConnectionError` when Redis is down or restarting, so a cache outage would
stop every station. `DegradingRedisCache` is Django's RedisCache with three changes:

* A connection or timeout error is a miss (`get` → default, `get_many` → {}, `add` → False, `incr` →
  ValueError as for a missing key) or a dropped write (`set`, `delete`, …), with one warning line. Sessions
  (`cached_db`) then read and write the database, which always has them; the public tracking limit counts
  nothing and lets the look-up through.
* A short circuit breaker: after an error, Redis is left alone for BREAK_SECONDS in this process, so a
  request does not wait for a timeout at each of its cache calls. The next call after that tries again.
* Keys whose write or delete was dropped are remembered (up to MAX_DIRTY_KEYS in this process) and deleted
  the first time Redis answers again: a session signed out during the outage must not come back from a
  stale cached copy. (A Redis restart without persistence empties the cache anyway.)

The timeouts are the pool's OPTIONS in settings (socket_connect_timeout, socket_timeout, retry).
"""

import logging
import threading
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
BREAK_SECONDS = 5.0
MAX_DIRTY_KEYS = 10_000

_MISS = object()


class DegradingRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self.break_seconds = float(params.get("BREAK_SECONDS", BREAK_SECONDS))
        self._open_until = 0.0  # the breaker is open (Redis skipped) until this monotonic time
        self._dirty: set[str] = set()  # full keys whose write or delete was dropped
        self._lock = threading.Lock()

    # --- the breaker ------------------------------------------------------------------------------------

    @property
    def is_available(self) -> bool:
        """False while the breaker is open (Redis failed less than break_seconds ago in this process)."""
        return time.monotonic() >= self._open_until

    def _failed(self, operation: str, exc: Exception) -> None:
        with self._lock:
            first = self.is_available
            self._open_until = time.monotonic() + self.break_seconds
        if first:
            logger.warning(
                "cache unreachable (%s: %s): reads miss and writes are dropped for %.0f s",
                operation,
                exc,
                self.break_seconds,
            )

    def _remember(self, keys) -> None:
        with self._lock:
            if len(self._dirty) < MAX_DIRTY_KEYS:
                self._dirty.update(self.make_and_validate_key(k) for k in keys)

    def _clean_dirty(self) -> None:
        """Delete the keys whose writes were dropped, now that Redis answers again (best effort)."""
        with self._lock:
            dirty, self._dirty = list(self._dirty), set()
        if not dirty:
            return
        try:
            self._cache.get_client(write=True).delete(*dirty)
        except UNREACHABLE as exc:
            self._remember_full(dirty)
            self._failed("delete stale keys", exc)
            return
        logger.info("cache reachable again: %d keys written during the outage deleted", len(dirty))

    def _remember_full(self, full_keys) -> None:
        with self._lock:
            self._dirty.update(full_keys)

    def _call(self, operation: str, fallback, method, *args, writes=None, **kwargs):
        """Run `method` unless the breaker is open; on a Redis outage return `fallback` (or raise it)."""
        if not self.is_available:
            if writes is not None:
                self._remember(writes)
            return _fallback(fallback)
        if self._dirty:
            self._clean_dirty()
            if not self.is_available:
                return self._call(operation, fallback, method, *args, writes=writes, **kwargs)
        try:
            return method(*args, **kwargs)
        except UNREACHABLE as exc:
            self._failed(operation, exc)
            if writes is not None:
                self._remember(writes)
            return _fallback(fallback)

    # --- Django's cache API -----------------------------------------------------------------------------

    def get(self, key, default=None, version=None):
        return self._call("get", default, super().get, key, default, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, super().has_key, key, version)

    def add(self, key, value, timeout=_MISS, version=None):
        timeout = self.default_timeout if timeout is _MISS else timeout
        return self._call("add", False, super().add, key, value, timeout, version, writes=[key])

    def set(self, key, value, timeout=_MISS, version=None):
        timeout = self.default_timeout if timeout is _MISS else timeout
        return self._call("set", None, super().set, key, value, timeout, version, writes=[key])

    def set_many(self, data, timeout=_MISS, version=None):
        timeout = self.default_timeout if timeout is _MISS else timeout
        return self._call("set_many", [], super().set_many, data, timeout, version, writes=list(data))

    def touch(self, key, timeout=_MISS, version=None):
        timeout = self.default_timeout if timeout is _MISS else timeout
        return self._call("touch", False, super().touch, key, timeout, version, writes=[key])

    def delete(self, key, version=None):
        return self._call("delete", False, super().delete, key, version, writes=[key])

    def delete_many(self, keys, version=None):
        keys = list(keys)
        return self._call("delete_many", None, super().delete_many, keys, version, writes=keys)

    def incr(self, key, delta=1, version=None):
        # As for a key that is not there: callers already handle ValueError (a rate limit lets it through).
        missing = ValueError(f"Key '{key}' not found (cache unreachable).")
        return self._call("incr", missing, super().incr, key, delta, version, writes=[key])

    def clear(self):
        return self._call("clear", False, super().clear)


def _fallback(value):
    if isinstance(value, BaseException):
        raise value
    return value
