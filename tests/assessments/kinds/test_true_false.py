"""The true/false kind (assessments/kinds/true_false.py): right when the
value given is the answer."""

from assessments.grading import grade


def test_true_false():
    snap = {"kind": "true_false", "points": 1, "answer": False, "choices": []}
    assert grade(snap, {"value": False})[1] is True
    assert grade(snap, {"value": True})[1] is False
