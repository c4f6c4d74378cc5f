"""The multiple choice kind (assessments/kinds/multiple.py): partial
scoring sums the picked choices' credits, floored at zero; all-or-nothing
(and every snapshot from before credits) needs exactly the right set."""

from decimal import Decimal

import pytest

from assessments.grading import grade

CHOICES = [
    {"id": 1, "text": "a", "correct": True, "feedback": ""},
    {"id": 2, "text": "b", "correct": False, "feedback": ""},
    {"id": 3, "text": "c", "correct": True, "feedback": ""},
]


def test_multiple_choice_needs_exactly_the_right_set():
    snap = {"kind": "multiple", "points": 3, "choices": CHOICES}
    assert grade(snap, {"choices": [1, 3]}) == (Decimal(3), True)
    assert grade(snap, {"choices": [1]}) == (Decimal(0), False)
    assert grade(snap, {"choices": [1, 2, 3]}) == (Decimal(0), False)


def _choices(*fractions):
    return [
        {"id": i, "key": f"k{i}", "text": f"c{i}", "fraction": f, "feedback": ""}
        for i, f in enumerate(fractions, 1)
    ]


def _multiple(scoring, *fractions, points=2):
    return {
        "kind": "multiple",
        "points": points,
        "scoring": scoring,
        "choices": _choices(*fractions),
    }


@pytest.mark.parametrize(
    ("chosen", "points", "right"),
    [
        ([1], Decimal("1.00"), False),  # 50% of 2 points
        ([1, 2], Decimal("2.00"), True),
        ([1, 2, 3], Decimal("1.00"), False),  # 100 - 50
        ([1, 3], Decimal("0.00"), False),  # 50 - 50
        ([3, 4], Decimal("0.00"), False),  # -150 floored at zero
        ([4], Decimal("0.00"), False),
    ],
)
def test_multiple_choice_sums_credit_floored_at_zero(chosen, points, right):
    snapshot = _multiple("partial", "50", "50", "-50", "-100")
    assert grade(snapshot, {"choices": chosen}) == (points, right)


def test_multiple_choice_thirds_add_up_to_full_marks():
    snapshot = _multiple("partial", "33.33333", "33.33333", "33.33333", "-100")
    assert grade(snapshot, {"choices": [1, 2, 3]}) == (Decimal("2.00"), False)
    assert grade(snapshot, {"choices": [1]}) == (Decimal("0.67"), False)


@pytest.mark.parametrize(
    ("chosen", "points"), [([1, 2], Decimal(2)), ([1], Decimal(0)), ([1, 2, 3], 0)]
)
def test_all_or_nothing_mode_needs_exactly_the_right_choices(chosen, points):
    snapshot = _multiple("all_or_nothing", "50", "50", "0")
    assert grade(snapshot, {"choices": chosen})[0] == points


def test_an_old_multiple_snapshot_is_all_or_nothing():
    snapshot = {
        "kind": "multiple",
        "points": 1,
        "choices": [
            {"id": 1, "correct": True},
            {"id": 2, "correct": True},
            {"id": 3, "correct": False},
        ],
    }
    assert grade(snapshot, {"choices": [1]}) == (Decimal(0), False)
    assert grade(snapshot, {"choices": [1, 2]}) == (Decimal(1), True)
