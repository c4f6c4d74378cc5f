"""The write path under load, on PostgreSQL + Redis: 300 trainees on phones
that retry, driven by wrk (tests/bench/wrk/trainees.lua) against gunicorn
with 4 sync workers.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sinau_bench \\
    REDIS_URL=redis://127.0.0.1:6379/14 .venv/bin/python -m tests.bench write

Each trainee starts an attempt, answers 10 questions (each answer POSTed
twice), marks a lesson done after question 5 and another twice after question
10, and submits twice. Python only prepares: it creates the course, the quiz
and the trainees, enrols them and signs them in (sessions in the shared
store). Afterwards the database must hold, for every trainee, exactly one
submitted attempt with the 10 answers the script sent, the right score, the
two lesson completions, and an enrolment whose last activity is not older
than any of them. Budget: p95 < 300 ms, zero errors, nothing lost or
duplicated."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from . import common

WORKERS = 4
TRAINEES = int(os.environ.get("BENCH_TRAINEES", "300"))
CONNECTIONS = int(os.environ.get("BENCH_WRITE_CONNECTIONS", "4"))
SECONDS = int(
    os.environ.get("BENCH_WRITE_SECONDS", "1200")
)  # a cap; it stops when done
QUESTIONS = 10
P95_BUDGET_MS = 300


def prepare(tmp: Path):
    """Course, quiz, trainees (enrolled, signed in); writes the users file."""
    import django

    django.setup()
    from django.contrib.auth.models import Group

    from assessments.models import QuizPage
    from courses.services import enrollment_create
    from lms.accounts.models import User
    from lms.accounts.roles import TRAINEES as TRAINEES_GROUP
    from tests.factories.assessments import question, quiz_in
    from tests.factories.courses import course_tree, lessons_of

    course = course_tree(modules=2, lessons=3, title="Kursus bench", slug="bench")
    kinds = ["single", "true_false"] * (QUESTIONS // 2)
    quiz = quiz_in(
        course,
        [question(kind) for kind in kinds],
        title="Kuis bench",
        slug="kuis-bench",
        shuffle_questions=False,
        shuffle_choices=False,
        max_attempts=None,
    )
    lesson_a, lesson_b = lessons_of(course)[:2]
    trainees = Group.objects.get(name=TRAINEES_GROUP)
    lines = []
    users = []
    started = time.monotonic()
    for index in range(TRAINEES):
        # No password: the bench signs trainees in directly (a password hash
        # per trainee costs a second of CPU with production hashers).
        user = User.objects.create(
            email=f"bench-{index}@bench.sinau.local",
            phone=f"+62898{index:08d}",
            password="!",
        )
        user.groups.add(trainees)
        enrollment_create(user=user, course=course)
        cookie, csrf = common.signed_in(user)
        lines.append(
            f"{index} {quiz.pk} {lesson_a.pk} {lesson_b.pk}"
            f" {cookie.replace(' ', '|')} {csrf}"
        )
        users.append(user.pk)
        if (index + 1) % 100 == 0:
            print(
                f"  {index + 1} trainees enrolled and signed in"
                f" ({time.monotonic() - started:.0f} s)",
                flush=True,
            )
    path = tmp / "users.txt"
    path.write_text("\n".join(lines) + "\n")
    return path, QuizPage.objects.get(pk=quiz.pk), (lesson_a, lesson_b), users


def check(quiz, lessons, user_ids: list[int]) -> list[str]:
    """Every trainee's writes, as the script sent them. Returns problems."""
    from assessments.models import Attempt
    from courses.models import Enrollment, LessonCompletion

    problems = []
    attempts = {
        a.user_id: a
        for a in Attempt.objects.filter(quiz=quiz).prefetch_related("items")
    }
    counts = {}
    for a in Attempt.objects.filter(quiz=quiz).values_list("user_id", flat=True):
        counts[a] = counts.get(a, 0) + 1
    completions = {}
    for user_id, lesson_id, at in LessonCompletion.objects.filter(
        user_id__in=user_ids
    ).values_list("user_id", "lesson_id", "completed_at"):
        completions.setdefault(user_id, []).append((lesson_id, at))
    enrollments = {
        e.user_id: e
        for e in Enrollment.objects.filter(course=quiz.get_parent().get_parent())
    }
    for index, user_id in enumerate(user_ids):
        if counts.get(user_id) != 1:
            problems.append(f"user {user_id}: {counts.get(user_id, 0)} attempts")
            continue
        attempt = attempts[user_id]
        items = sorted(attempt.items.all(), key=lambda i: i.order)
        if attempt.status != Attempt.Status.GRADED or attempt.submitted_at is None:
            problems.append(f"attempt {attempt.pk}: status {attempt.status}")
        if len(items) != QUESTIONS:
            problems.append(f"attempt {attempt.pk}: {len(items)} questions")
        expected_score = Decimal(0)
        for item in items:
            snapshot, response = item.snapshot, item.response or {}
            if snapshot["kind"] == "single":
                choice = snapshot["choices"][(index + item.order) % 3]
                wanted = {"choice": choice["id"]}
                right = choice["correct"]
            else:
                value = (index + item.order) % 2 == 0  # True is shown first
                wanted = {"value": value}
                right = value == snapshot["answer"]
            if response != wanted:
                problems.append(
                    f"attempt {attempt.pk} q{item.order}: {response} != {wanted}"
                )
            expected_score += Decimal(snapshot["points"]) if right else 0
        if attempt.score != expected_score:
            problems.append(
                f"attempt {attempt.pk}: score {attempt.score} != {expected_score}"
            )
        done = completions.get(user_id, [])
        if sorted(lesson for lesson, _at in done) != sorted(
            lesson.pk for lesson in lessons
        ):
            problems.append(f"user {user_id}: completions {done}")
        enrollment = enrollments.get(user_id)
        latest = max(
            [at for _l, at in done] + [attempt.submitted_at or attempt.started_at]
        )
        if enrollment is None or enrollment.last_activity_at is None:
            problems.append(f"user {user_id}: no enrolment activity")
        elif enrollment.last_activity_at < latest:
            problems.append(
                f"user {user_id}: last activity {enrollment.last_activity_at}"
                f" before {latest}"
            )
    return problems


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="sinau-bench-write-"))
    env = common.bench_env(tmp)
    if not env["DATABASE_URL"].startswith("postgres") or not env["REDIS_URL"]:
        sys.exit(
            "The write bench runs on PostgreSQL + Redis: set DATABASE_URL and REDIS_URL"
        )
    os.environ.update(env)
    label = common.backend_label(env)
    print(f"\n## Write path on {label}: {common.reproduce('write', env)}")
    common.fresh_database(env["DATABASE_URL"])
    common.flush_redis(env["REDIS_URL"], env["DATABASE_URL"])
    common.manage(env, "migrate", "--noinput", "-v0")
    users_file, quiz, lessons, user_ids = prepare(tmp)
    with common.gunicorn(env, workers=WORKERS) as port:
        # Warm every worker (imports, templates, the content cache) with
        # pages the trainees do not change.
        warm_cookie = users_file.read_text().split()[4].replace("|", " ")
        for path in ("/bench/bare/", lessons[0].url, quiz.url):
            common.wrk(
                f"http://127.0.0.1:{port}{path}",
                seconds=2,
                connections=WORKERS,
                env={"BENCH_COOKIE": warm_cookie},
            )
        print(
            f"  gunicorn {WORKERS} sync workers; {TRAINEES} trainees over"
            f" {CONNECTIONS} wrk connections",
            flush=True,
        )
        result = common.wrk(
            f"http://127.0.0.1:{port}",
            script="trainees.lua",
            seconds=SECONDS,
            connections=CONNECTIONS,
            threads=CONNECTIONS,
            done_file=tmp / "done.txt",
            env={
                "BENCH_DONE_FILE": str(tmp / "done.txt"),
                "BENCH_USERS": str(users_file),
                "BENCH_SLOTS": str(CONNECTIONS),
                "BENCH_QUESTIONS": str(QUESTIONS),
            },
        )
    problems = check(quiz, lessons, user_ids)
    finished = result.data["finished"]
    print(f"  command: {result.command.replace(str(port), '$PORT')}")
    print(
        f"  {result.requests} requests in {result.seconds:.1f} s:"
        f" {result.rps:.1f} req/s; latency p50 {result.p50_ms:.0f} ms,"
        f" p95 {result.p95_ms:.0f} ms, p99 {result.p99_ms:.0f} ms"
        f" (budget p95 < {P95_BUDGET_MS} ms)"
    )
    print(
        f"  errors: {result.unexpected} unexpected statuses"
        f" {result.last_unexpected or ''}, {result.socket_errors} socket errors;"
        f" {finished}/{TRAINEES} trainees finished"
    )
    print(f"  database check: {len(problems)} problems")
    for problem in problems[:20]:
        print(f"    {problem}")
    ok = (
        result.p95_ms < P95_BUDGET_MS
        and result.errors == 0
        and finished == TRAINEES
        and not problems
    )
    print(f"  {'ok' if ok else 'BUDGET MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
