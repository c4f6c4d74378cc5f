"""The single choice kind (assessments/kinds/single.py): one choice is
picked, by a key of this question; it earns its own credit (several may
give full credit, a penalty never goes below zero)."""

from decimal import Decimal

import pytest

from assessments.grading import grade
from assessments.services import Refused, attempt_answer
from tests.assessments.answering import posted as _post
from tests.assessments.answering import saved_responses as _answers

CHOICES = [
    {"id": 1, "text": "a", "correct": True, "feedback": ""},
    {"id": 2, "text": "b", "correct": False, "feedback": ""},
    {"id": 3, "text": "c", "correct": True, "feedback": ""},
]


def test_single_choice():
    snap = {"kind": "single", "points": 1, "choices": CHOICES[:2]}
    assert grade(snap, {"choice": 1}) == (Decimal(1), True)
    assert grade(snap, {"choice": 2}) == (Decimal(0), False)


def _choices(*fractions):
    return [
        {"id": i, "key": f"k{i}", "text": f"c{i}", "fraction": f, "feedback": ""}
        for i, f in enumerate(fractions, 1)
    ]


@pytest.mark.parametrize(
    ("chosen", "points", "right"),
    [
        (1, Decimal("3"), True),
        (2, Decimal("3"), True),  # a second full-credit answer
        (3, Decimal("1.00"), False),  # 33.33333% of 3
        (4, Decimal("0"), False),  # a penalty never goes below zero
    ],
)
def test_single_choice_credit_and_two_full_credit_answers(chosen, points, right):
    snapshot = {
        "kind": "single",
        "points": 3,
        "choices": _choices("100", "100", "33.33333", "-50"),
    }
    assert grade(snapshot, {"choice": chosen}) == (points, right)


@pytest.mark.django_db
def test_answer_with_a_choice_from_another_question_is_refused(learner, started):
    before = _answers(started)
    with pytest.raises(Refused, match="Pilih satu jawaban"):
        attempt_answer(
            user=learner, attempt_id=started.pk, order=1, data=_post(choice="999999")
        )
    assert _answers(started) == before
