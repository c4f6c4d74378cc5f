"""Regrading after a trainer corrects a question runs on a real Celery
worker process, against the same database (committed data)."""

import pytest
from celery.result import AsyncResult
from django.conf import settings
from django.db import connection
from django.http import QueryDict
from django.urls import reverse

from assessments.models import Attempt, RegradeJob
from assessments.services import (
    attempt_answer,
    attempt_start,
    attempt_submit,
    question_regrade,
    regrade_request,
)
from courses.models import Enrollment
from courses.services import enrollment_create
from lms.celery import app
from tests.factories import trainee, trainer
from tests.factories.assessments import question, quiz_in
from tests.factories.courses import course_tree
from tests.support.services import redis_url
from tests.support.worker import celery_worker


def _wrong_key_quiz():
    """A quiz whose single question marks the wrong choice as right."""
    course = course_tree(modules=1, lessons=0)
    q = question("single")
    right, wrong = q.choices.get(fraction=100), q.choices.filter(fraction=0)[0]
    right.fraction, wrong.fraction = 0, 100
    right.save()
    wrong.save()
    return course, q, quiz_in(course, [q])


def _answer_truly_right(user, quiz):
    """Answer 'Satu (benar)', which the broken key marks wrong, and submit."""
    attempt = attempt_start(user=user, quiz=quiz)
    item = attempt.items.get()
    choice = next(c for c in item.snapshot["choices"] if "Satu (benar)" in c["text"])
    data = QueryDict(mutable=True)
    data["choice"] = choice["key"]
    attempt_answer(user=user, attempt_id=attempt.pk, order=1, data=data)
    return attempt_submit(user=user, attempt_id=attempt.pk)


def _fix_key(q):
    for choice in q.choices.all():
        choice.fraction = 100 if "(benar)" in choice.text else 0
        choice.save()


def _worker_env() -> dict[str, str]:
    """Point the worker at this test run's database and broker."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{db['NAME']}"
    else:
        url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {"DATABASE_URL": url}
    if settings.REDIS_URL:
        env["REDIS_URL"] = redis_url()
    return env


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_regrade_runs_on_a_worker_and_completes_the_course(client):
    course, q, quiz = _wrong_key_quiz()
    learner = trainee()
    enrollment_create(user=learner, course=course)
    attempt = _answer_truly_right(learner, quiz)
    assert attempt.passed is False
    _fix_key(q)
    client.force_login(trainer(is_superuser=True))
    with celery_worker(_worker_env()) as log:
        response = client.post(reverse("question_regrade", args=[q.pk]))
        assert response.status_code == 302
        job = RegradeJob.objects.get()
        AsyncResult(job.task_id, app=app).get(timeout=60)
    job.refresh_from_db()
    assert job.status == "done", "".join(log)
    assert job.attempts_changed == 1
    attempt.refresh_from_db()
    assert (attempt.score, attempt.passed) == (1, True)
    assert Enrollment.objects.get(user=learner).completed_at is not None


def _pick_truly_right(user, quiz):
    """Start an attempt and pick 'Satu (benar)' without submitting."""
    attempt = attempt_start(user=user, quiz=quiz)
    item = attempt.items.get()
    choice = next(c for c in item.snapshot["choices"] if "Satu (benar)" in c["text"])
    data = QueryDict(mutable=True)
    data["choice"] = choice["key"]
    attempt_answer(user=user, attempt_id=attempt.pk, order=1, data=data)
    return attempt


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_regrade_on_a_worker_corrects_open_attempts_too(client):
    course, q, quiz = _wrong_key_quiz()
    submitted_by, still_open_by = trainee(), trainee()
    for user in (submitted_by, still_open_by):
        enrollment_create(user=user, course=course)
    submitted = _answer_truly_right(submitted_by, quiz)
    still_open = _pick_truly_right(still_open_by, quiz)
    _fix_key(q)
    client.force_login(trainer(is_superuser=True))
    with celery_worker(_worker_env()) as log:
        client.post(reverse("question_regrade", args=[q.pk]))
        job = RegradeJob.objects.get()
        AsyncResult(job.task_id, app=app).get(timeout=60)
    job.refresh_from_db()
    assert job.status == "done", "".join(log)
    assert (job.attempts_changed, job.open_attempts_changed) == (1, 1)
    submitted.refresh_from_db()
    assert submitted.passed is True
    still_open.refresh_from_db()
    assert still_open.status == "in_progress"  # the regrade does not submit it
    graded = attempt_submit(user=still_open_by, attempt_id=still_open.pk)
    assert (graded.score, graded.passed) == (1, True)
    listing = client.get(reverse("wagtailsnippets_assessments_regradejob:list"))
    assert "Percobaan berjalan yang berubah" in listing.content.decode()


@pytest.mark.django_db
def test_regrade_of_an_open_attempt_is_counted_once():
    course, q, quiz = _wrong_key_quiz()
    user = trainee()
    enrollment_create(user=user, course=course)
    attempt = _pick_truly_right(user, quiz)
    _fix_key(q)
    first = question_regrade(job_id=regrade_request(question=q, user=None).pk)
    again = question_regrade(job_id=regrade_request(question=q, user=None).pk)
    assert (first.attempts_changed, first.open_attempts_changed) == (0, 1)
    assert (again.attempts_changed, again.open_attempts_changed) == (0, 0)
    assert attempt_submit(user=user, attempt_id=attempt.pk).passed is True


@pytest.mark.django_db
def test_regrade_keeps_what_the_trainee_saw_and_is_idempotent(
    django_capture_on_commit_callbacks,
):
    course, q, quiz = _wrong_key_quiz()
    learner = trainee()
    enrollment_create(user=learner, course=course)
    attempt = _answer_truly_right(learner, quiz)
    assert attempt.score == 0
    q.text = "Teks yang sudah diperbaiki"
    q.save()
    _fix_key(q)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = regrade_request(question=q, user=None)
    assert len(callbacks) == 1  # the task is only sent after commit
    question_regrade(job_id=job.pk)
    question_regrade(job_id=job.pk)
    attempt.refresh_from_db()
    item = attempt.items.get()
    assert attempt.score == 1
    assert item.snapshot["text"] == "<p>Soal single?</p>"  # as shown, not the edit
    assert Attempt.objects.count() == 1


@pytest.mark.django_db
def test_regrade_page_is_for_trainers_only(client):
    q = question("single")
    client.force_login(trainee())
    url = reverse("question_regrade", args=[q.pk])
    assert client.post(url).status_code in (302, 403)
    assert not RegradeJob.objects.exists()
