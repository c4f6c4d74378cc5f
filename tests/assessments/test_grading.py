"""Grading of every question type, from snapshots (no database)."""

from decimal import Decimal

import pytest

from assessments.grading import grade
from lms.common.numbers import number_parse


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("2,5", "2.5"),
        ("2.5", "2.5"),
        ("1.250", "1250"),
        ("Rp15.000", "15000"),
        ("Rp 15.000", "15000"),
        ("rp15.000,50", "15000.50"),
        ("IDR 1.250.000", "1250000"),
        ("15.000,5", "15000.5"),
        ("0,05", "0.05"),
        ("3%", "3"),
        ("-2,5", "-2.5"),
        ("  42 ", "42"),
        ("1 250", "1250"),
    ],
)
def test_indonesian_number_notation(raw, value):
    assert number_parse(raw) == Decimal(value)


@pytest.mark.parametrize(
    "raw", ["", "abc", "2,5,1", "1.25.0", "Rp", "1.2345,6", "2..5", "dua"]
)
def test_not_a_number(raw):
    assert number_parse(raw) is None


CHOICES = [
    {"id": 1, "text": "a", "correct": True, "feedback": ""},
    {"id": 2, "text": "b", "correct": False, "feedback": ""},
    {"id": 3, "text": "c", "correct": True, "feedback": ""},
]


def test_single_choice():
    snap = {"kind": "single", "points": 1, "choices": CHOICES[:2]}
    assert grade(snap, {"choice": 1}) == (Decimal(1), True)
    assert grade(snap, {"choice": 2}) == (Decimal(0), False)


def test_multiple_choice_needs_exactly_the_right_set():
    snap = {"kind": "multiple", "points": 3, "choices": CHOICES}
    assert grade(snap, {"choices": [1, 3]}) == (Decimal(3), True)
    assert grade(snap, {"choices": [1]}) == (Decimal(0), False)
    assert grade(snap, {"choices": [1, 2, 3]}) == (Decimal(0), False)


def test_true_false():
    snap = {"kind": "true_false", "points": 1, "answer": False, "choices": []}
    assert grade(snap, {"value": False})[1] is True
    assert grade(snap, {"value": True})[1] is False


def test_ordering_needs_the_whole_order():
    snap = {"kind": "ordering", "points": 1, "choices": [], "correct_order": [4, 2, 9]}
    assert grade(snap, {"order": [4, 2, 9]})[1] is True
    assert grade(snap, {"order": [2, 4, 9]})[1] is False


def test_unanswered_scores_zero_and_essays_wait_for_a_trainer():
    assert grade({"kind": "single", "points": 1, "choices": CHOICES}, None) == (
        Decimal(0),
        False,
    )
    assert grade({"kind": "essay", "points": 5}, {"text": "x"}) == (None, None)
