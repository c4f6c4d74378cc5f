"""A course with a required practical task completes only when the task
passes (the step interface: TaskPage.step_work); its pass then issues the
certificate on a real Celery worker, with the evidence in the signed
credential."""

import json

import pytest

from courses.models import Enrollment
from courses.services import (
    enrollment_create,
    enrollment_refresh_completion,
    lesson_complete,
)
from lms.certificates import credentials
from lms.certificates.models import Certificate
from tests.factories import trainee
from tests.factories.courses import lessons_of
from tests.support.worker import celery_worker

from .conftest import wait_for, worker_env
from .evidence_data import assessed, course_with_task
from .test_issue_worker import _empty_broker, _files  # noqa: F401 (fixture)

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_required_task_not_passed_blocks_the_certificate_and_its_pass_issues_it(
    media,
):
    course, task = course_with_task()
    user = trainee()
    with celery_worker(worker_env(media)) as log:
        enrollment_create(user=user, course=course)
        for lesson in lessons_of(course):
            lesson_complete(user=user, lesson=lesson)
        assessed(task, user, levels=(1, 0), decision="revision")
        assert enrollment_refresh_completion(user=user, course=course) is False
        enrollment = Enrollment.objects.get(user=user, course=course)
        assert enrollment.completed_at is None
        assert Certificate.objects.count() == 0

        assessed(task, user, levels=(2, 1))  # version 2 passes
        assert enrollment_refresh_completion(user=user, course=course) is True
        wait_for(
            lambda: Certificate.objects.filter(
                status=Certificate.Status.ISSUED
            ).exists(),
            log=log,
            what="the certificate",
        )
    certificate = Certificate.objects.get()
    assert certificate.enrollment_id == enrollment.pk
    assert _files(media) == sorted(
        [f"{certificate.uuid}.json", f"{certificate.uuid}.pdf"]
    )
    signed = json.loads((media / certificate.credential.name).read_text("utf-8"))
    assert [(e["name"], e["description"]) for e in signed["evidence"]] == [
        ("Tugas daftar produk", "Lulus, 3/4 (75 %)")
    ]
    assert [r.get("value") for r in signed["credentialSubject"]["result"]] == [
        "3",
        None,
        None,
    ]
    assert credentials.credential_verify(signed).verdict == "VALID"
