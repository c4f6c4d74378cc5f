"""A submission locks its own attempt, not the quiz: while one trainee's
submission is still in its transaction, another trainee submits the same
quiz and a third starts it without waiting; and an answer saved at the same
moment is graded or refused, never stored in the graded attempt. Needs real
row locks, so it runs on PostgreSQL (any run with DATABASE_URL pointing at
PostgreSQL)."""

import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.http import QueryDict

from assessments.models import Attempt, AttemptQuestion
from assessments.services import (
    Refused,
    attempt_item_answer,
    attempt_start,
    attempt_submit,
)
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


def _choice(item, *, correct: bool) -> QueryDict:
    data = QueryDict(mutable=True)
    data["choice"] = next(
        c["key"] for c in item.snapshot["choices"] if c["correct"] == correct
    )
    return data


@pytest.mark.django_db(transaction=True)
def test_an_answer_racing_a_submission_is_not_saved_after_grading():
    """The trainee submits on one phone while the other phone, which read
    the question before the submission, saves a different answer. The
    answer must either be graded or refused: never stored in the graded
    attempt next to points computed from the earlier answer."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks are tested on PostgreSQL (set DATABASE_URL)")
    course = course_tree(modules=1, lessons=1)
    quiz = quiz_in(course, [question("single")])
    user = trainee()
    enrollment_create(user=user, course=course)
    attempt = attempt_start(user=user, quiz=quiz)
    item = AttemptQuestion.objects.select_related("attempt__quiz").get(attempt=attempt)
    attempt_item_answer(user=user, item=item, data=_choice(item, correct=False))
    # The second phone read the question (and the open attempt) now.
    stale = AttemptQuestion.objects.select_related("attempt__quiz").get(pk=item.pk)
    holding, release = threading.Event(), threading.Event()
    errors, refused = [], []

    def submit_and_hold():
        try:
            with transaction.atomic():
                attempt_submit(user=user, attempt_id=attempt.pk)
                holding.set()
                release.wait(timeout=20)
        except Exception as exc:
            errors.append(exc)
            holding.set()
        finally:
            connections.close_all()

    def answer():
        try:
            attempt_item_answer(
                user=user, item=stale, data=_choice(stale, correct=True)
            )
        except Refused as exc:
            refused.append(exc)
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    submitter = threading.Thread(target=submit_and_hold)
    submitter.start()
    assert holding.wait(timeout=10)
    answerer = threading.Thread(target=answer)
    answerer.start()
    time.sleep(0.5)  # the answer's UPDATE is now running against the submit
    release.set()
    submitter.join(timeout=30)
    answerer.join(timeout=30)
    assert errors == []
    saved = AttemptQuestion.objects.get(pk=item.pk)
    graded = Attempt.objects.get(pk=attempt.pk)
    assert graded.status == Attempt.Status.GRADED
    assert refused, "the answer was accepted after the attempt was graded"
    assert saved.response == {
        "choice": next(c["id"] for c in item.snapshot["choices"] if not c["correct"])
    }
    assert saved.points == 0
