"""Numbers read from a file (assessments/importers/numbers.py): huge
exponents refused at once, numbers and points beyond the model's columns
refused naming the question, the largest storable ones accepted, and big
and precise answers imported exactly. Messages are checked in English."""

import time
from decimal import Decimal

import pytest

from assessments.importers import parse
from assessments.importers.numbers import (
    ANSWER_DECIMAL_PLACES,
    ANSWER_MAX_DIGITS,
    ANSWER_SIGNIFICANT_DIGITS,
    MAX_POINTS,
)
from assessments.models import AttemptQuestion, Choice
from tests.assessments.importers.bank_files import (
    gift_numeric,
    imported,
    moodle,
    moodle_numeric,
    refused,
)

pytestmark = pytest.mark.usefixtures("english")


@pytest.mark.parametrize(
    ("content", "fmt"),
    [
        (moodle_numeric("1e1000000"), "moodle"),
        (moodle_numeric("5", tolerance="1e1000000"), "moodle"),
        (moodle_numeric("5", grade="1e1000000"), "moodle"),
        (gift_numeric("1e1000000"), "gift"),
        (gift_numeric("1e1000000..2"), "gift"),
        (gift_numeric("1:1e-1000000"), "gift"),
        (gift_numeric("9" * 200_000), "gift"),
    ],
)
def test_huge_exponents_are_refused_at_once(content, fmt):
    started = time.process_time()
    errors = refused(content, fmt)
    assert time.process_time() - started < 1
    assert "Harga" in errors[0]


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ("1000000000000000", "cannot be stored exactly"),  # 16 digits before
        ("-1000000000000000", "cannot be stored exactly"),
        ("0.0000000000000001", "cannot be stored exactly"),  # 16 places
        ("1234567890.123456789", "cannot be stored exactly"),  # 19 significant
        ("1e15", "cannot be stored exactly"),
        ("1e9999", "cannot be stored exactly"),
    ],
)
@pytest.mark.parametrize("fmt", ["moodle", "gift"])
def test_numbers_beyond_the_model_are_refused_naming_the_question(answer, reason, fmt):
    content = moodle_numeric(answer) if fmt == "moodle" else gift_numeric(answer)
    errors = refused(content, fmt)
    assert len(errors) == 1
    assert errors[0].startswith("Question 'Harga': ")
    assert reason in errors[0]


@pytest.mark.parametrize(
    "value",
    [
        "9" * (ANSWER_MAX_DIGITS - ANSWER_DECIMAL_PLACES),
        "0." + "0" * (ANSWER_DECIMAL_PLACES - 1) + "1",
        "1" * 8 + "." + "1" * (ANSWER_SIGNIFICANT_DIGITS - 8),
    ],
)
def test_the_largest_storable_numbers_are_accepted(value):
    question = parse(moodle_numeric(value, tolerance=value), "moodle").questions[0]
    assert question.numeric_answer == Decimal(value)
    assert question.numeric_tolerance == Decimal(value)


@pytest.mark.parametrize("grade", [str(MAX_POINTS + 1), "1e1000000", "1e9999"])
def test_points_beyond_the_limit_are_refused(grade):
    errors = refused(moodle_numeric("5", grade=grade), "moodle")
    assert errors == [
        f"Question 'Harga': {grade} points is out of range (1 to {MAX_POINTS})."
    ]


def test_model_columns_match_the_importer_limits():
    for name in ("number", "tolerance"):
        field = Choice._meta.get_field(name)
        assert (field.max_digits, field.decimal_places) == (
            ANSWER_MAX_DIGITS,
            ANSWER_DECIMAL_PLACES,
        )
    max_points = AttemptQuestion._meta.get_field("max_points")
    assert MAX_POINTS < 10 ** (max_points.max_digits - max_points.decimal_places)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("answer", "tolerance"),
    [
        ("100000000", "0"),  # Rp 100 juta
        ("250000000000", "500000"),
        ("3.14159265", "0.00000001"),  # 8 decimals
        ("0.000000000123", "0.000000000001"),
    ],
)
@pytest.mark.parametrize("fmt", ["moodle", "gift"])
def test_big_and_precise_numeric_answers_import_exactly(answer, tolerance, fmt):
    if fmt == "moodle":
        content = moodle(
            '<question type="numerical"><name><text>Harga</text></name>'
            "<questiontext><text>Berapa?</text></questiontext>"
            f'<answer fraction="100"><text>{answer}</text>'
            f"<tolerance>{tolerance}</tolerance></answer></question>"
        )
    else:
        content = f"::Harga::Berapa?{{#{answer}:{tolerance}}}"
    imported(content, fmt)
    row = Choice.objects.get()
    assert (row.number, row.tolerance) == (Decimal(answer), Decimal(tolerance))
