"""Issuing on a real Celery worker process (filesystem broker; Redis when
REDIS_URL is set), against this run's database and a media folder of the
test's own: completion -> one issued certificate with its PDF and signed
credential, whatever is delivered twice, lost, failed or killed."""

import json
import os
import signal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.images import ImageFile
from django.db import transaction
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.images.models import Image
from wagtail.models import Collection

from courses.models import Enrollment
from lms.celery import app
from lms.certificates.models import Certificate, CertificateSettings
from lms.certificates.tasks import certificate_issue_task, certificates_sweep_task
from tests.factories import program_manager, trainee
from tests.factories.courses import course_tree
from tests.support.services import redis_url
from tests.support.worker import celery_worker

from .conftest import backdate, completed_enrollment, wait_for, worker_env

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

Status = Certificate.Status


def _purge() -> None:
    """Drop every message waiting in the broker (a lost message)."""
    app.control.purge()


def _queued() -> int:
    with app.connection_for_write() as conn:
        return conn.default_channel.queue_declare(
            queue="celery", passive=False, durable=True, auto_delete=False
        ).message_count


def _files(media: Path) -> list[str]:
    folder = media / "certificates"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def _issued(n: int = 1):
    def check():
        return Certificate.objects.filter(status=Status.ISSUED).count() >= n

    return check


@pytest.fixture(autouse=True)
def _empty_broker():
    _purge()
    yield
    _purge()


def test_completion_issues_a_certificate_with_pdf_and_credential(media):
    with celery_worker(worker_env(media)) as log:
        enrollment = completed_enrollment()
        wait_for(_issued(), log=log, what="the certificate")
    certificate = Certificate.objects.get()
    assert certificate.enrollment == enrollment
    assert certificate.status == Status.ISSUED
    assert certificate.tries == 1
    assert certificate.issued_at is not None
    assert _files(media) == sorted(
        [f"{certificate.uuid}.json", f"{certificate.uuid}.pdf"]
    )
    assert certificate.pdf.name == f"certificates/{certificate.uuid}.pdf"
    assert (media / certificate.pdf.name).read_bytes().startswith(b"%PDF-")
    credential = json.loads((media / certificate.credential.name).read_text())
    assert "OpenBadgeCredential" in credential["type"]
    assert credential["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"
    assert list(certificate.events.values_list("action", flat=True)) == [
        "created",
        "issued",
    ]


def test_duplicate_and_concurrent_deliveries_leave_one_certificate(media):
    course = course_tree(modules=1, lessons=1)
    with celery_worker(worker_env(media), pool="prefork", concurrency=2) as log:
        enrollment = completed_enrollment(course=course)  # the signal's delivery
        results = [certificate_issue_task.delay(enrollment.pk) for _ in range(6)]
        for result in results:
            assert result.get(timeout=90) == "issued", "".join(log)
        wait_for(_issued(), log=log, what="the certificate")
    certificate = Certificate.objects.get()
    assert _files(media) == sorted(
        [f"{certificate.uuid}.json", f"{certificate.uuid}.pdf"]
    )
    assert certificate.events.filter(action="issued").count() == 1
    assert certificate.rendered_revision == 1


def test_no_task_is_sent_when_the_completion_rolls_back():
    course = course_tree(modules=1, lessons=1)
    user = trainee()

    def complete_then_fail():
        with transaction.atomic():
            completed_enrollment(user=user, course=course)
            raise RuntimeError("the request failed after completing the course")

    with pytest.raises(RuntimeError):
        complete_then_fail()
    assert _queued() == 0
    assert not Enrollment.objects.filter(user=user, completed_at__isnull=False).exists()
    assert Certificate.objects.count() == 0


def _png(path: Path) -> ImageFile:
    if Collection.get_first_root_node() is None:  # flushed by transaction=True
        Collection.add_root(name="Root")
    PILImage.new("RGB", (300, 100), "navy").save(path, "PNG")
    return ImageFile(path.open("rb"), name=path.name)


def test_failing_render_ends_failed_after_bounded_retries_and_retry_issues_it(
    media, tmp_path, client
):
    config = CertificateSettings.load()
    config.signature = Image.objects.create(
        title="Tanda tangan", file=_png(tmp_path / "ttd.png")
    )
    config.save()
    # The signature's file goes missing from storage: every render fails.
    config.signature.file.storage.delete(config.signature.file.name)
    with celery_worker(worker_env(media)) as log:
        enrollment = completed_enrollment()
        wait_for(
            lambda: Certificate.objects.filter(status=Status.FAILED).exists(),
            log=log,
            what="the certificate to fail",
        )
        certificate = Certificate.objects.get()
        assert certificate.tries == 3  # the first try and two retries
        assert "No such file or directory" in certificate.last_error
        assert list(certificate.events.values_list("action", flat=True)) == [
            "created",
            "attempt_failed",
            "attempt_failed",
            "failed",
        ]
        assert _files(media) == []
        # Staff fix the settings and press Retry in the admin.
        config.signature = Image.objects.create(
            title="Tanda tangan baru", file=_png(tmp_path / "ttd2.png")
        )
        config.save()
        client.force_login(program_manager(is_superuser=True))
        response = client.post(
            reverse("certificates_manage", args=[certificate.pk]), {"action": "retry"}
        )
        assert response.status_code == 302
        wait_for(_issued(), log=log, what="the retried certificate")
    certificate.refresh_from_db()
    assert certificate.enrollment == enrollment
    assert certificate.last_error == ""
    assert certificate.events.filter(action="retry").get().actor is not None
    assert _files(media) == sorted(
        [f"{certificate.uuid}.json", f"{certificate.uuid}.pdf"]
    )


def test_sweeper_issues_a_certificate_whose_message_was_lost(media):
    enrollment = completed_enrollment()  # enqueued, with no worker running
    assert _queued() == 1
    _purge()  # ... and the message is lost (a flushed or restarted broker)
    backdate(enrollment, minutes=30)
    with celery_worker(worker_env(media)) as log:
        assert certificates_sweep_task.delay().get(timeout=60) == 1
        wait_for(_issued(), log=log, what="the swept certificate")
        # A second sweep finds nothing left to do.
        assert certificates_sweep_task.delay().get(timeout=60) == 0
    assert Certificate.objects.get().enrollment == enrollment


@pytest.mark.parametrize("flush_redis", [False, True], ids=["kill", "kill+flush"])
def test_killed_worker_mid_batch_ends_with_one_certificate_and_file_each(
    media, flush_redis
):
    if flush_redis and not settings.REDIS_URL:
        pytest.skip("flushing the broker needs the Redis broker (REDIS_URL)")
    course = course_tree(modules=1, lessons=1)
    enrollments = [completed_enrollment(course=course) for _ in range(12)]
    env = worker_env(media)
    with celery_worker(env) as log:
        wait_for(_issued(2), log=log, what="the batch to start")
        log.process.send_signal(signal.SIGKILL)
        log.process.wait()
    if flush_redis:
        import redis

        redis.Redis.from_url(redis_url()).flushdb()
    issued_before = Certificate.objects.filter(status=Status.ISSUED).count()
    assert issued_before < len(enrollments)
    # A pending row's message died with the worker (taken off the queue, or
    # unacked until Redis's hour-long visibility timeout): only the sweep
    # brings it back. (The kill may also land between commit and ack.)
    orphans = Certificate.objects.filter(status=Status.PENDING).count()
    with celery_worker(env) as log:
        # Beat's sweep, with no grace period: re-enqueue everything unissued
        # (some of it is still queued too: duplicates are expected).
        swept = certificates_sweep_task.delay(older_than_seconds=0).get(timeout=60)
        assert swept >= orphans
        wait_for(_issued(len(enrollments)), timeout=180, log=log, what="all twelve")
    certificates = list(Certificate.objects.all())
    assert len(certificates) == len(enrollments)
    assert {c.enrollment_id for c in certificates} == {e.pk for e in enrollments}
    expected = sorted(
        name for c in certificates for name in (f"{c.uuid}.pdf", f"{c.uuid}.json")
    )
    assert _files(media) == expected
    for certificate in certificates:
        assert certificate.events.filter(action="issued").count() == 1
    assert os.listdir(media / "certificates")  # sanity: the folder is real
