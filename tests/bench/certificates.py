"""Certificate benchmark: 1,000 certificates through a real Celery worker.

    .venv/bin/python -m tests.bench.certificates      (BENCH_CERTIFICATES=1000)

Builds a fresh database (SQLite in a temporary folder unless DATABASE_URL is
set; the filesystem broker unless REDIS_URL is set), with one course and
1,000 trainees who completed it, starts `celery -A lms worker --concurrency 2`
(prefork) and enqueues `certificate_issue_task` for every enrollment, as the
completion signal does. Prints certificates per second, and the time to
render one certificate PDF and to sign one credential next to a bare
ReportLab page, in this process. Budget (docs/benchmarks.md, "Budgets"): 1,000 in under
30 s.
"""

import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COUNT = int(os.environ.get("BENCH_CERTIFICATES", "1000"))
CONCURRENCY = 2
BUDGET_SECONDS = 30.0 * COUNT / 1000
SAMPLES = 30


def _manage(env, *args) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def _timed(fn, n: int = SAMPLES) -> float:
    """Median milliseconds of `fn()` over `n` runs, after one warm-up."""
    fn()
    times = []
    for _ in range(n):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _worker(env) -> tuple[subprocess.Popen, list[str]]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "lms",
            "worker",
            "--pool=prefork",
            f"--concurrency={CONCURRENCY}",
            "--loglevel=WARNING",
            "--hostname=bench@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env={**env, "DJANGO_LOG_LEVEL": "WARNING"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    threading.Thread(
        target=lambda: [lines.append(line) for line in process.stdout], daemon=True
    ).start()
    return process, lines


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="sinau-bench-certs-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.bench.settings",
        "CELERY_BROKER_DIR": str(tmp / "broker"),
        "DJANGO_MEDIA_ROOT": str(tmp / "media"),
        "EMAIL_URL": "dummymail://",
    }
    env.setdefault("DATABASE_URL", f"sqlite:///{tmp / 'bench.sqlite3'}")
    os.environ.update(env)
    print(f"[1/4] database ({env['DATABASE_URL']}), broker, media in {tmp}")
    _manage(env, "migrate", "--noinput", "-v0")

    import django

    django.setup()
    from django.utils import timezone

    from courses.models import Enrollment
    from lms.accounts.models import User
    from lms.certificates.credentials import credential_issue
    from lms.certificates.models import Certificate, CertificateSettings
    from lms.certificates.pdf import bare_pdf_render, certificate_pdf_render
    from lms.certificates.services import certificate_ensure, certificate_verify_url
    from lms.certificates.tasks import certificate_issue_task
    from tests.factories.courses import course_tree

    course = course_tree(
        modules=1,
        lessons=1,
        title="Menulis Iklan dengan Rumus AIDA",
        outcomes="Menulis iklan dengan rumus AIDA\nMembalas chat pembeli",
    )
    now = timezone.now()
    users = User.objects.bulk_create(
        User(
            email=f"peserta{i}@bench.sinau",
            display_name=f"Peserta Ke-{i} Ñúñez ꦱꦶꦤꦻ" if i % 10 == 0 else f"Peserta {i}",
        )
        for i in range(COUNT + 1)
    )
    enrollments = Enrollment.objects.bulk_create(
        Enrollment(
            user=user,
            course=course,
            status=Enrollment.Status.COMPLETED,
            completed_at=now,
        )
        for user in users
    )

    print("[2/4] one certificate in this process (median of 30, warm)")
    sample, _created = certificate_ensure(enrollment=enrollments.pop())
    sample.issued_at = now
    config = CertificateSettings.load()
    url = certificate_verify_url(certificate=sample)
    bare_ms = _timed(bare_pdf_render)
    pdf_ms = _timed(
        lambda: certificate_pdf_render(
            certificate=sample, config=config, verify_url=url
        )
    )
    sign_ms = _timed(lambda: credential_issue(certificate=sample))
    size = len(
        certificate_pdf_render(certificate=sample, config=config, verify_url=url)
    )
    print(f"  bare ReportLab page   : {bare_ms:7.1f} ms")
    print(f"  certificate PDF       : {pdf_ms:7.1f} ms  ({size / 1024:.0f} KB)")
    print(f"  credential signing    : {sign_ms:7.1f} ms")
    sample.delete()

    print(f"[3/4] worker: prefork, concurrency {CONCURRENCY}")
    process, log = _worker(env)
    try:
        # Warm the worker (imports, fonts, key) before the clock starts.
        certificate_issue_task.delay(0).get(timeout=120)
        print(f"[4/4] {COUNT} certificates through the worker")
        started = time.perf_counter()
        for enrollment in enrollments:
            certificate_issue_task.delay(enrollment.pk)
        enqueued = time.perf_counter() - started
        deadline = started + max(300.0, BUDGET_SECONDS * 10)
        issued = 0
        while issued < COUNT and time.perf_counter() < deadline:
            time.sleep(0.2)  # polling the database for progress, not sync
            issued = Certificate.objects.filter(status="issued").count()
            if process.poll() is not None:
                raise RuntimeError("worker exited:\n" + "".join(log))
        elapsed = time.perf_counter() - started
    finally:
        process.terminate()
        process.wait(timeout=30)
    failed = Certificate.objects.exclude(status="issued").count()
    retried = Certificate.objects.filter(tries__gt=1).count()
    files = len(list((tmp / "media" / "certificates").iterdir()))
    print(f"  enqueued in           : {enqueued:7.2f} s")
    print(
        f"  issued                : {issued:7d}"
        f" ({failed} not issued, {retried} retried, {files} files)"
    )
    print(
        f"  elapsed               : {elapsed:7.2f} s  (budget < {BUDGET_SECONDS:.0f} s)"
    )
    print(f"  certificates / second : {issued / elapsed:7.1f}")
    ok = issued == COUNT and files == 2 * COUNT and elapsed < BUDGET_SECONDS
    print("  result                :", "within budget" if ok else "OVER BUDGET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
