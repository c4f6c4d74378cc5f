"""The matching kind (assessments/kinds/matching.py): each right pair
earns an equal share of the points; an unanswered item earns nothing."""

from decimal import Decimal

import pytest

from assessments.grading import grade


def _matching():
    return {
        "kind": "matching",
        "points": 3,
        "choices": [
            {"id": 1, "key": "a", "text": "Beras", "match": "kg"},
            {"id": 2, "key": "b", "text": "Minyak", "match": "liter"},
            {"id": 3, "key": "c", "text": "Gula", "match": "kg"},
        ],
        "options": [{"key": "x", "text": "kg"}, {"key": "y", "text": "liter"}],
    }


@pytest.mark.parametrize(
    ("pairs", "points", "right"),
    [
        ({"1": "kg", "2": "liter", "3": "kg"}, Decimal("3.00"), True),
        ({"1": "kg", "2": "kg", "3": "kg"}, Decimal("2.00"), False),
        ({"1": "liter"}, Decimal("0.00"), False),
        ({"1": "kg"}, Decimal("1.00"), False),  # unanswered items earn nothing
    ],
)
def test_matching_gives_an_equal_share_per_right_pair(pairs, points, right):
    assert grade(_matching(), {"pairs": pairs}) == (points, right)
