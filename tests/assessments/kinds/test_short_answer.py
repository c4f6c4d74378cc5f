"""The short answer kind (assessments/kinds/short_answer.py): the typed
text must match an answer whole, trimmed, case-insensitive unless the
question says otherwise; `*` is a wildcard (matching nothing too) and
`\\*` a literal asterisk; the best matching answer gives its credit."""

from decimal import Decimal

import pytest

from assessments.grading import grade


def _short(case_sensitive=False):
    return {
        "kind": "short_answer",
        "points": 1,
        "case_sensitive": case_sensitive,
        "answers": [
            {"text": "Jakarta", "fraction": "100", "feedback": ""},
            {"text": "Bata*a", "fraction": "50", "feedback": ""},
            {"text": "5\\*", "fraction": "100", "feedback": ""},
            {"text": "*", "fraction": "0", "feedback": "Bukan"},
        ],
    }


@pytest.mark.parametrize(
    ("typed", "case_sensitive", "points"),
    [
        ("Jakarta", False, Decimal(1)),
        ("  jakarta ", False, Decimal(1)),
        ("jakarta", True, Decimal(0)),
        ("Jakarta", True, Decimal(1)),
        ("Batavia", False, Decimal("0.50")),
        ("Bataa", False, Decimal("0.50")),  # * also matches nothing
        ("Batavian", False, Decimal(0)),  # the whole answer must match
        ("5*", False, Decimal(1)),  # \\* is a literal asterisk
        ("55", False, Decimal(0)),
        ("Jakarta Raya", False, Decimal(0)),
    ],
)
def test_short_answer_case_and_wildcard(typed, case_sensitive, points):
    assert grade(_short(case_sensitive), {"text": typed})[0] == points
