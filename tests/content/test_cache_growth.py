"""Nothing an anonymous visitor chooses grows the shared cache
(docs/decisions/0022-private-files-bounded-caches.md): unknown URLs (once a route entry
each, for 6 hours) and Host headers with any port (once a site entry each) store no key
of their own.

Keys are counted in the cache this run uses: the real Redis when REDIS_URL
is set (CI's PostgreSQL + Redis pass), the default cache otherwise."""

import secrets

import pytest
from django.conf import settings
from django.core.cache import cache, caches

pytestmark = pytest.mark.django_db


def shared_keys() -> int:
    """How many keys Sinau has in the shared cache (Redis: under the key
    prefix, so the broker's keys in the same database do not count)."""
    if settings.REDIS_URL:
        client = cache._cache.get_client(None)
        return sum(1 for _ in client.scan_iter(match="sinau:*", count=1000))
    return len(cache._cache)


def process_keys() -> int:
    return len(caches["content"]._cache)


def test_random_unknown_urls_add_no_keys(client, home):
    assert client.get("/tidak-ada/").status_code == 404  # warm the fixed keys
    shared, local = shared_keys(), process_keys()
    for _ in range(200):
        path = f"/{secrets.token_hex(6)}/{secrets.token_hex(4)}/"
        assert client.get(path).status_code == 404
    assert shared_keys() - shared == 0
    assert process_keys() - local == 0


def test_random_ports_in_the_host_header_add_no_keys(client, home):
    assert client.get("/", HTTP_HOST="testserver:81").status_code == 200
    shared = shared_keys()
    for port in range(1000, 1200):
        assert client.get("/", HTTP_HOST=f"testserver:{port}").status_code == 200
    assert shared_keys() - shared == 0


def test_pages_that_exist_are_still_routed_from_the_cache(
    client, home, django_assert_max_num_queries
):
    """Only misses are left out: a real page's route stays cached."""
    from tests.factories.courses import catalogue

    index = catalogue()
    client.get(index.url)
    with django_assert_max_num_queries(3):
        assert client.get(index.url).status_code == 200
