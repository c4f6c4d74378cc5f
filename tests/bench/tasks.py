"""Handing in a practical task from a phone (issue 20's budgets), on
PostgreSQL + Redis behind gunicorn with 4 sync workers:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sinau_bench \\
    REDIS_URL=redis://127.0.0.1:6379/14 .venv/bin/python -m tests.bench.tasks

1. Upload weight, in Chromium (Playwright, 360 px, JavaScript on, the
   network throttled to 400 kbit/s down and up, 300 ms latency): a trainee
   chooses two 3 MB phone photos (4000 x 3000 JPEG, with EXIF) and sends
   them with a short text. Reported: the bytes of each photo in the
   request task-submit.js sent (budget: <= 200 KB each), the whole request,
   and the seconds from pressing "Kirim" to the page after the redirect.
2. Server handling under the write load: BENCH_TRAINEES (200) trainees,
   over 4 wrk connections (tests/bench/wrk/submissions.lua), each POST a
   submission (text + two 180 KB photos, as the script sends them) and then
   the same POST again (a retry: refused, 400). The upload happens over
   loopback, so the latency is the server's handling (parsing, checking,
   re-encoding both photos, writing). Budget: p95 < 300 ms, no unexpected
   status, and afterwards exactly one version per trainee with its two
   photos stored without EXIF.

Each part prints its figures and the command that reproduces them; the
bench exits non-zero when a budget is missed."""

from __future__ import annotations

import io
import os
import random
import sys
import tempfile
import time
from pathlib import Path

from . import common

WORKERS = 4
TRAINEES = int(os.environ.get("BENCH_TRAINEES", "200"))
CONNECTIONS = 4
SECONDS = 600  # a cap; it stops when every trainee is done
P95_BUDGET_MS = 300
PHOTO_BUDGET = 200 * 1024
BOUNDARY = "----sinau-bench-boundary-7MA4YWxkTrZu0gW"
CHROMIUM = os.environ.get("SINAU_CHROMIUM", "/usr/bin/chromium")


def phone_photo(seed: int) -> bytes:
    """A 4000 x 3000 JPEG of about 3 MB with EXIF (GPS included), as a
    phone camera writes it: smooth light with fine noise, which JPEG
    cannot squeeze much."""
    from PIL import Image

    rng = random.Random(seed)  # noqa: S311 (pixels, not secrets)
    small = Image.new("RGB", (400, 300))
    small.putdata(
        [
            (
                (x * 255) // 400,
                (y * 255) // 300,
                rng.randrange(256),
            )
            for y in range(300)
            for x in range(400)
        ]
    )
    image = small.resize((4000, 3000), Image.Resampling.BICUBIC)
    noise = Image.effect_noise((4000, 3000), 40).convert("RGB")
    image = Image.blend(image, noise, 0.25)
    exif = Image.Exif()
    exif[0x010F] = "Bench Phone"  # Make
    exif[0x8825] = {1: "S", 2: (7.0, 23.0, 0.0), 3: "E", 4: (109.0, 21.0, 0.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80, exif=exif)
    return out.getvalue()


def downscaled(photo: bytes) -> bytes:
    """What task-submit.js sends for `photo`: longest side 1600 px, JPEG
    quality stepped down until it fits in 200 KB."""
    from PIL import Image

    image = Image.open(io.BytesIO(photo))
    image.thumbnail((1600, 1600))
    for quality in (82, 74, 66, 58, 50, 42, 34):
        out = io.BytesIO()
        image.save(out, "JPEG", quality=quality)
        if out.tell() <= PHOTO_BUDGET:
            break
    return out.getvalue()


def multipart(text: str, photos: list[bytes]) -> bytes:
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="text"\r\n\r\n'
        f"{text}\r\n".encode()
    ]
    for index, photo in enumerate(photos):
        parts.append(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="photos";'
            f' filename="foto-{index + 1}.jpg"\r\n'
            "Content-Type: image/jpeg\r\n\r\n".encode()
            + photo
            + b"\r\n"
        )
    parts.append(f"--{BOUNDARY}--\r\n".encode())
    return b"".join(parts)


def file_parts(body: bytes, content_type: str) -> list[int]:
    """The sizes of the file parts of a multipart request body."""
    boundary = content_type.split("boundary=", 1)[1].strip('"').encode()
    sizes = []
    for part in body.split(b"--" + boundary):
        head, _sep, content = part.partition(b"\r\n\r\n")
        if b"filename=" in head:
            sizes.append(len(content) - 2)  # the CRLF before the next boundary
    return sizes


def prepare(tmp: Path):
    """A course with a task (text and up to 2 photos), the trainees
    (enrolled, signed in); writes the users file."""
    import django

    django.setup()
    from django.contrib.auth.models import Group

    from courses.services import enrollment_create
    from lms.accounts.models import User
    from lms.accounts.roles import TRAINEES as TRAINEES_GROUP
    from tests.factories.courses import course_tree
    from tests.factories.practice import task_in

    course = course_tree(modules=1, lessons=2, title="Kursus bench", slug="bench")
    task = task_in(course, photos_max=2, text_min_words=3, resubmissions=None)
    trainees = Group.objects.get(name=TRAINEES_GROUP)
    lines, users = [], []
    for index in range(TRAINEES + 1):
        user = User.objects.create(
            email=f"bench-{index}@bench.sinau.local",
            phone=f"+62897{index:08d}",
            password="!",
        )
        user.groups.add(trainees)
        enrollment_create(user=user, course=course)
        cookie, csrf = common.signed_in(user)
        if index == TRAINEES:  # the browser's trainee
            browser_user = (user, cookie, csrf)
            continue
        lines.append(f"{index} {task.pk} {cookie.replace(' ', '|')} {csrf}")
        users.append(user.pk)
    path = tmp / "users.txt"
    path.write_text("\n".join(lines) + "\n")
    return path, task, users, browser_user


def browser_upload(port: int, task, cookie: str, tmp: Path) -> dict:
    """Part 1: two 3 MB photos through task-submit.js on a 400 kbit/s
    link. Returns the sizes of the photos sent (as the script put them in
    the form), the request body's size, its status and the seconds from
    pressing the button to the page after it."""
    from playwright.sync_api import sync_playwright

    originals = []
    for seed in (1, 2):
        path = tmp / f"phone-{seed}.jpg"
        path.write_bytes(phone_photo(seed))
        originals.append(path)
    sent: dict = {}
    base = f"http://127.0.0.1:{port}"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = browser.new_context(
            base_url=base, viewport={"width": 360, "height": 740}
        )
        context.add_cookies(
            [
                {"name": name, "value": value, "url": base}
                for name, value in (part.split("=", 1) for part in cookie.split("; "))
            ]
        )
        page = context.new_page()
        page.goto(task.url)
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send(
            "Network.emulateNetworkConditions",
            {
                "offline": False,
                "latency": 300,
                "downloadThroughput": 400_000 / 8,
                "uploadThroughput": 400_000 / 8,
            },
        )

        page.locator("textarea[name=text]").fill("Gula semut asli Batu Ampar, manis.")
        page.locator("input[name=photos]").set_input_files([str(p) for p in originals])
        # task-submit.js lists each photo's size before and after, and puts
        # the downscaled files into the input: read what will be sent.
        page.wait_for_function(
            "() => [...document.querySelectorAll('[data-task-photo-sizes] > *')]"
            ".filter((item) => item.textContent.includes('→')).length >= 2",
            timeout=60_000,
        )
        sent["photos"] = page.evaluate(
            "() => [...document.querySelector('input[name=photos]').files]"
            ".map((file) => file.size)"
        )
        started = time.monotonic()
        with page.expect_response(
            lambda r: "/kirim/" in r.url and r.request.method == "POST",
            timeout=120_000,
        ) as posted:
            page.get_by_role("button", name="Kirim hasil kerja saya").click()
        sent["bytes"] = int(posted.value.request.header_value("content-length") or 0)
        sent["status"] = posted.value.status
        page.wait_for_load_state("load")
        sent["seconds"] = time.monotonic() - started
        sent["original"] = [p.stat().st_size for p in originals]
        browser.close()
    return sent


def check(task, user_ids: list[int]) -> list[str]:
    """Exactly one version per trainee, with two photos without EXIF."""
    from PIL import Image

    from assessments.models import Submission, SubmissionFile

    problems = []
    counts: dict[int, int] = {}
    for user_id in Submission.objects.filter(task=task).values_list(
        "user_id", flat=True
    ):
        counts[user_id] = counts.get(user_id, 0) + 1
    for user_id in user_ids:
        if counts.get(user_id) != 1:
            problems.append(f"user {user_id}: {counts.get(user_id, 0)} versions")
    files = SubmissionFile.objects.filter(
        submission__task=task, submission__user_id__in=user_ids
    )
    if files.count() != 2 * len(user_ids):
        problems.append(f"{files.count()} photos stored, not {2 * len(user_ids)}")
    for row in files[:20]:
        with row.file.open("rb") as handle, Image.open(handle) as image:
            if image.getexif():
                problems.append(f"file {row.pk}: EXIF kept")
    return problems


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="sinau-bench-tasks-"))
    env = common.bench_env(tmp)
    env["DJANGO_PRIVATE_MEDIA_ROOT"] = str(tmp / "private")
    if not env["DATABASE_URL"].startswith("postgres") or not env["REDIS_URL"]:
        sys.exit(
            "The task bench runs on PostgreSQL + Redis: set DATABASE_URL and REDIS_URL"
        )
    os.environ.update(env)
    # Playwright's sync API runs an event loop in this thread; the ORM calls
    # around it are still synchronous (as in tests/e2e/conftest.py).
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    print(f"\n## Practical tasks on {common.backend_label(env)}")
    print(f"  reproduce: {common.reproduce('tasks', env)}")
    common.fresh_database(env["DATABASE_URL"])
    common.flush_redis(env["REDIS_URL"], env["DATABASE_URL"])
    common.manage(env, "migrate", "--noinput", "-v0")
    common.manage(env, "collectstatic", "--noinput", "-v0")
    users_file, task, user_ids, (_user, b_cookie, _csrf) = prepare(tmp)
    photos = [downscaled(phone_photo(seed)) for seed in (3, 4)]
    body_file = tmp / "body.bin"
    body_file.write_bytes(
        multipart("Gula semut asli Batu Ampar, manis sekali.", photos)
    )
    ok = True
    with common.gunicorn(env, workers=WORKERS) as port:
        sent = browser_upload(port, task, b_cookie, tmp)
        photo_sizes = sent.get("photos", [])
        print(
            "  1. in Chromium at 400 kbit/s: photos of"
            f" {', '.join(f'{n / 1e6:.1f} MB' for n in sent['original'])} sent as"
            f" {', '.join(f'{n / 1024:.0f} KB' for n in photo_sizes)}"
            f" (budget <= {PHOTO_BUDGET // 1024} KB each); request body"
            f" {sent.get('bytes', 0) / 1024:.0f} KB; {sent['seconds']:.1f} s from"
            f" Kirim to the page after it (status {sent.get('status')})"
        )
        ok &= len(photo_sizes) == 2 and max(photo_sizes) <= PHOTO_BUDGET
        result = common.wrk(
            f"http://127.0.0.1:{port}",
            script="submissions.lua",
            seconds=SECONDS,
            connections=CONNECTIONS,
            threads=CONNECTIONS,
            done_file=tmp / "done.txt",
            env={
                "BENCH_DONE_FILE": str(tmp / "done.txt"),
                "BENCH_USERS": str(users_file),
                "BENCH_SLOTS": str(CONNECTIONS),
                "BENCH_BODY_FILE": str(body_file),
                "BENCH_BOUNDARY": BOUNDARY,
            },
        )
    problems = check(task, user_ids)
    print(f"  command: {result.command.replace(str(port), '$PORT')}")
    print(
        f"  2. {TRAINEES} trainees x (submit + retry), photos of"
        f" {', '.join(f'{len(p) / 1024:.0f} KB' for p in photos)}:"
        f" {result.requests} requests in {result.seconds:.1f} s;"
        f" p50 {result.p50_ms:.0f} ms, p95 {result.p95_ms:.0f} ms,"
        f" p99 {result.p99_ms:.0f} ms (budget p95 < {P95_BUDGET_MS} ms);"
        f" {result.unexpected} unexpected statuses {result.last_unexpected or ''},"
        f" {result.socket_errors} socket errors;"
        f" {result.data['finished']}/{TRAINEES} trainees finished"
    )
    print(f"  database check: {len(problems)} problems")
    for problem in problems[:20]:
        print(f"    {problem}")
    ok &= (
        result.p95_ms < P95_BUDGET_MS
        and result.errors == 0
        and result.data["finished"] == TRAINEES
        and not problems
    )
    print(f"  {'ok' if ok else 'BUDGET MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
