"""Shared helpers for certificate tests: a completed enrollment, the worker
environment (same database, broker and media as this test run), polling for
database state while a real worker runs."""

import time

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from courses.models import Enrollment
from courses.services import enrollment_create, lesson_complete
from tests.factories import trainee
from tests.factories.courses import course_tree, lessons_of
from tests.support.services import redis_url


@pytest.fixture
def media(tmp_path, settings):
    """Folders for this test, shared with the worker: public media under
    tmp/media (images such as the signature) and the private storage under
    tmp/private, where certificate files live. Returns the private folder."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    return tmp_path / "private"


def worker_env(media_root=None, **extra) -> dict[str, str]:
    """Point a worker at this test run's database, broker and media (public
    and private)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{db['NAME']}"
    else:
        url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {
        "DATABASE_URL": url,
        "SINAU_CERTIFICATE_RETRY_BACKOFF": "0.05",
        "SINAU_CERTIFICATE_MAX_RETRIES": "2",
    }
    if settings.REDIS_URL:
        env["REDIS_URL"] = redis_url()
    if media_root is not None:  # the `media` fixture's private folder
        env["DJANGO_PRIVATE_MEDIA_ROOT"] = str(media_root)
        env["DJANGO_MEDIA_ROOT"] = str(media_root.parent / "media")
    env.update(extra)
    return env


def wait_for(predicate, *, timeout: float = 60, log=None, what: str = "condition"):
    """Poll `predicate` until it is truthy (the worker is another process,
    so there is nothing to join on but the database). Fails with the worker
    log after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}\n" + "".join(log or []))


def completed_enrollment(*, user=None, course=None, **course_fields) -> Enrollment:
    """A trainee who has finished every lesson of a one-lesson course, through
    the real services (so `course_completed` fires after commit)."""
    course = course or course_tree(modules=1, lessons=1, **course_fields)
    user = user or trainee()
    enrollment_create(user=user, course=course)
    for lesson in lessons_of(course):
        lesson_complete(user=user, lesson=lesson)
    enrollment = Enrollment.objects.get(user=user, course=course)
    assert enrollment.completed_at is not None
    return enrollment


def backdate(enrollment: Enrollment, minutes: int = 30) -> None:
    Enrollment.objects.filter(pk=enrollment.pk).update(
        completed_at=timezone.now() - timezone.timedelta(minutes=minutes)
    )
