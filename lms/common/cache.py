"""The shared cache backend: Django's RedisCache that survives losing Redis.

The cache is an optimisation. With Redis unreachable (stopped, restarting,
a network fault) every cache call answers as an empty cache that keeps
nothing, instead of raising:

| call | answers while Redis is down |
|---|---|
| `get`, `get_many`, `has_key`, `touch` | the default / `{}` / False |
| `add` | True ("it was not there", so locks and rate limits let the call through) |
| `set`, `set_many`, `delete`, `delete_many`, `clear` | nothing is stored or removed |
| `incr`, `decr` | ValueError, as for a missing key |

So pages are built from the database, content caches store nothing,
Sinau's own limits (`lms.common.ratelimit`: `incr` fails, so they count in process
memory) keep counting, allauth's reset-mail limit lets requests through,
and locks are taken. After one failure
a process does not try Redis again for `RETRY_AFTER` seconds (a closed
circuit would otherwise cost every call a connection attempt), and it logs
the outage once per `LOG_EVERY` seconds, not per request.

When a process reaches Redis again after an outage it sends
`cache_recovered`: writes it could not make meanwhile (a new content version
after a publish, a trainee's new progress token) are lost, so receivers make
everything cached before the outage unreachable (content/apps.py starts a
new content version).

The breaker's state is per process (`_HEALTH`): it records only whether
this process can reach its cache server, decides nothing shared, and costs
at most `RETRY_AFTER` seconds of cache misses after Redis returns."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.dispatch import Signal
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import OutOfMemoryError, ReadOnlyError
from redis.exceptions import TimeoutError as RedisTimeoutError

# The name it logged under before it moved to lms.common (log filters use it).
logger = logging.getLogger("lms.cache")

RETRY_AFTER = 5.0  # seconds a process leaves Redis alone after a failure
LOG_EVERY = 60.0  # seconds between "still unreachable" log lines
# What "the cache server cannot be used" looks like; anything else (a bug,
# a wrong type) still raises.
UNREACHABLE = (
    RedisConnectionError,
    RedisTimeoutError,
    ReadOnlyError,
    OutOfMemoryError,
    OSError,
)

# Sent (sender=the backend class, location=its servers) by the first call
# that reaches Redis again after a failure in this process.
cache_recovered = Signal()


@dataclass
class CacheHealth:
    """One process's view of one cache server. `down_since` is the
    time.monotonic() of the first failure of the current outage, or None."""

    down_since: float | None = None
    retry_at: float = 0.0
    logged_at: float = 0.0
    failures: int = 0
    retry_after: float = RETRY_AFTER
    lock: threading.Lock = field(default_factory=threading.Lock)

    def skip(self) -> bool:
        """True while the circuit is open (skip Redis entirely)."""
        return self.down_since is not None and time.monotonic() < self.retry_at

    def failed(self, location: str, error: Exception) -> None:
        now = time.monotonic()
        with self.lock:
            self.failures += 1
            self.retry_at = now + self.retry_after
            first = self.down_since is None
            if first:
                self.down_since = now
            if first or now - self.logged_at >= LOG_EVERY:
                self.logged_at = now
                logger.warning(
                    "cache %s unreachable (%s: %s); serving without it, "
                    "retrying every %.0f s",
                    location,
                    type(error).__name__,
                    error,
                    self.retry_after,
                )

    def succeeded(self) -> bool:
        """Record a successful call; True when it ends an outage."""
        if self.down_since is None:
            return False
        with self.lock:
            if self.down_since is None:
                return False
            seconds = time.monotonic() - self.down_since
            self.down_since = None
            self.failures = 0
        logger.warning("cache reachable again after %.0f s", seconds)
        return True


_HEALTH: dict[str, CacheHealth] = {}
_HEALTH_LOCK = threading.Lock()


def cache_health(location: str) -> CacheHealth:
    """This process's CacheHealth for the server(s) `location`."""
    with _HEALTH_LOCK:
        return _HEALTH.setdefault(location, CacheHealth())


def _missing_key(*args, **kwargs):
    raise ValueError("Key not found (cache unreachable)")


# method -> what it answers while the server is unreachable
_FALLBACKS = {
    "get": lambda key, default=None: default,
    "get_many": lambda keys: {},
    "has_key": lambda key: False,
    "touch": lambda key, timeout: False,
    "add": lambda key, value, timeout: True,
    "set": lambda key, value, timeout: None,
    "set_many": lambda data, timeout: None,
    "delete": lambda key: False,
    "delete_many": lambda keys: None,
    "clear": lambda: False,
    "incr": _missing_key,
}


def _tolerant(name: str):
    original = getattr(RedisCacheClient, name)
    fallback = _FALLBACKS[name]

    def method(self, *args, **kwargs):
        health = self._sinau_health
        if health.skip():
            return fallback(*args, **kwargs)
        try:
            result = original(self, *args, **kwargs)
        except UNREACHABLE as error:
            health.failed(self._sinau_location, error)
            return fallback(*args, **kwargs)
        if health.succeeded():
            cache_recovered.send(
                sender=TolerantRedisCache, location=self._sinau_location
            )
        return result

    method.__name__ = name
    method.__doc__ = original.__doc__
    return method


class TolerantRedisCacheClient(RedisCacheClient):
    """RedisCacheClient whose calls answer as an empty cache while the
    server cannot be reached (see the module docstring)."""

    def __init__(self, servers, retry_after: float = RETRY_AFTER, **options):
        super().__init__(servers, **options)
        self._sinau_location = ",".join(servers)
        self._sinau_health = cache_health(self._sinau_location)
        self._sinau_health.retry_after = retry_after


for _name in _FALLBACKS:
    setattr(TolerantRedisCacheClient, _name, _tolerant(_name))


class TolerantRedisCache(RedisCache):
    """`CACHES[...]["BACKEND"]` for Redis: Django's RedisCache with
    `TolerantRedisCacheClient`. Set short socket timeouts in OPTIONS
    (`socket_connect_timeout`, `socket_timeout`, in seconds) so a server
    that does not answer at all costs one request that long, not every
    request; `retry_after` (seconds, default RETRY_AFTER) is how long a
    process leaves it alone after a failure."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = TolerantRedisCacheClient

    def reachable(self) -> bool:
        """Whether a round trip to the server succeeds now (for /health/).
        Honours the breaker: while it is open this answers False at once."""
        client = self._cache
        if client._sinau_health.skip():
            return False
        try:
            client.get_client(None, write=True).ping()
        except UNREACHABLE as error:
            client._sinau_health.failed(client._sinau_location, error)
            return False
        if client._sinau_health.succeeded():
            cache_recovered.send(
                sender=TolerantRedisCache, location=client._sinau_location
            )
        return True
