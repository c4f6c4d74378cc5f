"""Losing Redis (cache and broker) costs speed, never pages or work
(docs/decisions/0023-survive-losing-redis.md).

The cache tests point the cache at a real Redis client on a port nothing
listens on (bound, then closed): every call really fails to connect. The
recovery tests then use the real Redis of this run (REDIS_URL, or the local
default; a missing server fails in CI). No mocks of the cache or the broker."""

import logging
import socket
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.core.cache import cache, caches
from django.test import override_settings
from django.urls import reverse

from courses.models import LessonCompletion
from courses.services import enrollment_create
from lms.common.cache import TolerantRedisCache
from tests.factories import PASSWORD
from tests.factories.courses import course_tree, lessons_of
from tests.support.services import own_redis

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    """A local TCP port nothing listens on (bound, then closed)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def tolerant_cache(location: str) -> dict:
    return {
        "default": {
            "BACKEND": "lms.common.cache.TolerantRedisCache",
            "LOCATION": location,
            "KEY_PREFIX": "sinau",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
        },
        "content": {
            "BACKEND": "content.backends.ProcessCache",
            "LOCATION": "sinau-content-outage",
        },
    }


@pytest.fixture
def redis_down():
    """The cache is a Redis nobody answers at."""
    location = f"redis://127.0.0.1:{closed_port()}/0"
    with override_settings(CACHES=tolerant_cache(location)):
        assert isinstance(caches["default"], TolerantRedisCache)
        yield location


@pytest.fixture
def certificate(a_trainee, home, tmp_path, settings):
    """An issued certificate (PDF and credential made while Redis was up)."""
    from lms.certificates.services import certificate_issue
    from tests.certificates.conftest import completed_enrollment

    settings.MEDIA_ROOT = str(tmp_path / "media")
    return certificate_issue(enrollment_id=completed_enrollment(user=a_trainee).pk)


def test_public_certificate_pages_answer_without_redis(client, certificate, redis_down):
    verify = client.get(reverse("certificates:verify", args=[certificate.uuid]))
    assert verify.status_code == 200
    assert certificate.recipient_name in verify.content.decode()
    status = client.get("/c/status/1")
    assert status.status_code == 200
    assert status.json()["type"][-1] == "BitstringStatusListCredential"
    did = client.get("/.well-known/did.json")
    assert did.status_code == 200
    assert did.json()["id"].startswith("did:web:")


def test_log_in_read_a_lesson_and_mark_it_done_without_redis(
    client, a_trainee, home, redis_down
):
    course = course_tree(modules=1, lessons=2)
    enrollment_create(user=a_trainee, course=course)
    lesson = lessons_of(course)[0]

    login = client.post(
        reverse("account_login"), {"login": a_trainee.email, "password": PASSWORD}
    )
    assert login.status_code == 302
    page = client.get(lesson.url)
    assert page.status_code == 200
    assert lesson.title in page.content.decode()
    assert page.context["user"] == a_trainee  # the session survived

    done = client.post(reverse("courses:lesson_done", args=[lesson.pk]))
    assert done.status_code == 302
    assert LessonCompletion.objects.filter(user=a_trainee, lesson=lesson).exists()
    # Built from the database, the page shows the write at once.
    again = client.get(lesson.url).content.decode()
    assert "Anda sudah menyelesaikan pelajaran ini." in again


def test_health_says_the_cache_is_down(client, redis_down):
    response = client.get(reverse("health"))
    assert response.status_code == 200  # the site still serves: keep traffic
    assert response.json() == {"database": "ok", "cache": "down"}


def test_an_outage_is_logged_once_not_per_request(client, home, redis_down, caplog):
    with caplog.at_level(logging.WARNING, logger="lms.cache"):
        for _ in range(5):
            assert client.get("/").status_code == 200
    lines = [r for r in caplog.records if r.name == "lms.cache"]
    assert len(lines) == 1
    assert "unreachable" in lines[0].getMessage()


def test_cache_calls_answer_as_an_empty_cache_while_down(redis_down):
    assert cache.get("k", "default") == "default"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.add("lock", 1) is True  # locks and rate limits let it through
    cache.set("k", 1)
    cache.set_many({"a": 1})
    cache.delete("k")
    assert cache.has_key("k") is False
    with pytest.raises(ValueError, match="Key not found"):
        cache.incr("k")


@pytest.fixture
def server():
    """A real Redis of this test's own, which it may stop and start."""
    server = own_redis()
    yield server
    server.stop()


def test_content_changed_during_an_outage_is_not_served_stale_after_it(
    client, home, server
):
    """A new content version written while Redis was down is lost; when
    Redis answers again the process starts a new one, so nothing cached
    before the outage (the home page's title) is served again."""
    settings = tolerant_cache(server.url)
    settings["default"]["OPTIONS"]["retry_after"] = 0
    with override_settings(CACHES=settings):
        assert client.get(reverse("health")).json()["cache"] == "ok"
        assert "Beranda" not in client.get("/").content.decode()
        server.stop()
        assert client.get(reverse("health")).json()["cache"] == "down"
        home.title = "Beranda"
        home.save_revision().publish()  # its new content version is lost
        assert "Beranda" in client.get("/").content.decode()
        server.start()  # Redis is back, holding the version from before
        assert client.get(reverse("health")).json()["cache"] == "ok"
        assert "Beranda" in client.get("/").content.decode()


@contextmanager
def celery_broker(url: str):
    """Point this process's Celery app at the broker `url`."""
    from lms.celery import app

    saved = {
        key: app.conf[key]
        for key in ("broker_url", "broker_transport", "broker_transport_options")
    }
    app.conf.update(broker_url=url, broker_transport=None, broker_transport_options={})
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield app
    finally:
        app.conf.update(saved)
        app._pool = None
        app.amqp._producer_pool = None


def queued_task_ids(url: str) -> list[str]:
    """Ids of the task messages waiting in the broker's default queue."""
    import json

    import redis

    client = redis.Redis.from_url(url)
    return [json.loads(m)["headers"]["id"] for m in client.lrange("celery", 0, -1)]


# After commit, as in production: the send runs in on_commit.
@pytest.mark.django_db(transaction=True)
def test_work_asked_for_while_the_broker_is_down_is_sent_by_the_sweep(
    client, a_manager, server
):
    """An export asked for with the broker unreachable answers (no 500),
    its row waits, and the sweep sends it once the broker is back."""
    from lms.cohorts.models import CohortExport
    from lms.queue import queued_jobs_sweep
    from tests.factories.cohorts import cohort_with

    cohort = cohort_with(manager=a_manager)
    client.force_login(a_manager)
    server.stop()
    with celery_broker(server.url):
        response = client.post(
            reverse("cohorts:cohort_exports", args=[cohort.pk]),
            {"kind": "matrix", "format": "csv"},
        )
        assert response.status_code == 302
        export = CohortExport.objects.get(cohort=cohort)
        assert export.status == CohortExport.Status.PENDING
        server.start()
        assert queued_task_ids(server.url) == []  # nothing reached the broker
        assert queued_jobs_sweep(older_than=timedelta(0)) == 1
        assert queued_task_ids(server.url) == [export.task_id]


# After commit, as in production: the send runs in on_commit.
@pytest.mark.django_db(transaction=True)
def test_a_completion_with_the_broker_down_leaves_its_certificate_to_the_sweep(
    client, a_trainee, home, server
):
    from lms.certificates.services import certificates_to_sweep

    course = course_tree(modules=1, lessons=1, certificate_enabled=True)
    enrollment = enrollment_create(user=a_trainee, course=course)
    client.force_login(a_trainee)
    server.stop()
    with celery_broker(server.url):
        lesson = lessons_of(course)[0]
        response = client.post(reverse("courses:lesson_done", args=[lesson.pk]))
        assert response.status_code == 302
        enrollment.refresh_from_db()
        assert enrollment.completed_at is not None
        assert certificates_to_sweep(older_than=timedelta(0)) == [enrollment.pk]
