"""A submission locks its own attempt, not the quiz: while one trainee's
submission is still in its transaction, another trainee submits the same
quiz and a third starts it without waiting. Needs real row locks, so it
runs on PostgreSQL (any run with DATABASE_URL pointing at PostgreSQL)."""

import threading

import pytest
from django.db import connection, connections, transaction

from assessments.models import Attempt
from assessments.services import attempt_start, attempt_submit
from courses.services import enrollment_create
from tests.factories import trainee
from tests.factories.assessments import question, quiz_in
from tests.factories.courses import course_tree


@pytest.mark.django_db(transaction=True)
def test_a_submission_in_progress_does_not_hold_up_other_trainees():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are tested on PostgreSQL (set DATABASE_URL)")
    course = course_tree(modules=1, lessons=1)
    quiz = quiz_in(course, [question("single")])
    first, second, third = trainee(), trainee(), trainee()
    for user in (first, second, third):
        enrollment_create(user=user, course=course)
    attempts = {u.pk: attempt_start(user=u, quiz=quiz) for u in (first, second)}
    holding, release = threading.Event(), threading.Event()
    errors = []

    def submit_and_hold():
        try:
            with transaction.atomic():
                attempt_submit(user=first, attempt_id=attempts[first.pk].pk)
                holding.set()
                release.wait(timeout=20)
        except Exception as exc:
            errors.append(exc)
            holding.set()
        finally:
            connections.close_all()

    thread = threading.Thread(target=submit_and_hold)
    thread.start()
    try:
        assert holding.wait(timeout=10)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '2s'")
        try:
            submitted = attempt_submit(user=second, attempt_id=attempts[second.pk].pk)
            started = attempt_start(user=third, quiz=quiz)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = 0")
    finally:
        release.set()
        thread.join(timeout=30)
    assert errors == []
    assert submitted.status == Attempt.Status.GRADED
    assert started.status == Attempt.Status.IN_PROGRESS
    assert Attempt.objects.get(pk=attempts[first.pk].pk).submitted_at is not None
