"""Weight on the wire of the heaviest lesson page (docs/benchmarks.md, "Weight on the
wire").

    .venv/bin/python -m tests.bench.weight

Builds a fresh database with the seed curriculum (as `make bench` does),
enrols the demo trainee in every course, renders every lesson as them with
production settings (gzip middleware on) and reports, for the lesson whose
HTML is largest: the HTML bytes, gzipped as served, plus the stylesheet as
WhiteNoise serves it in production (gzip -9, precompressed at collectstatic).
First view = HTML + CSS; repeat view = HTML only (the CSS has a hashed name
and is cached for ten years). Bodies only, without HTTP headers."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="sinau-weight-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.bench.settings",
        "CELERY_BROKER_DIR": str(tmp / "broker"),
        "DJANGO_MEDIA_ROOT": str(tmp / "media"),
    }
    env.setdefault("DATABASE_URL", f"sqlite:///{tmp / 'weight.sqlite3'}")
    os.environ.update(env)
    for args in (
        ("migrate", "--noinput", "-v0"),
        ("load_initial_data", "--demo-accounts"),
    ):
        subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )

    import django

    django.setup()
    from django.test import Client
    from whitenoise.compress import Compressor

    from courses.models import CoursePage, LessonPage
    from courses.services import EnrollmentRefused, enrollment_create
    from lms.accounts.models import User

    trainee = User.objects.get(email="peserta@sinau.local")
    for course in CoursePage.objects.live():
        try:
            enrollment_create(user=trainee, course=course)
        except EnrollmentRefused:
            pass
    client = Client()
    client.force_login(trainee)
    sizes = []
    for lesson in LessonPage.objects.live():
        response = client.get(lesson.url)
        if response.status_code == 200:
            sizes.append((len(response.content), lesson))
    plain, lesson = max(sizes, key=lambda pair: pair[0])
    packed = client.get(lesson.url, HTTP_ACCEPT_ENCODING="gzip")
    assert packed["Content-Encoding"] == "gzip"
    html = len(packed.content)
    css_file = ROOT / "static" / "css" / "sinau.css"
    css_plain = css_file.stat().st_size
    css = len(Compressor.compress_gzip(css_file.read_bytes()))
    print(f"heaviest lesson page: {lesson.title} ({lesson.url})")
    print(f"  HTML          {plain:7} bytes, gzipped {html:6} bytes")
    print(f"  CSS           {css_plain:7} bytes, gzipped {css:6} bytes")
    print(f"  first view    {plain + css_plain:7} bytes, gzipped {html + css:6} bytes")
    print(f"  repeat view   {plain:7} bytes, gzipped {html:6} bytes (CSS cached)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
