"""The ordering kind (assessments/kinds/ordering.py): each item gets a
different position, and only the whole order is right."""

import pytest

from assessments.grading import grade
from assessments.services import Refused, attempt_answer, attempt_start
from tests.assessments.answering import posted as _post
from tests.assessments.answering import saved_responses as _answers
from tests.factories.assessments import question, quiz_in


def test_ordering_needs_the_whole_order():
    snap = {"kind": "ordering", "points": 1, "choices": [], "correct_order": [4, 2, 9]}
    assert grade(snap, {"order": [4, 2, 9]})[1] is True
    assert grade(snap, {"order": [2, 4, 9]})[1] is False


@pytest.mark.django_db
def test_ordering_answer_must_use_each_position_once(learner, course):
    quiz = quiz_in(course, [question("ordering")])
    attempt = attempt_start(user=learner, quiz=quiz)
    keys = [c["key"] for c in attempt.items.get().snapshot["choices"]]
    data = _post(**{f"position-{k}": "1" for k in keys})
    with pytest.raises(Refused, match="urutan yang berbeda"):
        attempt_answer(user=learner, attempt_id=attempt.pk, order=1, data=data)
    assert _answers(attempt) == [None]
