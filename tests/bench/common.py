"""What every benchmark shares: a fresh database, a gunicorn server, wrk runs
and signed-in cookies. The load always comes from wrk (Debian's `wrk`
package); Python only prepares data and reads wrk's summary."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[2]
WRK_DIR = Path(__file__).resolve().parent / "wrk"
PYTHON = sys.executable


def wrk_path() -> str:
    """The wrk binary, or a clear exit saying how to get it."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("  installing wrk: apt-get install -y wrk", flush=True)
        subprocess.run(
            ["apt-get", "install", "-y", "-q", "wrk"],
            check=False,
            stdout=subprocess.DEVNULL,
        )
        found = shutil.which("wrk")
        if found:
            return found
    sys.exit(
        "The benchmarks need wrk: `sudo apt-get install wrk` (Debian/Ubuntu) or"
        " `brew install wrk`."
    )


def manage(env: dict, *args: str) -> None:
    """Run a manage.py command quietly; its output is shown only if it fails."""
    done = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        print(done.stdout, done.stderr, sep="\n")
        raise RuntimeError(f"manage.py {' '.join(args)} failed")


def fresh_database(database_url: str) -> None:
    """Drop and recreate a PostgreSQL database (only a `sinau_*bench*`,
    `sinau_perf*` or `*_bench` name, so a typo never drops real data).
    SQLite files are made fresh by their caller (a new temporary folder)."""
    parts = urlsplit(database_url)
    if not parts.scheme.startswith("postgres"):
        return
    name = parts.path.lstrip("/")
    ours = name.startswith("sinau_") and ("bench" in name or "perf" in name)
    if not ours and not name.endswith("_bench"):
        sys.exit(f"Refusing to recreate database {name!r}: use a sinau_bench* name")
    import psycopg

    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def flush_redis(redis_url: str, database_url: str) -> None:
    """Delete this bench database's cache entries (tests/bench/settings.py
    prefixes them with the database name); other keys are left alone."""
    if redis_url:
        import redis

        name = urlsplit(database_url).path.rsplit("/", 1)[-1]
        client = redis.Redis.from_url(redis_url)
        for key in client.scan_iter(match=f"bench-{name}:*", count=1000):
            client.delete(key)


def bench_env(tmp: Path) -> dict:
    """The environment every bench process and gunicorn share."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.bench.settings",
        "CELERY_BROKER_DIR": str(tmp / "broker"),
        "DJANGO_MEDIA_ROOT": str(tmp / "media"),
        "DJANGO_CACHE_DIR": str(tmp / "cache"),
        "PYTHONPATH": str(ROOT),
    }
    env.setdefault("DATABASE_URL", f"sqlite:///{tmp / 'bench.sqlite3'}")
    env.setdefault("REDIS_URL", "")
    return env


def backend_label(env: dict) -> str:
    if env["DATABASE_URL"].startswith("postgres"):
        return "PostgreSQL + Redis" if env.get("REDIS_URL") else "PostgreSQL"
    return "SQLite + file cache"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(env: dict, *, workers: int) -> Iterator[int]:
    """Serve tests.bench.wsgi with `workers` sync workers; yields the port."""
    port = _free_port()
    server = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "tests.bench.wsgi:application",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                raise RuntimeError("gunicorn exited")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.1)  # polling for a server to listen, not test sync
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


@dataclass
class WrkResult:
    requests: int
    seconds: float
    unexpected: int
    last_unexpected: int | str
    socket_errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    command: str
    data: dict

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def errors(self) -> int:
        return self.unexpected + self.socket_errors


def wrk(
    url: str,
    *,
    script: str = "signed_in.lua",
    seconds: float = 3,
    connections: int = 4,
    threads: int = 2,
    env: dict | None = None,
    args: tuple[str, ...] = (),
    done_file: Path | None = None,
) -> WrkResult:
    """Run wrk once and read the JSON line its Lua `done()` prints.
    `env` adds variables for the Lua script (cookie, method, body). With
    `done_file`, wrk is stopped (SIGINT, after which it reports as usual)
    once the script has written one line per connection there."""
    command = [
        wrk_path(),
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds:g}s",
        "--timeout",
        "30s",
        "-s",
        str(WRK_DIR / script),
        url,
        *(["--", *args] if args else []),
    ]
    shown_env = " ".join(
        f"{k}={shlex.quote(v if k != 'BENCH_COOKIE' else '<cookie>')}"
        for k, v in (env or {}).items()
        if k.startswith("BENCH_") and k != "BENCH_BODY"
    )
    shown = f"{shown_env} {shlex.join(command)}".strip().replace(str(ROOT) + "/", "")
    process = subprocess.Popen(
        command,
        env={**os.environ, "BENCH_WRK_DIR": str(WRK_DIR), **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    if done_file is not None:
        deadline = time.monotonic() + seconds + 60
        while process.poll() is None and time.monotonic() < deadline:
            finished = done_file.read_text().count("\n") if done_file.exists() else 0
            if finished >= connections:
                process.send_signal(signal.SIGINT)
                break
            time.sleep(0.2)  # polling a file wrk's threads write, not test sync
    stdout, stderr = process.communicate(timeout=seconds + 120)
    line = next((x for x in stdout.splitlines() if x.startswith("BENCH ")), None)
    if process.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed: {stdout}\n{stderr}")
    data = json.loads(line[len("BENCH ") :])
    return WrkResult(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        unexpected=data["unexpected"],
        last_unexpected=data["last_unexpected"],
        socket_errors=data["socket_errors"],
        p50_ms=data["p50_us"] / 1000,
        p95_ms=data["p95_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        command=shown,
        data=data,
    )


def signed_in(user) -> tuple[str, str]:
    """A session for `user` (as logging in makes one, in the shared session
    store) and a CSRF secret; returns (cookie header, csrf token)."""
    from django.middleware.csrf import _get_new_csrf_string
    from django.test import Client

    client = Client()
    client.force_login(user)
    secret = _get_new_csrf_string()
    cookie = f"sessionid={client.cookies['sessionid'].value}; csrftoken={secret}"
    return cookie, secret


def form(csrf: str, **fields) -> str:
    return urlencode({"csrfmiddlewaretoken": csrf, **fields})


def reproduce(part: str, env: dict) -> str:
    """The command line that reproduces a part of the bench."""
    shown = [f"DATABASE_URL={env['DATABASE_URL']}"]
    if env.get("REDIS_URL"):
        shown.append(f"REDIS_URL={env['REDIS_URL']}")
    if env["DATABASE_URL"].startswith("sqlite"):
        shown = []
    return " ".join([*shown, ".venv/bin/python -m tests.bench", part])
