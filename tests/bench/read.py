"""Read pages against the bare view: a signed-in trainee, warm caches,
gunicorn with 2 sync workers, wrk as the client, interleaved rounds.

    .venv/bin/python -m tests.bench read

Budgets (docs/benchmarks.md, "Budgets"): lesson page >= 0.35 of the bare view; quiz
question, course page, Belajarku and catalogue >= 0.25. The ratio is taken per round
(page / bare view of the same round) and the median of the rounds is held
against the budget, so a neighbour's load that slows one round slows both
sides of its ratio."""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

from . import common

WORKERS = 2
ROUNDS = int(__import__("os").environ.get("BENCH_ROUNDS", "5"))
SECONDS = float(__import__("os").environ.get("BENCH_SECONDS", "3"))
BUDGETS = {
    "lesson page": 0.35,
    "quiz question page": 0.25,
    "course page": 0.25,
    "Belajarku": 0.25,
    "catalogue": 0.25,
}


def prepare() -> tuple[dict[str, str], str, dict[str, int]]:
    """Targets (label -> path), the trainee's cookie and query counts."""
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from assessments.models import QuizPage
    from assessments.services import Refused, attempt_start
    from courses.models import CoursePage, LessonPage
    from lms.accounts.models import User

    trainee = User.objects.get(email="peserta@sinau.local")
    course = CoursePage.objects.get(slug="cakap-digital")
    lesson = LessonPage.objects.live().descendant_of(course).order_by("path")[3]
    attempt = None
    for quiz in QuizPage.objects.live().descendant_of(course).order_by("path"):
        try:
            attempt = attempt_start(user=trainee, quiz=quiz)
            break
        except Refused:
            continue
    assert attempt is not None, "no quiz the demo trainee can start"
    targets = {
        "bare view": "/bench/bare/",
        "lesson page": lesson.url,
        "quiz question page": f"/kuis/percobaan/{attempt.pk}/soal/1/",
        "course page": course.url,
        "Belajarku": "/belajarku/",
        "catalogue": "/kursus/",
    }
    client = Client()
    client.force_login(trainee)
    counts = {}
    for label, path in targets.items():
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        counts[label] = len(queries)
    cookie, _csrf = common.signed_in(trainee)
    return targets, cookie, counts


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="sinau-bench-read-"))
    env = common.bench_env(tmp)
    import os

    os.environ.update(env)
    label = common.backend_label(env)
    print(f"\n## Read pages on {label}: {common.reproduce('read', env)}", flush=True)
    common.fresh_database(env["DATABASE_URL"])
    common.flush_redis(env["REDIS_URL"], env["DATABASE_URL"])
    common.manage(env, "migrate", "--noinput", "-v0")
    common.manage(env, "load_initial_data", "--demo-accounts", "-v0")
    targets, cookie, counts = prepare()
    wrk_env = {"BENCH_COOKIE": cookie}
    rps: dict[str, list[float]] = {name: [] for name in targets}
    commands: dict[str, str] = {}
    failed = []
    with common.gunicorn(env, workers=WORKERS) as port:
        base = f"http://127.0.0.1:{port}"
        for path in targets.values():  # warm every worker's caches
            common.wrk(base + path, seconds=1, env=wrk_env)
        print(
            f"  gunicorn {WORKERS} sync workers; {ROUNDS} interleaved rounds of"
            f" {SECONDS:g} s per page; wrk -t2 -c4",
            flush=True,
        )
        for _ in range(ROUNDS):
            for name, path in targets.items():
                result = common.wrk(base + path, seconds=SECONDS, env=wrk_env)
                if result.errors:
                    failed.append(
                        f"{name}: {result.errors} errors"
                        f" (status {result.last_unexpected})"
                    )
                rps[name].append(result.rps)
                commands[name] = result.command.replace(str(port), "$PORT")
    bare = rps["bare view"]
    print(
        f"  {'page':20} {'queries':>7} {'req/s':>8} {'ratio':>6} {'budget':>6}"
        "  per-round ratios"
    )
    ok = True
    for name in targets:
        # A round where either side completed nothing (a stalled, shared
        # machine) has no ratio; it is reported, and fails the run.
        ratios = [p / b for p, b in zip(rps[name], bare, strict=True) if p and b]
        if len(ratios) < len(bare):
            failed.append(f"{name}: {len(bare) - len(ratios)} stalled rounds")
        ratio = statistics.median(ratios) if ratios else 0.0
        budget = BUDGETS.get(name)
        verdict = ""
        if budget is not None:
            verdict = "ok" if ratio >= budget else "MISSED"
            ok &= ratio >= budget
        print(
            f"  {name:20} {counts[name]:7} {statistics.median(rps[name]):8.1f}"
            f" {ratio:6.2f} {budget or '':>6} {' '.join(f'{r:.2f}' for r in ratios)}"
            f" {verdict}"
        )
    print("  each figure: one wrk run per round, e.g.")
    for name, command in commands.items():
        print(f"    {name}: {command}")
    for failure in failed:
        print(f"  ERROR {failure}")
    return 0 if ok and not failed else 1


if __name__ == "__main__":
    sys.exit(main())
