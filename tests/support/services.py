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


class OwnRedis:
    """A redis-server process of the test's own on a free local port, which
    the test may stop and start again (a real outage) without touching the
    Redis other tests and processes share. `url` names database 0."""

    def __init__(self, binary: str) -> None:
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.binary = binary
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self) -> None:
        import subprocess

        import redis

        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)
        for _ in range(200):  # waiting for the server to accept, not a sleep
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if self.process.poll() is not None:
                    break
                import time

                time.sleep(0.05)
        server_missing(f"redis-server on port {self.port}", RuntimeError("no start"))

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


def own_redis() -> OwnRedis:
    """An OwnRedis, started. Fails in CI, skips elsewhere, without
    redis-server installed."""
    import shutil

    binary = shutil.which("redis-server")
    if binary is None:
        server_missing("redis-server", FileNotFoundError("redis-server not on PATH"))
    server = OwnRedis(binary)
    server.start()
    return server


POSTGRES_PROBE_DEFAULT = "postgres://postgres@127.0.0.1:5432/postgres"


def postgres_required() -> None:
    """For a test that needs PostgreSQL itself (row locks, several
    connections writing at once): returns when this run's database is
    PostgreSQL. On another database the test is left to the PostgreSQL run
    (CI's second pass, or DATABASE_URL) and skipped, except in CI when no
    PostgreSQL server answers (SINAU_TEST_POSTGRES_URL, default the local
    one): then the PostgreSQL pass cannot run it either, so it fails."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    if in_ci():
        import psycopg

        url = os.environ.get("SINAU_TEST_POSTGRES_URL") or POSTGRES_PROBE_DEFAULT
        try:
            psycopg.connect(url, connect_timeout=2).close()
        except psycopg.Error as exc:
            server_missing(f"PostgreSQL at {url}", exc)
    pytest.skip("runs on PostgreSQL (CI's PostgreSQL pass; set DATABASE_URL)")
