"""Reaching the real PostgreSQL and Redis servers from tests.

Outside CI a missing server skips the test that needs it, with the reason.
In CI (CI=true) it fails: a green run must mean the test really ran."""

import os

import pytest

REDIS_DEFAULT = "redis://127.0.0.1:6379/15"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def server_missing(what: str, error: Exception) -> None:
    message = f"{what} is not reachable: {error}"
    if in_ci():
        pytest.fail(message)
    pytest.skip(message)


def redis_url() -> str:
    """The Redis this run uses (REDIS_URL), or the local default; checked."""
    import redis

    url = os.environ.get("REDIS_URL") or REDIS_DEFAULT
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        server_missing(f"Redis at {url}", exc)
    return url
