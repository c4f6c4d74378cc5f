"""Grading whatever the kind, from snapshots (no database): an unanswered
question scores zero, an essay waits for a trainer. Each kind's own
grading is tests/assessments/kinds/test_<kind>.py."""

from decimal import Decimal

from assessments.grading import grade

CHOICES = [
    {"id": 1, "text": "a", "correct": True, "feedback": ""},
    {"id": 2, "text": "b", "correct": False, "feedback": ""},
    {"id": 3, "text": "c", "correct": True, "feedback": ""},
]


def test_unanswered_scores_zero_and_essays_wait_for_a_trainer():
    assert grade({"kind": "single", "points": 1, "choices": CHOICES}, None) == (
        Decimal(0),
        False,
    )
    assert grade({"kind": "essay", "points": 5}, {"text": "x"}) == (None, None)
