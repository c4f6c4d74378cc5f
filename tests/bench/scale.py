"""Scale of data, on PostgreSQL + Redis: the lesson page, Belajarku and an
answer POST of the demo trainee, measured on the seed database, then again
after seeding 100,000 trainees, 300,000 enrolments, 2,000,000 lesson
completions and 100,000 quiz attempts with COPY.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sinau_bench \\
    REDIS_URL=redis://127.0.0.1:6379/14 .venv/bin/python -m tests.bench scale

Budget: the same SQL query count at both sizes, and each page within 1.5x of
its small-database time. Times are taken as the page's throughput relative to
the bare view measured in the same phase (so a neighbour's load on this
shared machine shifts both); raw figures are printed too. After seeding,
every query of the three requests is EXPLAINed and any sequential scan of a
large table is reported (that would need an index). Sizes:
BENCH_SCALE_TRAINEES (100000), BENCH_SCALE_COMPLETIONS (2000000)."""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from . import common

WORKERS = 2
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "3"))
TRAINEES = int(os.environ.get("BENCH_SCALE_TRAINEES", "100000"))
COMPLETIONS = int(os.environ.get("BENCH_SCALE_COMPLETIONS", "2000000"))
BUDGET = 1.5
LARGE_TABLES = (
    "accounts_user",
    "courses_enrollment",
    "courses_lessoncompletion",
    "assessments_attempt",
    "assessments_attemptquestion",
    "django_session",
)


def prepare():
    """Targets of the demo trainee: (label, method, path, body, status)."""
    import django

    django.setup()
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
    assert attempt is not None
    fields = {"single": "choice", "true_false": "value", "multiple": "choices"}
    item = next(
        i for i in attempt.items.order_by("order") if i.snapshot["kind"] in fields
    )
    snapshot = item.snapshot
    key = (
        snapshot["value_keys"]["true"]
        if snapshot["kind"] == "true_false"
        else snapshot["choices"][0]["key"]
    )
    cookie, csrf = common.signed_in(trainee)
    answer = common.form(csrf, **{fields[snapshot["kind"]]: key, "go": "next"})
    targets = [
        ("bare view", "GET", "/bench/bare/", None, 200),
        ("lesson page", "GET", lesson.url, None, 200),
        ("Belajarku", "GET", "/belajarku/", None, 200),
        (
            "answer POST",
            "POST",
            f"/kuis/percobaan/{attempt.pk}/soal/{item.order}/",
            answer,
            302,
        ),
    ]
    return trainee, cookie, targets


def query_counts(trainee, targets) -> dict[str, list[str]]:
    """The SQL of each request, in-process (the Django test client)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(trainee)
    sql = {}
    for label, method, path, body, status in targets:

        def send(path=path, method=method, body=body):
            if method == "GET":
                return client.get(path)
            return client.post(
                path, body, content_type="application/x-www-form-urlencoded"
            )

        send()
        with CaptureQueriesContext(connection) as queries:
            response = send()
        assert response.status_code == status, (label, response.status_code)
        sql[label] = [q["sql"] for q in queries]
    return sql


def measure(env, cookie, targets) -> dict[str, dict]:
    """wrk rounds, interleaved: req/s and p50 per target (medians)."""
    rps: dict[str, list[float]] = {t[0]: [] for t in targets}
    p50: dict[str, list[float]] = {t[0]: [] for t in targets}
    commands = {}
    errors = []
    with common.gunicorn(env, workers=WORKERS) as port:
        base = f"http://127.0.0.1:{port}"

        def run(label, method, path, body, status, seconds):
            wrk_env = {
                "BENCH_COOKIE": cookie,
                "BENCH_METHOD": method,
                "BENCH_EXPECT": str(status),
            }
            if body:
                wrk_env["BENCH_BODY"] = body
            return common.wrk(base + path, seconds=seconds, env=wrk_env)

        for target in targets:
            run(*target, seconds=1)
        for _ in range(ROUNDS):
            for target in targets:
                result = run(*target, seconds=SECONDS)
                if result.errors:
                    errors.append(f"{target[0]}: {result.errors} errors")
                rps[target[0]].append(result.rps)
                p50[target[0]].append(result.p50_ms)
                commands[target[0]] = result.command.replace(str(port), "$PORT")
    bare = rps["bare view"]
    return {
        label: {
            "rps": statistics.median(rps[label]),
            "p50": statistics.median(p50[label]),
            "relative": statistics.median(
                [r / b for r, b in zip(rps[label], bare, strict=True) if r and b]
                or [0.0]
            ),
            "command": commands[label],
            "errors": errors,
        }
        for label in rps
    }


def seed(trainee) -> None:
    """COPY the large tables in; prints progress."""
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.utils import timezone

    from assessments.models import Attempt, QuizPage
    from courses.models import CoursePage, Enrollment, LessonCompletion, LessonPage
    from lms.accounts.models import User

    rng = random.Random(12)  # noqa: S311 - sample data, not security
    now = timezone.now()
    started = time.monotonic()

    def progress(what: str, done: int, total: int) -> None:
        print(
            f"  {what}: {done:,}/{total:,} ({time.monotonic() - started:.0f} s)",
            flush=True,
        )

    raw = connection.connection  # psycopg 3
    user_table = User._meta.db_table
    template = User(password="!", preferred_language="id", date_joined=now)
    fields = [f for f in User._meta.concrete_fields if f.column != "id"]
    columns = ", ".join(f'"{f.column}"' for f in fields)
    with raw.cursor() as cur:
        with cur.copy(f'COPY "{user_table}" ({columns}) FROM STDIN') as copy:
            for n in range(TRAINEES):
                template.email = f"scale-{n}@bench.sinau.local"
                template.phone = f"+62899{n:08d}"
                template.display_name = f"Peserta {n}"
                copy.write_row(
                    [
                        f.get_db_prep_save(getattr(template, f.attname), connection)
                        for f in fields
                    ]
                )
                if (n + 1) % 25000 == 0:
                    progress("trainees", n + 1, TRAINEES)
        cur.execute(
            f'SELECT id FROM "{user_table}" WHERE email LIKE %s ORDER BY id',  # noqa: S608
            ["scale-%@bench.sinau.local"],
        )
        user_ids = [row[0] for row in cur.fetchall()]
        group = Group.objects.filter(name="Trainees").first()
        if group is not None:
            through = User.groups.through._meta.db_table
            with cur.copy(f'COPY "{through}" (user_id, group_id) FROM STDIN') as copy:
                for user_id in user_ids:
                    copy.write_row([user_id, group.pk])
        courses = list(CoursePage.objects.live().order_by("path"))
        lessons = {
            c.pk: list(LessonPage.objects.descendant_of(c).values_list("id", flat=True))
            for c in courses
        }
        per_user = max(1, COMPLETIONS // max(1, len(user_ids)))
        enrolled: dict[int, list[int]] = {}
        with cur.copy(
            f'COPY "{Enrollment._meta.db_table}" (user_id, course_id, status,'
            " source, enrolled_at, last_activity_at) FROM STDIN"
        ) as copy:
            for user_id in user_ids:
                chosen, room = [], 0
                for course in rng.sample(courses, len(courses)):
                    chosen.append(course.pk)
                    room += len(lessons[course.pk])
                    if room >= per_user and len(chosen) >= 3:
                        break
                enrolled[user_id] = chosen
                for course_id in chosen:
                    copy.write_row([user_id, course_id, "active", "self", now, now])
        total = sum(len(c) for c in enrolled.values())
        progress("enrolments", total, total)
        written = 0
        with cur.copy(
            f'COPY "{LessonCompletion._meta.db_table}" (user_id, lesson_id,'
            " completed_at) FROM STDIN"
        ) as copy:
            for user_id in user_ids:
                pool = [lesson for c in enrolled[user_id] for lesson in lessons[c]]
                for lesson_id in rng.sample(pool, min(per_user, len(pool))):
                    copy.write_row([user_id, lesson_id, now])
                    written += 1
                    if written % 250000 == 0:
                        progress("lesson completions", written, COMPLETIONS)
        progress("lesson completions", written, COMPLETIONS)
        quiz = (
            Attempt.objects.filter(user=trainee).values_list("quiz_id", flat=True)
        ).first() or QuizPage.objects.values_list("id", flat=True).first()
        with cur.copy(
            f'COPY "{Attempt._meta.db_table}" (user_id, quiz_id, number, status,'
            " started_at, submitted_at, score, max_score, passed) FROM STDIN"
        ) as copy:
            for user_id in user_ids:
                copy.write_row([user_id, quiz, 1, "graded", now, now, 5, 10, False])
        progress("quiz attempts", len(user_ids), len(user_ids))
        for table in LARGE_TABLES:
            cur.execute(f'ANALYZE "{table}"')
    raw.commit()
    print(f"  seeded and analysed in {time.monotonic() - started:.0f} s", flush=True)


def sequential_scans(sql: dict[str, list[str]]) -> list[str]:
    """Queries that scan a large table sequentially, after ANALYZE."""
    from django.db import connection

    found = []
    with connection.cursor() as cur:
        for label, queries in sql.items():
            for query in queries:
                if not query.lstrip().upper().startswith("SELECT"):
                    continue
                cur.execute("EXPLAIN " + query)
                plan = "\n".join(row[0] for row in cur.fetchall())
                for table in LARGE_TABLES:
                    if f"Seq Scan on {table}" in plan:
                        found.append(f"{label}: Seq Scan on {table}: {query[:160]}")
    return found


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="sinau-bench-scale-"))
    env = common.bench_env(tmp)
    if not env["DATABASE_URL"].startswith("postgres"):
        sys.exit("The scale bench runs on PostgreSQL: set DATABASE_URL (and REDIS_URL)")
    os.environ.update(env)
    label = common.backend_label(env)
    print(f"\n## Scale of data on {label}: {common.reproduce('scale', env)}")
    common.fresh_database(env["DATABASE_URL"])
    common.flush_redis(env["REDIS_URL"], env["DATABASE_URL"])
    common.manage(env, "migrate", "--noinput", "-v0")
    common.manage(env, "load_initial_data", "--demo-accounts", "-v0")
    trainee, cookie, targets = prepare()
    small_sql = query_counts(trainee, targets)
    print("  small database (the seed):", flush=True)
    small = measure(env, cookie, targets)
    print(
        f"  seeding {TRAINEES:,} trainees and {COMPLETIONS:,} lesson completions",
        flush=True,
    )
    from django.db import close_old_connections

    seed(trainee)
    close_old_connections()
    large_sql = query_counts(trainee, targets)
    scans = sequential_scans(large_sql)
    print("  large database:", flush=True)
    large = measure(env, cookie, targets)
    ok = True
    print(
        f"  {'request':14} {'queries':>11} {'req/s small':>11} {'large':>7}"
        f" {'p50 ms small':>12} {'large':>6} {'slower (vs bare)':>17}"
    )
    for name, *_rest in targets:
        slower = small[name]["relative"] / (large[name]["relative"] or 1e-9)
        same = len(small_sql[name]) == len(large_sql[name])
        verdict = ""
        if name != "bare view":
            good = same and slower <= BUDGET
            ok &= good
            verdict = "ok" if good else "MISSED"
        print(
            f"  {name:14} {len(small_sql[name]):>4} -> {len(large_sql[name]):<4}"
            f" {small[name]['rps']:11.1f} {large[name]['rps']:7.1f}"
            f" {small[name]['p50']:12.1f} {large[name]['p50']:6.1f}"
            f" {slower:16.2f}x {verdict}"
        )
    print(f"  budget: same queries, at most {BUDGET}x slower; each figure e.g.")
    for name, data in large.items():
        print(f"    {name}: {data['command']}")
    errors = small["bare view"]["errors"] + large["bare view"]["errors"]
    for error in errors:
        print(f"  ERROR {error}")
    print(f"  sequential scans of large tables: {len(scans)}")
    for scan in scans:
        print(f"    {scan}")
    return 0 if ok and not errors and not scans else 1


if __name__ == "__main__":
    sys.exit(main())
