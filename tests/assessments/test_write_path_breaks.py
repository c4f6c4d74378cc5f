"""Attacks on the quiz write path (answer, submit, mark done): the answer
saved with one conditional UPDATE must never land in an attempt that a
submission running at the same moment has already graded."""

import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.http import QueryDict
from django.urls import reverse

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


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["courses:lesson_done", "assessments:start"])
def test_a_page_id_too_large_for_the_database_is_a_404(client, name):
    """The mark-done and quiz-start buttons post to /<id>/ URLs; an id past
    the database's integer range (SQLite: 2**63 - 1) is not found, not a
    500 (the attempt URLs already answer 404 for it)."""
    user = trainee()
    client.force_login(user)
    response = client.post(reverse(name, args=[10**20]))
    assert response.status_code == 404
