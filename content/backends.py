"""The cache backend of each process's copy of content entries
(`CACHES["content"]`, see content/cache.py)."""

from django.core.cache.backends.locmem import LocMemCache


class ProcessCache(LocMemCache):
    """Django's LocMemCache without its memcached key check. That check
    (BaseCache.validate_key: warn on keys over 250 characters or holding
    spaces or control characters) walks every character of the key on every
    read, and a page makes some twenty reads; these keys are Sinau's own
    (content/cache.py builds them from ids, hashes and names) and never
    reach memcached. Django's documentation names overriding validate_key
    as the way to silence the check (Cache key warnings, "Django's cache
    framework")."""

    def validate_key(self, key: str) -> None:
        return None
