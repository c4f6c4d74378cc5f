"""Moved to `lms.common.cache`: this path re-exports
it for the code that still imports it from here."""

from lms.common.cache import *  # noqa: F403
from lms.common.cache import (  # noqa: F401
    LOG_EVERY,
    RETRY_AFTER,
    UNREACHABLE,
    CacheHealth,
    TolerantRedisCache,
    TolerantRedisCacheClient,
    cache_health,
    cache_recovered,
)
