"""Counting for every limit: sliding windows in the shared Django cache, so
the limits hold across web workers and machines, that keep counting (in this
process's memory) when the shared cache is unreachable.

A limit is written in django-allauth's notation, "5/15m" (at most 5 in any 15
minutes; units s, m, h, d), optionally followed by what it is per ("/ip",
"/key"), which the caller decides. A window is approximated from two fixed
buckets, the current one counted in full and the previous one weighted by how
much of it still lies inside the window (the usual sliding-window counter):
at most `amount` hits are ever allowed in one window, with no locks, using
only the cache's atomic `add` and `incr`.

When the shared cache raises (Redis down: ConnectionError, TimeoutError,
`redis.RedisError`) or answers nonsense (a tolerant backend that swallows the
error and returns a default), the hit is counted in a cache private to this
process instead and a warning is logged: guessing stays bounded (each limit
times the number of processes) and nothing answers 500 because of it.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from dataclasses import dataclass, field

from django.core.cache import cache as shared_cache
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.locmem import LocMemCache

try:
    from redis.exceptions import RedisError
except ImportError:  # pragma: no cover - redis is a dependency
    RedisError = OSError

# The name it logged under before it moved to lms.common (log filters use it).
logger = logging.getLogger("lms.ratelimit")

# Used while the shared cache is unreachable; one per process.
local_cache = LocMemCache(
    "sinau-ratelimit-fallback", {"OPTIONS": {"MAX_ENTRIES": 20_000}}
)


class CacheUnavailable(Exception):
    """The shared cache answered something no working cache answers."""


CACHE_ERRORS = (RedisError, OSError, ValueError, TypeError, CacheUnavailable)

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)([smhd])\s*(?:/\s*(\w+))?\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    """At most `amount` hits in any `seconds`; `per` says what is counted
    ("ip", "key", or "" when the caller's name says it)."""

    amount: int
    seconds: int
    per: str = ""

    @property
    def minutes(self) -> int:
        """The window in whole minutes, at least 1."""
        return max(1, round(self.seconds / 60))


def parse_rates(text: str | None) -> list[Rate]:
    """ "50/15m/ip,5/15m/key" -> [Rate(50, 900, "ip"), Rate(5, 900, "key")].
    Empty or None -> []. Raises ValueError on anything else (a settings
    mistake, found at the first check)."""
    rates = []
    for part in (text or "").split(","):
        if not part.strip():
            continue
        match = _RATE.match(part)
        if match is None:
            raise ValueError(f"not a rate: {part!r}")
        amount, count, unit, per = match.groups()
        rates.append(Rate(int(amount), int(count or 1) * _UNITS[unit], per or ""))
    return rates


@dataclass
class Usage:
    """Hits taken by `hit`; `rollback()` gives them back (a right password
    is not a failure). Idempotent."""

    taken: list[tuple[BaseCache, str]] = field(default_factory=list)

    def add(self, other: Usage | None) -> None:
        if other is not None:
            self.taken.extend(other.taken)

    def rollback(self) -> None:
        taken, self.taken = self.taken, []
        for store, key in taken:
            try:
                store.decr(key)
            except CACHE_ERRORS:
                pass  # expired or unreachable: the window forgets it anyway


def _keys(name: str, rate: Rate, now: float) -> tuple[str, str, float]:
    digest = hashlib.sha256(name.encode()).hexdigest()[:32]
    window = int(now // rate.seconds)
    base = f"rl:{rate.amount}/{rate.seconds}:{digest}"
    weight = 1 - (now - window * rate.seconds) / rate.seconds
    return f"{base}:{window}", f"{base}:{window - 1}", weight


def _count(store: BaseCache, current: str, previous: str, timeout: int):
    store.add(current, 0, timeout)
    count = store.incr(current)
    before = store.get(previous, 0)
    # `bool` is an `int`: a tolerant backend answering False is not a count.
    if type(count) is not int or type(before) is not int:
        raise CacheUnavailable(f"incr answered {count!r}")
    return count, before


_last_warning = [0.0]


def _unreachable(error: Exception) -> None:
    # At most one warning a minute per process, however many checks fail.
    now = time.monotonic()
    if now - _last_warning[0] < 60:
        return
    _last_warning[0] = now
    logger.warning(
        "Shared cache unreachable (%s: %s); counting limits in this process",
        type(error).__name__,
        error,
    )


def hit(name: str, rate: Rate, *, now: float | None = None) -> Usage | None:
    """Count one hit of `name` (any string: an address, an account key)
    against `rate`. Returns a `Usage` (to give the hit back) when it is
    within the limit, else None, counting nothing. Never raises for the
    cache: see the module's docstring."""
    now = time.time() if now is None else now
    current, previous, weight = _keys(name, rate, now)
    timeout = 2 * rate.seconds + 1
    try:
        store: BaseCache = shared_cache
        count, before = _count(store, current, previous, timeout)
    except CACHE_ERRORS as error:
        _unreachable(error)
        store = local_cache
        try:
            count, before = _count(store, current, previous, timeout)
        except CACHE_ERRORS:  # pragma: no cover - culled between add and incr
            return Usage()
    if before * weight + count > rate.amount:
        try:
            store.decr(current)
        except CACHE_ERRORS:
            pass
        return None
    return Usage(taken=[(store, current)])


def is_full(name: str, rate: Rate, *, now: float | None = None) -> bool:
    """True when the next `hit(name, rate)` would be refused. Reads only."""
    now = time.time() if now is None else now
    current, previous, weight = _keys(name, rate, now)
    try:
        values = shared_cache.get_many([current, previous])
        count, before = values.get(current, 0), values.get(previous, 0)
        if type(count) is not int or type(before) is not int:
            raise CacheUnavailable("get answered a non-number")
    except CACHE_ERRORS as error:
        _unreachable(error)
        count, before = local_cache.get(current, 0), local_cache.get(previous, 0)
    return before * weight + count + 1 > rate.amount


def forget(name: str, rate: Rate, *, now: float | None = None) -> None:
    """Forget every hit of `name` against `rate` (both buckets, shared and
    local). Idempotent; never raises for the cache."""
    now = time.time() if now is None else now
    current, previous, _weight = _keys(name, rate, now)
    for store in (shared_cache, local_cache):
        try:
            store.delete_many([current, previous])
        except CACHE_ERRORS as error:
            _unreachable(error)
