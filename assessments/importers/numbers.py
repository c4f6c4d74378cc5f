"""Numbers read from a file: correct numbers and tolerances (exact
Decimals, refused before any work when too long or too large), points
and Moodle's grade fractions, and the messages for those Sinau cannot
store."""

from __future__ import annotations

import re
from decimal import ROUND_CEILING, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from ..models import number_storable
from .base import QuestionError
from .names import shorten

_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_EXPONENT = re.compile(r"[eE][+-]?0*([0-9]+)$")
NUMBER_MAX_LENGTH = 100  # characters of a number in a file
EXPONENT_MAX_DIGITS = 4  # 1e9999 is read; 1e10000 is refused before Decimal()
# Numeric answers and tolerances: DecimalField(30, 15) with at most 15
# significant digits (models.NUMBER_DIGITS, NUMBER_PLACES,
# NUMBER_SIGNIFICANT), so Rp 100000000 and 3.14159265 +- 0.000000005 are
# kept exactly on both databases:
ANSWER_MAX_DIGITS = 30
ANSWER_DECIMAL_PLACES = 15
ANSWER_SIGNIFICANT_DIGITS = 15
MAX_POINTS = 1000  # AttemptQuestion.max_points is DecimalField(6, 2)


def _number_shape(value: str) -> str:
    """ "number", "huge" (a number too long or with too large an exponent
    to read with bounded work) or "" (not a number). Bounded work: a
    regular-expression match, no Decimal arithmetic."""
    if not _NUMBER.fullmatch(value):
        return ""
    exponent = _EXPONENT.search(value)
    if len(value) > NUMBER_MAX_LENGTH or (
        exponent and len(exponent.group(1)) > EXPONENT_MAX_DIGITS
    ):
        return "huge"
    return "number"


def is_huge_number(value: str) -> bool:
    """Whether `value` is written as a number but too long or too large to
    read (see `parse_decimal`)."""
    return _number_shape(value.strip()) == "huge"


def parse_decimal(value: str) -> Decimal | None:
    """`value` as a Decimal, or None if it is not a plain finite number
    (a dot is the decimal separator; no thousands separators) or is too
    long or too large to read (more than NUMBER_MAX_LENGTH characters or an
    exponent over 9999): refused before any Decimal work, so `1e1000000`
    costs nothing."""
    value = value.strip()
    if _number_shape(value) != "number":
        return None
    try:
        return Decimal(value)
    except InvalidOperation:  # pragma: no cover - the pattern rules this out
        return None


def out_of_range(label: str, value: str) -> str:
    """The message for a correct number or tolerance Sinau cannot store."""
    return _(
        "%(question)s: %(value)s cannot be stored exactly: a correct number "
        "or tolerance has at most %(whole)d digits before the decimal point, "
        "%(places)d after it and %(significant)d significant digits."
    ) % {
        "question": label,
        "value": shorten(value),
        "whole": ANSWER_MAX_DIGITS - ANSWER_DECIMAL_PLACES,
        "places": ANSWER_DECIMAL_PLACES,
        "significant": ANSWER_SIGNIFICANT_DIGITS,
    }


def points_out_of_range(label: str, points: str) -> str:
    """The message for a question worth too many (or too few) points."""
    return _("%(question)s: %(points)s points is out of range (1 to %(max)d).") % {
        "question": label,
        "points": points,
        "max": MAX_POINTS,
    }


def answer_number(raw: str, label: str) -> Decimal | None:
    """A correct number or tolerance from a file: the Decimal, None if
    `raw` is not a number (the caller says so in its own words), or
    QuestionError naming the question when it is a number too large to
    read (`1e1000000`). Whether the value fits the model is checked for
    every question in `finish`."""
    if _number_shape(raw.strip()) == "huge":
        raise QuestionError(out_of_range(label, raw))
    return parse_decimal(raw)


def answer_fits(value: Decimal) -> bool:
    """Whether `value` fits Choice.number/tolerance exactly
    (`models.number_storable`). Constant work: the exponent is checked
    before the digits are counted."""
    return number_storable(value)


def points_from_grade(value: Decimal) -> int:
    """A Moodle default grade as Sinau points: rounded up, at least 1; a
    grade over MAX_POINTS gives MAX_POINTS + 1 (refused by `finish`)
    without converting a huge number to an int."""
    if value > MAX_POINTS:
        return MAX_POINTS + 1
    return max(1, int(value.to_integral_value(rounding=ROUND_CEILING)))


# Moodle's grade fractions (question_bank::fraction_options_full), in
# percent; an imported grade must be one of them (within 0.001 %, as
# Moodle's match_grade_options allows) and is stored as that exact value.
FRACTIONS = tuple(
    Decimal(value)
    for value in (
        "100",
        "90",
        "83.33333",
        "80",
        "75",
        "70",
        "66.66667",
        "60",
        "50",
        "40",
        "33.33333",
        "30",
        "25",
        "20",
        "16.66667",
        "14.28571",
        "12.5",
        "11.11111",
        "10",
        "5",
        "0",
    )
)
ALL_FRACTIONS = FRACTIONS + tuple(-value for value in FRACTIONS if value)
_FRACTION_SLACK = Decimal("0.001")


def fraction_check(raw: str, label: str) -> Decimal:
    """A grade in percent from a file, as one of Moodle's fractions, or
    QuestionError naming the question and the grade (Moodle refuses it
    too: e.g. 33 for a three-way split, where 33.33333 is meant)."""
    value = parse_decimal(raw)
    if value is None:
        raise QuestionError(
            _("%(question)s: the answer grade '%(value)s' is not a number.")
            % {"question": label, "value": shorten(raw)}
        )
    for allowed in ALL_FRACTIONS:
        if abs(value - allowed) < _FRACTION_SLACK:
            return allowed
    raise QuestionError(
        _(
            "%(question)s: the answer grade %(value)s%% is not one Moodle "
            "allows (e.g. 100, 50, 33.33333, 25, 0, -50)."
        )
        % {"question": label, "value": shorten(raw)}
    )
