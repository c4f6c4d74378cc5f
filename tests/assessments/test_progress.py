"""Belajarku's quiz scores by topic count each question's best result."""

import pytest
from django.urls import reverse

from assessments.demo import answer_data
from assessments.selectors import category_progress
from assessments.services import attempt_answer, attempt_start, attempt_submit
from tests.factories.assessments import category, question, quiz_in

pytestmark = pytest.mark.django_db


def _take(user, quiz, *, right: int):
    """Answer the first `right` questions right and the rest wrong."""
    attempt = attempt_start(user=user, quiz=quiz)
    for item in attempt.items.order_by("order"):
        attempt_answer(
            user=user,
            attempt_id=attempt.pk,
            order=item.order,
            data=answer_data(item.snapshot, right=item.order <= right),
        )
    return attempt_submit(user=user, attempt_id=attempt.pk)


@pytest.fixture
def eight(course):
    topic = category("Iklan")
    return quiz_in(course, [question("single", cat=topic) for _ in range(8)])


def test_fail_then_pass_shows_the_pass_not_the_sum(client, learner, eight):
    assert _take(learner, eight, right=1).passed is False
    assert _take(learner, eight, right=7).passed is True
    client.force_login(learner)
    body = client.get(reverse("courses:my_learning")).content.decode()
    assert "Iklan: 7 dari 8 poin (88%)" in body
    assert "hasil terbaik Anda dari semua percobaan" in body


def test_each_question_counts_its_best_result_in_any_attempt(learner, eight):
    _take(learner, eight, right=5)  # questions 1-5 right
    _take(learner, eight, right=2)  # a worse later try takes nothing away
    [progress] = category_progress(user=learner)
    assert (progress.name, progress.correct, progress.possible) == ("Iklan", 5, 8)
    assert progress.percent == 63


def test_an_almost_full_score_is_not_rounded_up_to_full(learner, course):
    quiz = quiz_in(course, [question("single", points=199), question("single")])
    _take(learner, quiz, right=1)  # 199 of 200 points: 99.5%
    [progress] = category_progress(user=learner)
    assert progress.percent == 99


def test_topic_scores_take_one_query_whatever_the_attempts(
    learner, eight, django_assert_num_queries
):
    _take(learner, eight, right=1)
    _take(learner, eight, right=7)
    with django_assert_num_queries(1):
        category_progress(user=learner)
