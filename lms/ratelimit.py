"""Moved to `lms.common.ratelimit`: this path re-exports
it for the code that still imports it from here."""

from lms.common.ratelimit import *  # noqa: F403
from lms.common.ratelimit import (  # noqa: F401
    CACHE_ERRORS,
    CacheUnavailable,
    Rate,
    Usage,
    forget,
    hit,
    is_full,
    local_cache,
    parse_rates,
)
