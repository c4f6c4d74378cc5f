"""Cohort dashboard benchmark on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sinau_bench \\
        .venv/bin/python -m tests.bench.cohorts

Creates the database if missing, migrates, loads the seed curriculum
(9 courses), seeds one cohort of 2,000 trainees enrolled in all 9 courses
at varied stages (lessons done, passed and failed quiz attempts, idle ones,
versions of a practical task per course assessed by two trainers, and
pre-test/post-test attempts: a course's first quiz is its pre-test and its
last its post-test when the seed marks none; a course without a task gets
one),
then times the dashboard view in-process (Django test client: middleware,
view, selector and template; no network) and counts its SQL queries: with
every member's facts kept (lms/cohorts/facts.py), with BENCH_CHANGED (50)
random trainees' work changed before each view, and with nothing kept
(every member counted, as after a deploy or a content change).
It also builds the 2,000-row matrix export (CSV and XLSX) in-process.
Budget (docs/benchmarks.md, "Budgets"): under 300 ms server time, constant query count.
A second run reuses the seeded cohort."""

import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TRAINEES = int(os.environ.get("BENCH_TRAINEES", "2000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "15"))
# Trainees whose work changes between two views in the "changed" run.
CHANGED = int(os.environ.get("BENCH_CHANGED", "50"))
CODE = f"bench-{TRAINEES}-tasks"
BUDGET_MS = 300


def _database_ensure(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def _seed(cohort_code: str):
    """The bench cohort, built with bulk inserts (idempotent by code)."""
    from decimal import Decimal

    from django.contrib.auth.models import Group
    from django.db import transaction
    from django.utils import timezone

    from assessments.models import Attempt, QuizPage
    from courses.models import CoursePage, Enrollment, LessonCompletion, LessonPage
    from lms.accounts.models import User
    from lms.accounts.roles import PROGRAM_MANAGERS
    from lms.accounts.roles import TRAINEES as TRAINEES_GROUP
    from lms.cohorts.models import Cohort, CohortMembership

    manager, _ = User.objects.get_or_create(
        email="bench-manager@sinau.local", defaults={"display_name": "Bench Manager"}
    )
    manager.groups.add(Group.objects.get(name=PROGRAM_MANAGERS))
    cohort = Cohort.objects.filter(code=cohort_code).first()
    if cohort is not None:
        return cohort, manager
    rng = random.Random(2026)  # noqa: S311 - benchmark data, not security
    now = timezone.now()
    courses = list(CoursePage.objects.live().order_by("path"))
    with transaction.atomic():
        cohort = Cohort.objects.create(
            name=f"Bench {TRAINEES}", code=cohort_code, starts_on=now.date()
        )
        cohort.courses.set(courses)
        cohort.managers.add(manager)
        users = User.objects.bulk_create(
            [
                User(
                    phone=f"+62859{i:08d}",
                    display_name=f"Peserta Bench {i:05d}",
                    password="!",
                )
                for i in range(TRAINEES)
            ],
            batch_size=2000,
        )
        group = Group.objects.get(name=TRAINEES_GROUP)
        User.groups.through.objects.bulk_create(
            [User.groups.through(user_id=u.pk, group_id=group.pk) for u in users],
            batch_size=5000,
        )
        CohortMembership.objects.bulk_create(
            [CohortMembership(cohort=cohort, user=u) for u in users], batch_size=5000
        )
        enrollments, completions, attempts = [], [], []
        for course in courses:
            lessons = list(
                LessonPage.objects.live().descendant_of(course).order_by("path")
            )
            quizzes = list(
                QuizPage.objects.live().descendant_of(course).order_by("path")
            )
            for u in users:
                share = rng.random()
                done = lessons[: int(len(lessons) * share)]
                finished = share > 0.95
                enrollments.append(
                    Enrollment(
                        user=u,
                        course=course,
                        source="cohort",
                        last_activity_at=now,
                        completed_at=now if finished else None,
                        status="completed" if finished else "active",
                    )
                )
                completions += [LessonCompletion(user=u, lesson=ls) for ls in done]
                for quiz in quizzes[: int(len(quizzes) * share)]:
                    score = Decimal(rng.randint(30, 100))
                    attempts.append(
                        Attempt(
                            user=u,
                            quiz=quiz,
                            number=1,
                            status="graded",
                            submitted_at=now,
                            score=score,
                            max_score=Decimal(100),
                            passed=score >= 70,
                        )
                    )
        Enrollment.objects.bulk_create(enrollments, batch_size=5000)
        LessonCompletion.objects.bulk_create(completions, batch_size=5000)
        Attempt.objects.bulk_create(attempts, batch_size=5000)
        versions = _tasks_seed(courses, users, rng=rng, now=now)
        attempts_count = len(attempts) + _tests_seed(courses, users, rng=rng, now=now)
    print(
        f"  seeded {TRAINEES} trainees x {len(courses)} courses: "
        f"{len(enrollments)} enrolments, {len(completions)} lessons done, "
        f"{attempts_count} quiz attempts, {versions} task submissions"
    )
    return cohort, manager


def _tasks_seed(courses, users, *, rng, now) -> int:
    """Per course a practical task (the seed's first, or a new one); per
    trainee none, one version waiting, one assessed "needs revision" (released
    or not), or that and a passed second version; two trainers assess."""
    from datetime import timedelta

    from assessments.models import Submission, TaskAssessment, TaskPage
    from lms.accounts.models import User
    from tests.factories.practice import task_in

    trainers = [
        User.objects.get_or_create(
            email=f"bench-trainer-{i}@sinau.local",
            defaults={"display_name": f"Bench Trainer {i}"},
        )[0]
        for i in (1, 2)
    ]
    submissions, outcomes = [], []
    for course in courses:
        task = TaskPage.objects.live().descendant_of(course).order_by("path").first()
        if task is None:
            task = task_in(course, slug="tugas-bench", title="Tugas bench")
        for u in users:
            share = rng.random()
            if share < 0.3:
                continue
            submitted = now - timedelta(days=rng.randint(1, 20))
            marked = share >= 0.5
            submissions.append(
                Submission(
                    task=task,
                    user=u,
                    number=1,
                    submitted_at=submitted,
                    status="revision" if marked else "waiting",
                )
            )
            outcomes.append((marked, "revision", submitted))
            if share >= 0.75:
                again = submitted + timedelta(days=1)
                submissions.append(
                    Submission(
                        task=task, user=u, number=2, submitted_at=again, status="passed"
                    )
                )
                outcomes.append((True, "passed", again))
    Submission.objects.bulk_create(submissions, batch_size=5000)
    TaskAssessment.objects.bulk_create(
        [
            TaskAssessment(
                submission=s,
                assessor=trainers[i % 2],
                decision=decision,
                score=3,
                max_score=4,
                assessed_at=at + timedelta(hours=rng.randint(1, 72)),
            )
            for i, (s, (marked, decision, at)) in enumerate(
                zip(submissions, outcomes, strict=True)
            )
            if marked
        ],
        batch_size=5000,
    )
    return len(submissions)


def _tests_seed(courses, users, *, rng, now) -> int:
    """Pre-test and post-test attempts (one each) for most trainees."""
    from decimal import Decimal

    from assessments.models import Attempt, QuizPage

    attempts = []
    for course in courses:
        quizzes = list(QuizPage.objects.live().descendant_of(course).order_by("path"))
        if len(quizzes) < 2:
            continue
        pre = next((q for q in quizzes if q.test_role == "pre"), None)
        post = next((q for q in quizzes if q.test_role == "post"), None)
        if pre is None and post is None:
            pre, post = quizzes[0], quizzes[-1]
            QuizPage.objects.filter(pk=pre.pk).update(test_role="pre")
            QuizPage.objects.filter(pk=post.pk).update(test_role="post")
        if pre is None or post is None:
            continue
        taken = set(
            Attempt.objects.filter(quiz__in=[pre, post]).values_list(
                "user_id", "quiz_id"
            )
        )
        for u in users:
            if rng.random() < 0.2:
                continue
            for quiz, low in ((pre, 10), (post, 40)):
                if (u.pk, quiz.pk) in taken:
                    continue
                attempts.append(
                    Attempt(
                        user=u,
                        quiz=quiz,
                        number=1,
                        status="graded",
                        submitted_at=now,
                        score=Decimal(rng.randint(low, 100)),
                        max_score=Decimal(100),
                        passed=True,
                    )
                )
    Attempt.objects.bulk_create(attempts, batch_size=5000)
    return len(attempts)


def main() -> int:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        print("Set DATABASE_URL to a PostgreSQL database, e.g.")
        print("  DATABASE_URL=postgres://postgres@127.0.0.1:5432/sinau_bench")
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="sinau-bench-cohorts-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.bench.settings",
        "CELERY_BROKER_DIR": str(tmp / "broker"),
        "DJANGO_MEDIA_ROOT": str(tmp / "media"),
        "DJANGO_PRIVATE_MEDIA_ROOT": str(tmp / "private"),
    }
    os.environ.update(env)
    _database_ensure(url)
    print(f"[1/4] database with the seed curriculum ({url})")
    for args in (("migrate", "--noinput", "-v0"), ("load_initial_data",)):
        subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from lms.cohorts.models import CohortExport
    from lms.cohorts.services import cohort_export_build

    print(f"[2/4] cohort of {TRAINEES} trainees")
    cohort, manager = _seed(CODE)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would after the bulk load
    client = Client()
    client.force_login(manager)
    dashboard = reverse("cohorts:dashboard", args=[cohort.pk])

    print("[3/4] dashboard: SQL queries and server time")
    from django.core.cache import cache

    from courses.progress import progress_changed
    from lms.cohorts import facts

    member_ids = list(cohort.memberships.values_list("user_id", flat=True))
    rng = random.Random(7)  # noqa: S311 - benchmark data, not security

    def some_changed() -> None:
        # As if CHANGED trainees had worked since the manager's last view.
        progress_changed(*rng.sample(member_ids, CHANGED))

    def nothing_kept() -> None:
        cache.delete_many([facts._key(cohort.pk, pk) for pk in member_ids])
        facts._memo.clear()

    results = {}
    for label, query, before in (
        ("everyone", "", None),
        ("kept in Redis only", "", lambda: facts._memo.clear()),
        ("at risk, by progress", "?show=at_risk&sort=progress", None),
        (f"{CHANGED} changed since", "", some_changed),
        ("nothing kept (counted)", "", nothing_kept),
    ):
        client.get(dashboard + query)  # warm caches and connections
        if before:
            before()
        queries = []
        with connection.execute_wrapper(
            lambda execute, sql, *args, log=queries: (
                log.append(sql) or execute(sql, *args)
            )
        ):
            response = client.get(dashboard + query)
        assert response.status_code == 200, response.status_code
        times, cpu, sql = [], [], []

        def timed(execute, *args, spent=sql):
            started = time.perf_counter()
            try:
                return execute(*args)
            finally:
                spent[-1] += (time.perf_counter() - started) * 1000

        for _ in range(ROUNDS):
            if before:
                before()
            sql.append(0.0)
            started, cpu_started = time.perf_counter(), time.process_time()
            with connection.execute_wrapper(timed):
                client.get(dashboard + query)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
        results[label] = (len(queries), statistics.median(times), max(times))
        median = statistics.median(times)
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        print(
            f"  {label:24} {len(queries):3} queries, median {median:6.1f} ms,"
            f" p95 {p95:6.1f} ms, {len(response.content) // 1024} KB;"
            f" of which Django CPU {statistics.median(cpu):5.1f} ms,"
            f" SQL {statistics.median(sql):5.1f} ms (medians)"
        )
    print(f"  load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")

    print(f"[4/4] matrix export of {TRAINEES} trainees (in-process)")
    for file_format in ("csv", "xlsx"):
        export = CohortExport.objects.create(
            cohort=cohort, kind="matrix", format=file_format
        )
        started = time.perf_counter()
        cohort_export_build(export_id=export.pk)
        export.refresh_from_db()
        print(
            f"  {file_format:4} {export.rows} rows in"
            f" {(time.perf_counter() - started) * 1000:7.0f} ms"
        )
    median = results["everyone"][1]
    changed = results[f"{CHANGED} changed since"][1]
    print(
        f"  dashboard median {median:.1f} ms kept, {changed:.1f} ms with"
        f" {CHANGED} changed (budget < {BUDGET_MS} ms)"
    )
    return 0 if max(median, changed) < BUDGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
