"""Run a real Celery worker process for a test.

The worker is `celery -A lms worker` in a subprocess with the test settings,
so it talks to the same broker as the code under test. We wait for its
"ready" line instead of sleeping."""

import contextlib
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READY_TIMEOUT = 60


class WorkerLog(list):
    """The worker's log lines (a live list), and its process (`.process`),
    for tests that kill it."""

    process: subprocess.Popen


@contextlib.contextmanager
def celery_worker(
    extra_env: dict[str, str] | None = None,
    *,
    pool: str = "solo",
    concurrency: int | None = None,
) -> Iterator[WorkerLog]:
    """Start a worker; yield its log lines (a live list); stop it on exit."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "lms.settings.test"}
    env.update(extra_env or {})
    hostname = f"test-{os.getpid()}-{threading.get_ident()}@%h"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "lms",
            "worker",
            f"--pool={pool}",
            *([f"--concurrency={concurrency}"] if concurrency else []),
            "--loglevel=INFO",
            f"--hostname={hostname}",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = WorkerLog()
    lines.process = process
    ready: queue.Queue[bool] = queue.Queue()

    def read() -> None:
        for line in process.stdout:
            lines.append(line)
            if " ready." in line:
                ready.put(True)
        ready.put(False)

    threading.Thread(target=read, daemon=True).start()
    try:
        try:
            started = ready.get(timeout=READY_TIMEOUT)
        except queue.Empty:
            started = False
        if not started:
            raise RuntimeError("Celery worker did not start:\n" + "".join(lines))
        yield lines
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
