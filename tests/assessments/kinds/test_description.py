"""The description kind (assessments/kinds/description.py): it asks
nothing, so grading skips it (no points, neither right nor wrong)."""

from decimal import Decimal

from assessments.grading import grade


def test_description_items_are_skipped():
    assert grade({"kind": "description", "points": 0}, None) == (Decimal(0), None)
