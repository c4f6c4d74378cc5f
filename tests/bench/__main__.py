"""Benchmarks, reported as ratios and query counts rather than timed tests.

    make bench            (or: .venv/bin/python -m tests.bench)

Builds a fresh database with the seed curriculum (SQLite in a temporary
folder unless DATABASE_URL is set), serves it with gunicorn, and measures a
signed-in trainee's lesson page against a bare Django view served the same
way (same server, same middleware, same session cookie). Budget (DESIGN.md):
the lesson page reaches at least 1/4 of the bare view's throughput, with a
query count that does not grow with the course."""

import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "400"))
ROUNDS = 5
CLIENTS = 2
WORKERS = 2


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run(env, *args) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def _wait_for_port(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)  # polling for a server to listen, not test sync
    raise RuntimeError("gunicorn did not start")


def _throughput(port: int, path: str, cookie: str) -> float:
    """Requests per second over REQUESTS requests from CLIENTS threads."""
    per_client = REQUESTS // CLIENTS
    failures = []

    def client() -> None:
        for _ in range(per_client):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", path, headers={"Cookie": cookie})
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                failures.append(response.status)
            conn.close()

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if failures:
        raise RuntimeError(f"{path}: {len(failures)} failed requests ({failures[0]})")
    return per_client * CLIENTS / elapsed


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="sinau-bench-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.bench.settings",
        "CELERY_BROKER_DIR": str(tmp / "broker"),
        "DJANGO_MEDIA_ROOT": str(tmp / "media"),
    }
    env.setdefault("DATABASE_URL", f"sqlite:///{tmp / 'bench.sqlite3'}")
    os.environ.update(env)
    print(f"[1/4] database with the seed curriculum ({env['DATABASE_URL']})")
    _run(env, "migrate", "--noinput", "-v0")
    _run(env, "load_initial_data", "--demo-accounts")

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from courses.models import CoursePage, LessonPage
    from lms.accounts.models import User

    trainee = User.objects.get(email="peserta@sinau.local")
    client = Client()
    client.force_login(trainee)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    course = CoursePage.objects.get(slug="cakap-digital")
    lesson = LessonPage.objects.descendant_of(course).order_by("path")[3]
    big = max(CoursePage.objects.all(), key=lambda c: c.get_descendants().count())
    big_lesson = LessonPage.objects.descendant_of(big).order_by("path").last()
    from courses.services import enrollment_create

    enrollment_create(user=trainee, course=big)

    print("[2/4] SQL queries per request (signed-in trainee)")
    counts = {}
    for label, url in (
        ("lesson page", lesson.url),
        (f"lesson page in the largest course ({big.title})", big_lesson.url),
        ("Belajarku", "/belajarku/"),
        ("catalogue", "/kursus/"),
    ):
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        counts[label] = len(queries)
        print(f"  {label:60} {len(queries):3} queries, {len(response.content):6} bytes")

    port = _free_port()
    print(f"[3/4] gunicorn, {WORKERS} sync workers, on 127.0.0.1:{port}")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "tests.bench.wsgi:application",
            "--workers",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        _wait_for_port(port, server)
        _throughput(port, "/bench/bare/", cookie)  # warm up both
        _throughput(port, lesson.url, cookie)
        print(
            f"[4/4] {ROUNDS} alternating rounds of {REQUESTS} requests each,"
            f" from {CLIENTS} clients; medians"
        )
        bares, pages = [], []
        for _ in range(ROUNDS):
            bares.append(_throughput(port, "/bench/bare/", cookie))
            pages.append(_throughput(port, lesson.url, cookie))
        bare, page = statistics.median(bares), statistics.median(pages)
    finally:
        server.terminate()
        server.wait(timeout=20)
    ratio = page / bare
    print(f"  bare Django view : {bare:8.1f} req/s")
    print(f"  lesson page      : {page:8.1f} req/s")
    print(f"  ratio            : {ratio:8.2f}  (budget >= 0.25)")
    small, large = list(counts.values())[:2]
    print(f"  lesson queries   : {small} ({large} in the largest course)")
    return 0 if ratio >= 0.25 else 1


if __name__ == "__main__":
    sys.exit(main())
