"""Every Celery task gives the same counters and files after one delivery,
two in a row (a lost ack: the job runs again from where the first left it),
or two at once (a real worker with two processes runs both copies).

Tasks (grep `shared_task`): question_regrade_task, attempts_close_expired_task,
question_import_task (status-guard claim: tests/assessments/importers/test_jobs),
cohort_export_task, cohort_reminders_task (unique notification key per
person and day: tests/cohorts/test_reminders), certificate_issue_task and the sweep
(tests/certificates/test_issue_worker), lms.ping (no state)."""

from pathlib import Path

import pytest
from celery.result import AsyncResult
from django.conf import settings
from django.utils import timezone

from assessments.models import Attempt, RegradeJob
from assessments.services import attempt_start, attempts_close_expired, question_regrade
from assessments.tasks import attempts_close_expired_task, question_regrade_task
from courses.services import enrollment_create
from lms.celery import app
from lms.cohorts.models import CohortExport
from lms.cohorts.services import cohort_export_build
from lms.cohorts.tasks import cohort_export_task
from tests.assessments.test_regrade import (
    _answer_truly_right,
    _fix_key,
    _worker_env,
    _wrong_key_quiz,
)
from tests.factories import trainee
from tests.factories.assessments import question, quiz_in
from tests.factories.cohorts import cohort_with, trainees_bulk
from tests.factories.courses import course_tree
from tests.support.worker import celery_worker

PEOPLE = 12


def _regrade_world(n: int = PEOPLE):
    """`n` submitted attempts graded with a wrong key, the key then fixed,
    and a regrade job nobody has run yet."""
    course, q, quiz = _wrong_key_quiz()
    attempts = []
    for _ in range(n):
        user = trainee()
        enrollment_create(user=user, course=course)
        attempts.append(_answer_truly_right(user, quiz))
    _fix_key(q)
    return RegradeJob.objects.create(question=q), attempts


@pytest.mark.django_db
def test_a_regrade_delivered_again_after_a_lost_ack_keeps_its_counts():
    job, _attempts = _regrade_world()
    question_regrade(job_id=job.pk)
    # The first delivery did the work but its "done" never landed (the ack
    # was lost with the worker): the broker delivers the job again.
    RegradeJob.objects.filter(pk=job.pk).update(status="running")
    again = question_regrade(job_id=job.pk)
    assert (again.status, again.attempts_changed) == ("done", PEOPLE)
    assert Attempt.objects.filter(passed=True).count() == PEOPLE


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_regrade_delivered_twice_at_once_counts_every_attempt_once():
    job, _attempts = _regrade_world(30)
    with celery_worker(_worker_env(), pool="prefork", concurrency=2) as log:
        results = [question_regrade_task.apply_async((job.pk,)) for _ in range(2)]
        for result in results:
            AsyncResult(result.id, app=app).get(timeout=120)
    job.refresh_from_db()
    assert (job.status, job.attempts_changed) == ("done", 30), "".join(log)
    assert Attempt.objects.filter(passed=True).count() == 30


def _export_files(export) -> list[str]:
    folder = Path(settings.PRIVATE_MEDIA_ROOT, "cohort-exports", str(export.cohort_id))
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


@pytest.fixture
def private(tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    return tmp_path / "private"


def _export(file_format: str = "csv") -> CohortExport:
    cohort = cohort_with(courses=[course_tree(modules=1, lessons=1)])
    trainees_bulk(cohort, 5)
    return CohortExport.objects.create(cohort=cohort, kind="matrix", format=file_format)


@pytest.mark.django_db
def test_an_export_delivered_again_leaves_one_file(private, home):
    export = _export()
    cohort_export_build(export_id=export.pk)
    CohortExport.objects.filter(pk=export.pk).update(status="running")
    cohort_export_build(export_id=export.pk)
    export.refresh_from_db()
    day = timezone.localdate(export.created_at).strftime("%Y%m%d")
    name = f"{export.pk}/{export.cohort.code}-matrix-{day}.csv"
    assert _export_files(export) == [name]
    assert export.file.name == f"cohort-exports/{export.cohort_id}/{name}"
    assert (export.status, export.rows) == ("done", 5)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_an_export_delivered_twice_at_once_leaves_one_file(private):
    export = _export("xlsx")
    env = {**_worker_env(), "DJANGO_PRIVATE_MEDIA_ROOT": str(private)}
    with celery_worker(env, pool="prefork", concurrency=2) as log:
        results = [cohort_export_task.apply_async((export.pk,)) for _ in range(2)]
        for result in results:
            AsyncResult(result.id, app=app).get(timeout=120)
    export.refresh_from_db()
    assert export.status == "done", "".join(log)
    assert _export_files(export) == [export.file.name.split("/", 2)[2]]
    assert export.file.open("rb").read(2) == b"PK"


def _expired_attempts(n: int) -> None:
    course = course_tree(modules=1, lessons=0)
    quiz = quiz_in(course, [question("single")], time_limit_minutes=1)
    for _ in range(n):
        user = trainee()
        enrollment_create(user=user, course=course)
        attempt_start(user=user, quiz=quiz)
    Attempt.objects.update(deadline_at=timezone.now() - timezone.timedelta(minutes=1))


@pytest.mark.django_db
def test_closing_expired_attempts_twice_in_a_row_counts_each_once():
    _expired_attempts(4)
    assert attempts_close_expired() == 4
    assert attempts_close_expired() == 0
    assert Attempt.objects.filter(status="in_progress").count() == 0


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_closing_expired_attempts_twice_at_once_counts_each_once():
    _expired_attempts(20)
    with celery_worker(_worker_env(), pool="prefork", concurrency=2) as log:
        results = [attempts_close_expired_task.apply_async() for _ in range(2)]
        closed = [AsyncResult(r.id, app=app).get(timeout=120) for r in results]
    assert sum(closed) == 20, "".join(log)
    assert Attempt.objects.filter(status="in_progress").count() == 0
