"""Offline (issue 22's budgets), on PostgreSQL + Redis behind gunicorn with
4 sync workers:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sinau_bench \\
    REDIS_URL=redis://127.0.0.1:6379/14 .venv/bin/python -m tests.bench.offline

1. Bytes of saving a module for offline: the first module of the seed
   curriculum, made three lessons (its two and a copy of the next seed
   lesson), each lesson given a product photo (a 1600 x 1200 JPEG of
   about 440 KB, smooth light with fine noise, which compresses worse than
   most photos), and a quiz of 20 questions (every auto-graded kind) in
   place of the seed's quiz (unpublished). Counted as a save fetches them, gzipped as
   served (Django's GZip middleware for pages and JSON; WhiteNoise's gzip -9
   copies for static files; images as stored): the module's section of
   the course page (where the module page redirects), the three
   lessons, the `src` rendition of each image, the package (POST
   /aksi/luring/kuis/<id>/paket/, JSON) and the package page, and the shell:
   every stylesheet, script and icon those pages link, /sw.js, the web app
   manifest and its icons, and the "Tersimpan offline" page. Reported for a
   first save and with the shell already cached. Budgets: <= 150 KB first
   save, <= 60 KB with the shell cached; the package page <= 40 KB. When
   the save manifest (GET /luring/modul/<id>/daftar.json) exists, its URLs
   are the list instead (each fetched and measured as above, plus /sw.js,
   which the browser fetches to install the service worker, the package
   and its page), and its own estimate is printed beside.
2. Sync under load: BENCH_TRAINEES (600) trainees, each with a downloaded
   attempt at the 20-question quiz, over 4 wrk connections
   (tests/bench/wrk/syncs.lua): one POST /luring/sinkron/ each, carrying
   the 20 answers (every one applied and graded), then the same bodies
   again (replays: the stored outcome, nothing applied). Loopback, so the
   latency is the server's handling. Reported against the bare view behind
   the same middleware at the same concurrency (requests per second ratio),
   with p50/p95/p99, the load average, and the queries of one sync
   (CaptureQueriesContext, in this process). Budget: p95 < 300 ms, no
   unexpected status, and afterwards every trainee has exactly one graded
   attempt with full marks and one counted sync item.

The bench exits non-zero when a budget is missed."""

from __future__ import annotations

import gzip
import io
import json
import os
import random
import re
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from . import common

WORKERS = 4
CONNECTIONS = 4
TRAINEES = int(os.environ.get("BENCH_TRAINEES", "600"))
SECONDS = 900  # a cap; each pass stops when every trainee is done
QUESTIONS = 20
KINDS = [
    "single",
    "multiple",
    "true_false",
    "numeric",
    "ordering",
    "short_answer",
    "matching",
]
P95_BUDGET_MS = 300
FIRST_SAVE_BUDGET = 150 * 1024
CACHED_SAVE_BUDGET = 60 * 1024
PACKAGE_BUDGET = 40 * 1024
COMPRESSIBLE = (".css", ".js", ".svg", ".json", ".webmanifest", ".html", ".txt")


def photo(seed: int) -> bytes:
    """A 1600 x 1200 JPEG as a trainer uploads it: smooth light, noise."""
    from PIL import Image

    rng = random.Random(seed)  # noqa: S311 (pixels, not secrets)
    small = Image.new("RGB", (320, 240))
    small.putdata(
        [
            ((x * 255) // 320, (y * 255) // 240, rng.randrange(256))
            for y in range(240)
            for x in range(320)
        ]
    )
    out = io.BytesIO()
    small.resize((1600, 1200)).save(out, "JPEG", quality=92)
    return out.getvalue()


def prepare_module():
    """The first seed module, with three lessons: a photo in each, and a
    20-question quiz in it in place of the seed's. Returns
    (module, lessons, quiz)."""
    from django.core.files.images import ImageFile
    from wagtail.images import get_image_model

    from assessments.models import QuizPage, QuizQuestion
    from courses.models import LessonPage, ModulePage
    from tests.factories.assessments import question

    module = ModulePage.objects.live().order_by("path").first()
    lessons = list(LessonPage.objects.child_of(module).live().order_by("path")[:3])
    # Seed modules have two lessons: the third is a copy of the next
    # module's first lesson (a real seed lesson, published).
    sources = LessonPage.objects.live().exclude(pk__in=[x.pk for x in lessons])
    for source in sources.order_by("path")[: 3 - len(lessons)]:
        lessons.append(
            source.copy(
                to=module,
                update_attrs={"slug": f"{source.slug}-luring", "title": source.title},
                keep_live=True,
            ).specific
        )
    image_model = get_image_model()
    for index, lesson in enumerate(lessons):
        image = image_model(title=f"Foto produk {index + 1}")
        image.file = ImageFile(io.BytesIO(photo(index)), name=f"produk-{index}.jpg")
        image.save()
        lesson.body.append(
            (
                "image",
                {
                    "image": image,
                    "alt": "Gula aren cetak di atas daun pisang",
                    "caption": "",
                },
            )
        )
        lesson.save_revision().publish()
    # The module's one quiz is the bench's: the seed's quizzes in it go.
    for seed_quiz in QuizPage.objects.child_of(module).live():
        seed_quiz.unpublish()
    quiz = QuizPage(
        title="Kuis luring",
        slug="kuis-luring-bench",
        shuffle_questions=False,
        max_attempts=None,
    )
    module.add_child(instance=quiz)
    for order in range(QUESTIONS):
        QuizQuestion.objects.create(
            quiz=quiz, question=question(KINDS[order % len(KINDS)]), sort_order=order
        )
    return module, [LessonPage.objects.get(pk=x.pk) for x in lessons], quiz


def _gz(body: bytes) -> int:
    return len(gzip.compress(body, compresslevel=9))


def _static_bytes(url: str) -> int:
    """A static file as WhiteNoise serves it: its gzip -9 copy when
    compressible (and smaller), else as stored."""
    from django.conf import settings
    from django.contrib.staticfiles import finders

    name = urlsplit(url).path[len(settings.STATIC_URL) :]
    found = finders.find(name)
    if found is None:
        raise RuntimeError(f"static file not found: {url}")
    body = Path(found).read_bytes()
    if name.endswith(COMPRESSIBLE):
        return min(len(body), _gz(body))
    return len(body)


def _media_bytes(url: str) -> int:
    from django.conf import settings

    path = urlsplit(url).path[len(settings.MEDIA_URL) :]
    return (Path(settings.MEDIA_ROOT) / path).stat().st_size


def _linked(html: str) -> list[str]:
    """Stylesheets, scripts and icons a page links."""
    found = re.findall(r'<link[^>]+rel="(?:stylesheet|icon)"[^>]*href="([^"]+)"', html)
    found += re.findall(r'<link[^>]+href="([^"]+)"[^>]*rel="(?:stylesheet|icon)"', html)
    found += re.findall(r'<script[^>]+src="([^"]+)"', html)
    return found


def _images(html: str) -> list[str]:
    return re.findall(r'<img[^>]+src="([^"]+)"', html)


def save_bytes(module, lessons, quiz, user) -> dict:
    """What saving `module` downloads (see the module docstring)."""
    from django.conf import settings
    from django.test import Client

    client = Client(HTTP_ACCEPT_ENCODING="gzip")
    client.force_login(user)
    rows: list[tuple[str, str, int]] = []  # (part, url, bytes)

    def page(url: str, part: str, *, method: str = "get") -> str:
        response = getattr(client, method)(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url}: {response.status_code}")
        rows.append((part, url, len(response.content)))
        body = response.content
        if response.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        return body.decode()

    def fetch(url: str, part: str) -> None:
        path = urlsplit(url).path
        if path.startswith(settings.STATIC_URL):
            rows.append((part, path, _static_bytes(path)))
        elif path.startswith(settings.MEDIA_URL):
            rows.append((part, path, _media_bytes(path)))
        else:
            page(path, part)

    manifest = client.get(f"/luring/modul/{module.pk}/daftar.json")
    if manifest.status_code == 200:
        data = json.loads(
            gzip.decompress(manifest.content)
            if manifest.get("Content-Encoding") == "gzip"
            else manifest.content
        )
        for row in data["urls"]:
            fetch(row["url"], "content")
        for row in data["shell"]:
            fetch(row["url"], "shell")
        # The browser fetches the service worker's script to install it.
        page("/sw.js", "shell")
        for entry in data["quizzes"]:
            package = json.loads(page(entry["package"], "content", method="post"))
            page(package["url"], "package page")
        return {
            "rows": rows,
            "source": "the save manifest's URLs, each fetched",
            "estimate": data["bytes"],
        }
    # A module page redirects to its course page's section: that is saved.
    htmls = [page(module.get_parent().url, "content")]
    htmls += [page(lesson.url, "content") for lesson in lessons]
    package = json.loads(
        page(f"/aksi/luring/kuis/{quiz.pk}/paket/", "content", method="post")
    )
    htmls.append(page(package["url"], "package page"))
    htmls.append(page("/luring/", "shell"))
    for url in dict.fromkeys(u for html in htmls[1:4] for u in _images(html)):
        rows.append(("content", url, _media_bytes(url)))
    shell = dict.fromkeys(u for html in htmls for u in _linked(html))
    app_manifest = json.loads(page("/manifest.webmanifest", "shell"))
    shell.update(dict.fromkeys(icon["src"] for icon in app_manifest.get("icons", [])))
    page("/sw.js", "shell")
    for url in shell:
        if url.startswith(settings.STATIC_URL):
            rows.append(("shell", url, _static_bytes(url)))
        else:
            page(url, "shell")
    return {"rows": rows, "source": "the URLs a save fetches (no save manifest yet)"}


def prepare_trainees(tmp: Path, quiz) -> tuple[Path, list[int], object]:
    """Trainees enrolled and signed in, each with a downloaded attempt and
    the sync body answering it right; one more for counting queries."""
    from django.contrib.auth.models import Group

    from assessments.offline.services import package_make
    from courses.selectors import course_of
    from courses.services import enrollment_create
    from lms.accounts.models import User
    from lms.accounts.roles import TRAINEES as TRAINEES_GROUP
    from tests.support.offline import submit_item

    course = course_of(step=quiz)
    group = Group.objects.get(name=TRAINEES_GROUP)
    lines, user_ids = [], []
    started = time.monotonic()
    extras = []
    for index in range(TRAINEES + 2):
        user = User.objects.create(
            email=f"luring-{index}@bench.sinau.local",
            phone=f"+62897{index:08d}",
            password="!",
        )
        user.groups.add(group)
        enrollment_create(user=user, course=course)
        attempt = package_make(user=user, quiz=quiz)
        body = json.dumps({"items": [submit_item(attempt, right=True)]})
        if index >= TRAINEES:
            extras.append((user, body))
            continue
        cookie, csrf = common.signed_in(user)
        lines.append(f"{index}\t{cookie}\t{csrf}\t{body}")
        user_ids.append(user.pk)
        if (index + 1) % 100 == 0:
            print(
                f"  {index + 1} trainees with a downloaded attempt"
                f" ({time.monotonic() - started:.0f} s)",
                flush=True,
            )
    path = tmp / "syncs.txt"
    path.write_text("\n".join(lines) + "\n")
    return path, user_ids, extras


def sync_queries(extras) -> list[int]:
    """The queries of one sync of a 20-answer attempt, in this process:
    the first (cold caches) and a second trainee's (warm)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts = []
    for user, body in extras:
        client = Client()
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            response = client.post(
                "/luring/sinkron/", body, content_type="application/json"
            )
        if response.status_code != 200 or (
            response.json()["items"][0]["outcome"] != "counted"
        ):
            raise RuntimeError(f"sync failed: {response.content[:300]}")
        counts.append(len(queries))
    return counts


def check(quiz, user_ids: list[int]) -> list[str]:
    """Every trainee: one graded attempt with full marks, one counted item."""
    from django.db.models import Count

    from assessments.models import Attempt, SyncItem

    problems = []
    attempts = {
        a.user_id: a for a in Attempt.objects.filter(quiz=quiz, user_id__in=user_ids)
    }
    counts = dict(
        Attempt.objects.filter(quiz=quiz, user_id__in=user_ids)
        .values("user_id")
        .annotate(n=Count("pk"))
        .values_list("user_id", "n")
    )
    items = dict(
        SyncItem.objects.filter(user_id__in=user_ids)
        .values("user_id")
        .annotate(n=Count("pk"))
        .values_list("user_id", "n")
    )
    counted = dict(
        SyncItem.objects.filter(user_id__in=user_ids, outcome="counted")
        .values("user_id")
        .annotate(n=Count("pk"))
        .values_list("user_id", "n")
    )
    for user_id in user_ids:
        attempt = attempts.get(user_id)
        if counts.get(user_id) != 1 or attempt is None:
            problems.append(f"user {user_id}: {counts.get(user_id, 0)} attempts")
            continue
        if (
            attempt.status != Attempt.Status.GRADED
            or attempt.score != attempt.max_score
        ):
            problems.append(
                f"attempt {attempt.pk}: {attempt.status} {attempt.score}"
                f"/{attempt.max_score}"
            )
        if items.get(user_id) != 1 or counted.get(user_id) != 1:
            problems.append(
                f"user {user_id}: {items.get(user_id, 0)} sync items,"
                f" {counted.get(user_id, 0)} counted"
            )
    return problems


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f}"


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="sinau-bench-offline-"))
    env = common.bench_env(tmp)
    if not env["DATABASE_URL"].startswith("postgres") or not env["REDIS_URL"]:
        sys.exit(
            "The offline bench runs on PostgreSQL + Redis: set DATABASE_URL and"
            " REDIS_URL"
        )
    os.environ.update(env)
    print(f"\n## Offline on {common.backend_label(env)}")
    print(f"  reproduce: {common.reproduce('offline', env)}")
    common.fresh_database(env["DATABASE_URL"])
    common.flush_redis(env["REDIS_URL"], env["DATABASE_URL"])
    common.manage(env, "migrate", "--noinput", "-v0")
    common.manage(env, "load_initial_data")
    import django

    django.setup()
    from courses.selectors import course_of
    from courses.services import enrollment_create
    from lms.accounts.models import User

    module, lessons, quiz = prepare_module()
    saver = User.objects.create(email="simpan@bench.sinau.local", password="!")
    enrollment_create(user=saver, course=course_of(step=quiz))
    saved = save_bytes(module, lessons, quiz, saver)
    rows = saved["rows"]
    total = sum(n for _part, _url, n in rows)
    shell = sum(n for part, _url, n in rows if part == "shell")
    package_page = sum(n for part, _url, n in rows if part == "package page")
    images = sum(n for _part, url, n in rows if url.startswith("/media/"))
    print(
        f"  1. saving {module.title!r} (3 lessons with a photo each, a quiz of"
        f" {QUESTIONS} questions), from {saved['source']}"
        + (
            f" (the manifest estimates {saved['estimate']} B):"
            if "estimate" in saved
            else ":"
        )
    )
    for part, url, size in rows:
        print(f"     {part:13} {size:7} B  {url}")
    print(
        f"     first save {total / 1024:.1f} KB (budget <= {FIRST_SAVE_BUDGET // 1024}"
        f" KB); shell cached {(total - shell) / 1024:.1f} KB (budget <="
        f" {CACHED_SAVE_BUDGET // 1024} KB); package page"
        f" {package_page / 1024:.1f} KB (budget <= {PACKAGE_BUDGET // 1024} KB);"
        f" of which the 3 photos {images / 1024:.1f} KB (without them: first save"
        f" {(total - images) / 1024:.1f} KB, shell cached"
        f" {(total - shell - images) / 1024:.1f} KB)"
    )
    ok = (
        total <= FIRST_SAVE_BUDGET
        and total - shell <= CACHED_SAVE_BUDGET
        and package_page <= PACKAGE_BUDGET
    )
    users_file, user_ids, extras = prepare_trainees(tmp, quiz)
    queries = sync_queries(extras)
    warm_cookie = users_file.read_text().split("\t")[1]
    with common.gunicorn(env, workers=WORKERS) as port:
        base = f"http://127.0.0.1:{port}"
        for path in ("/bench/bare/", "/luring/sinkron/"):
            common.wrk(
                base + path,
                seconds=2,
                connections=WORKERS,
                env={"BENCH_COOKIE": warm_cookie},
            )
        bare = common.wrk(
            base + "/bench/bare/",
            seconds=10,
            connections=CONNECTIONS,
            env={"BENCH_COOKIE": warm_cookie},
        )
        bare_load = _load()
        passes = {}
        for name in ("sync", "replay"):
            done = tmp / f"done-{name}.txt"
            passes[name] = common.wrk(
                base,
                script="syncs.lua",
                seconds=SECONDS,
                connections=CONNECTIONS,
                threads=CONNECTIONS,
                done_file=done,
                env={
                    "BENCH_DONE_FILE": str(done),
                    "BENCH_USERS": str(users_file),
                    "BENCH_SLOTS": str(CONNECTIONS),
                    "BENCH_OUTCOME": "counted",
                },
            )
            passes[name].load = _load()
    problems = check(quiz, user_ids)
    print(
        f"  2. gunicorn {WORKERS} sync workers, {CONNECTIONS} wrk connections;"
        f" {TRAINEES} trainees, one sync each of a {QUESTIONS}-answer attempt"
    )
    print(
        f"     bare view: {bare.rps:.0f} req/s, p50 {bare.p50_ms:.1f} ms,"
        f" p95 {bare.p95_ms:.1f} ms ({bare_load})"
    )
    for name, result in passes.items():
        print(f"     {name}: {result.command.replace(str(port), '$PORT')}")
        print(
            f"     {name}: {result.requests} requests in {result.seconds:.1f} s,"
            f" {result.rps:.1f} req/s = {result.rps / bare.rps:.3f} x the bare view;"
            f" p50 {result.p50_ms:.0f} ms, p95 {result.p95_ms:.0f} ms,"
            f" p99 {result.p99_ms:.0f} ms (budget p95 < {P95_BUDGET_MS} ms);"
            f" {result.unexpected} unexpected {result.last_unexpected or ''},"
            f" {result.socket_errors} socket errors;"
            f" {result.data['finished']}/{TRAINEES} done ({result.load})"
        )
        ok &= (
            result.p95_ms < P95_BUDGET_MS
            and result.errors == 0
            and result.data["finished"] == TRAINEES
        )
    print(
        "     queries of one sync (CaptureQueriesContext):"
        f" {queries[0]} with cold caches, {queries[1]} warm"
    )
    print(f"     database check: {len(problems)} problems")
    for problem in problems[:20]:
        print(f"       {problem}")
    ok &= not problems
    print(f"  {'ok' if ok else 'BUDGET MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
