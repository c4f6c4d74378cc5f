"""Break tests (issue 22): what a trainer's "refuse" on a late timed
offline attempt does to the trainee's attempt limit, and what the trainee
sees while it waits."""

from datetime import timedelta

import pytest
from django.utils import timezone

from assessments.errors import Refused
from assessments.models import Attempt
from assessments.offline.review import attempt_review_decide
from assessments.offline.services import package_make
from assessments.selectors import attempt_review
from assessments.services import attempt_start
from tests.assessments.offline.conftest import sync_post
from tests.factories import course_trainer
from tests.support.offline import saved_at, submit_item

pytestmark = pytest.mark.django_db


def _held(client_in, learner, quiz) -> Attempt:
    quiz.time_limit_minutes = 10
    quiz.max_attempts = 1
    quiz.save()
    attempt = package_make(user=learner, quiz=quiz)
    Attempt.objects.filter(pk=attempt.pk).update(
        **saved_at(timezone.now() - timedelta(hours=3))
    )
    result = sync_post(client_in, [submit_item(attempt, right=False)])
    assert result["items"][0]["outcome"] == "review"
    attempt.refresh_from_db()
    return attempt


def test_a_refused_late_attempt_does_not_hand_out_a_fresh_attempt(
    client_in, learner, quiz, course
):
    """One attempt allowed, 10-minute limit. The trainee keeps the package
    for three hours (all questions on one page), syncs: held for review.
    The trainer refuses it as too late: it becomes `not_counted`, which
    uses up no attempt, so the trainee may start the quiz again and gets
    the same questions with the time limit reset. Refusing rewards the late
    trainee with what an honest one does not get: a second look."""
    held = _held(client_in, learner, quiz)
    attempt_review_decide(
        reviewer=course_trainer(course), attempt_id=held.pk, accept=False
    )
    with pytest.raises(Refused):
        attempt_start(user=learner, quiz=quiz)


def test_outcomes_are_hidden_while_a_late_attempt_waits_for_review(
    client_in, learner, quiz
):
    """While held in `review` (not counted yet, may be refused and so not
    use up the only attempt) the trainee's result page already shows which
    questions were right and wrong."""
    held = _held(client_in, learner, quiz)
    review = attempt_review(attempt=held)
    assert not review.outcomes, review
    assert not review.answers, review
