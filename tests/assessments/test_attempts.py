"""Starting, answering and submitting attempts; every refusal changes nothing."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.demo import answer_data, attempt_take
from assessments.models import Accommodation, Attempt, AttemptQuestion
from assessments.services import (
    Refused,
    attempt_answer,
    attempt_start,
    attempt_submit,
    response_parse,
)
from courses.models import Enrollment
from courses.services import enrollment_create, enrollment_withdraw
from tests.assessments.answering import saved_responses as _answers
from tests.factories import trainee
from tests.factories.assessments import question, quiz_in
from tests.factories.courses import course_tree, lessons_of

pytestmark = pytest.mark.django_db


def test_start_freezes_questions_and_resumes_the_same_attempt(learner, quiz):
    first = attempt_start(user=learner, quiz=quiz)
    again = attempt_start(user=learner, quiz=quiz)
    assert again.pk == first.pk
    assert first.items.count() == 4
    assert first.max_score == 4
    assert Attempt.objects.count() == 1


def test_start_needs_an_enrollment(quiz):
    with pytest.raises(Refused, match="Daftar di kursus ini"):
        attempt_start(user=trainee(), quiz=quiz)
    assert not Attempt.objects.exists()


def test_shuffled_order_is_stable_within_an_attempt(learner, course):
    questions = [question("single") for _ in range(6)]
    quiz = quiz_in(course, questions, shuffle_questions=True, shuffle_choices=True)
    attempt = attempt_start(user=learner, quiz=quiz)
    before = list(
        attempt.items.order_by("order").values_list("question_id", "snapshot")
    )
    for item in attempt.items.order_by("order")[:3]:
        attempt_answer(
            user=learner,
            attempt_id=attempt.pk,
            order=item.order,
            data=answer_data(item.snapshot, right=True),
        )
    after = list(attempt.items.order_by("order").values_list("question_id", "snapshot"))
    assert before == after
    assert attempt_start(user=learner, quiz=quiz).pk == attempt.pk


def test_editing_a_question_does_not_change_a_started_attempt(learner, quiz):
    attempt = attempt_start(user=learner, quiz=quiz)
    item = attempt.items.get(order=1)
    item.question.text = "Teks baru"
    item.question.save()
    item.refresh_from_db()
    assert item.snapshot["text"] != "Teks baru"


def test_attempt_limit_and_extra_attempts(learner, course):
    quiz = quiz_in(course, [question("single")], max_attempts=1)
    attempt_take(user=learner, quiz=quiz, right=False)
    with pytest.raises(Refused, match="memakai semua percobaan"):
        attempt_start(user=learner, quiz=quiz)
    assert Attempt.objects.count() == 1
    Accommodation.objects.create(quiz=quiz, user=learner, extra_attempts=1)
    assert attempt_start(user=learner, quiz=quiz).number == 2


def test_time_limit_and_extra_time(learner, course):
    quiz = quiz_in(course, [question("single")], time_limit_minutes=10)
    attempt = attempt_start(user=learner, quiz=quiz)
    assert attempt.deadline_at - attempt.started_at == timezone.timedelta(minutes=10)
    other = trainee()
    enrollment_create(user=other, course=course)
    Accommodation.objects.create(quiz=quiz, user=other, extra_minutes=15)
    longer = attempt_start(user=other, quiz=quiz)
    assert longer.deadline_at - longer.started_at == timezone.timedelta(minutes=25)


# -- refusals: each leaves every answer as it was ---------------------------


def _right(attempt, order=1):
    return answer_data(attempt.items.get(order=order).snapshot, right=True)


def test_answer_to_a_question_not_in_the_attempt_is_refused(learner, started):
    before = _answers(started)
    with pytest.raises(Refused, match="bukan bagian dari percobaan"):
        attempt_answer(
            user=learner, attempt_id=started.pk, order=99, data=_right(started)
        )
    assert _answers(started) == before


def test_answer_to_someone_elses_attempt_is_refused(started):
    before = _answers(started)
    with pytest.raises(Refused, match="bukan milik Anda"):
        attempt_answer(
            user=trainee(), attempt_id=started.pk, order=1, data=_right(started)
        )
    assert _answers(started) == before


def test_answer_after_submission_is_refused(learner, started):
    attempt_submit(user=learner, attempt_id=started.pk)
    before = _answers(started)
    with pytest.raises(Refused, match="sudah dikumpulkan"):
        attempt_answer(
            user=learner, attempt_id=started.pk, order=1, data=_right(started)
        )
    assert _answers(started) == before


def test_the_same_answer_again_writes_nothing(learner, started):
    """A phone retrying the POST: the answer stays, first saved time and all."""
    data = _right(started, order=2)
    attempt_answer(user=learner, attempt_id=started.pk, order=2, data=data)
    saved = AttemptQuestion.objects.get(attempt=started, order=2)
    with CaptureQueriesContext(connection) as queries:
        item = attempt_answer(user=learner, attempt_id=started.pk, order=2, data=data)
    assert item.response == saved.response
    assert not [q for q in queries if q["sql"].startswith("UPDATE")]
    again = AttemptQuestion.objects.get(attempt=started, order=2)
    assert (again.response, again.answered_at) == (saved.response, saved.answered_at)


def test_the_same_answer_again_is_refused_after_withdrawal(learner, started, course):
    data = _right(started, order=2)
    attempt_answer(user=learner, attempt_id=started.pk, order=2, data=data)
    enrollment_withdraw(user=learner, course=course)
    with pytest.raises(Refused, match="sudah berhenti dari kursus"):
        attempt_answer(user=learner, attempt_id=started.pk, order=2, data=data)


def test_a_changed_answer_replaces_the_saved_one(learner, started):
    item = started.items.get(order=2)
    attempt_answer(
        user=learner,
        attempt_id=started.pk,
        order=2,
        data=answer_data(item.snapshot, right=True),
    )
    attempt_answer(
        user=learner,
        attempt_id=started.pk,
        order=2,
        data=answer_data(item.snapshot, right=False),
    )
    wrong = response_parse(item.snapshot, answer_data(item.snapshot, right=False))
    item.refresh_from_db()
    assert item.response == wrong
    assert wrong != response_parse(
        item.snapshot, answer_data(item.snapshot, right=True)
    )


def test_answer_after_the_deadline_is_refused_by_server_time(learner, started):
    Attempt.objects.filter(pk=started.pk).update(
        deadline_at=timezone.now() - timezone.timedelta(seconds=1)
    )
    before = _answers(started)
    with pytest.raises(Refused, match="Waktu habis"):
        attempt_answer(
            user=learner, attempt_id=started.pk, order=1, data=_right(started)
        )
    assert _answers(started) == before


# -- submitting --------------------------------------------------------------


def test_submit_grades_on_the_server_and_is_idempotent(learner, quiz):
    attempt = attempt_start(user=learner, quiz=quiz)
    for item in attempt.items.order_by("order")[:3]:
        attempt_answer(
            user=learner,
            attempt_id=attempt.pk,
            order=item.order,
            data=answer_data(item.snapshot, right=True),
        )
    submitted = attempt_submit(user=learner, attempt_id=attempt.pk)
    assert (submitted.status, submitted.score, submitted.passed) == ("graded", 3, True)
    first_time = submitted.submitted_at
    again = attempt_submit(user=learner, attempt_id=attempt.pk)
    assert again.submitted_at == first_time
    assert again.score == 3


def test_failing_then_passing_a_required_quiz_completes_the_course(
    course, learner, quiz
):
    from courses.services import lesson_complete

    lesson_complete(user=learner, lesson=lessons_of(course)[0])
    assert Enrollment.objects.get(user=learner).completed_at is None
    failed = attempt_take(user=learner, quiz=quiz, right=False)
    assert failed.passed is False
    assert Enrollment.objects.get(user=learner).completed_at is None
    passed = attempt_take(user=learner, quiz=quiz, right=True)
    assert passed.passed is True
    assert passed.number == 2
    assert Enrollment.objects.get(user=learner).completed_at is not None


def test_submitting_after_the_deadline_grades_answers_saved_in_time(learner, started):
    Attempt.objects.filter(pk=started.pk).update(
        deadline_at=timezone.now() - timezone.timedelta(minutes=1)
    )
    attempt = attempt_submit(user=learner, attempt_id=started.pk)
    assert attempt.status == "graded"
    assert attempt.score == 0


def test_expired_attempts_are_closed_by_the_sweep(learner, started):
    from assessments.services import attempts_close_expired

    Attempt.objects.filter(pk=started.pk).update(
        deadline_at=timezone.now() - timezone.timedelta(minutes=1)
    )
    assert attempts_close_expired() == 1
    assert Attempt.objects.get(pk=started.pk).status == "graded"
    assert attempts_close_expired() == 0


def test_the_sweep_records_the_deadline_as_the_submission_time(learner, started):
    from assessments.services import attempts_close_expired

    deadline = timezone.now() - timezone.timedelta(minutes=7)
    Attempt.objects.filter(pk=started.pk).update(deadline_at=deadline)
    attempts_close_expired()
    assert Attempt.objects.get(pk=started.pk).submitted_at == deadline


def test_submitting_in_time_records_when_it_was_submitted(learner, started):
    deadline = timezone.now() + timezone.timedelta(minutes=30)
    Attempt.objects.filter(pk=started.pk).update(deadline_at=deadline)
    before = timezone.now()
    attempt = attempt_submit(user=learner, attempt_id=started.pk)
    assert before <= attempt.submitted_at < deadline


def _submit_queries(user, size) -> int:
    """Queries to submit a `size`-question attempt of a course that stays
    incomplete (a lesson is left), so both runs take the same path."""
    course = course_tree(modules=1, lessons=1)
    enrollment_create(user=user, course=course)
    quiz = quiz_in(course, [question("single") for _ in range(size)])
    attempt = attempt_start(user=user, quiz=quiz)
    for item in attempt.items.all():
        attempt_answer(
            user=user,
            attempt_id=attempt.pk,
            order=item.order,
            data=answer_data(item.snapshot, right=True),
        )
    with CaptureQueriesContext(connection) as queries:
        attempt_submit(user=user, attempt_id=attempt.pk)
    return len(queries)


def test_submitting_fifty_questions_runs_as_many_queries_as_five(learner):
    _submit_queries(learner, 1)  # warm per-process caches (content types)
    five = _submit_queries(learner, 5)
    assert _submit_queries(learner, 50) == five


def test_a_failed_attempt_still_counts_as_activity(learner, quiz):
    Enrollment.objects.filter(user=learner).update(last_activity_at=None)
    attempt_take(user=learner, quiz=quiz, right=False)
    assert Enrollment.objects.get(user=learner).last_activity_at is not None
