"""Read numbers the way Indonesian trainees write them, and show how they
were read.

The rule (also in docs/trainers.md, "Number reading"):

1. Around the number: spaces (also NBSP and thin spaces), `Rp`, `Rp.` or
   `IDR` before it, and `,-`, `.-`, `%` or `rupiah` after it are ignored.
   One sign may come first or right after `Rp`: `-`, `+`, or a typographic
   minus (U+2212, en dash U+2013, figure dash U+2012, U+FE63, U+FF0D). Only the
   ASCII digits 0-9 count as digits; exponents (`1e3`) are not read.
2. A *thousands grouping* is a first group of 1-3 digits that does not
   start with 0, then groups of exactly 3 digits: `1.250.000`,
   `15,000`, `1 250`. A group starting with 0 never begins one, so
   `0.125` is 0.125 and `0.500` is 0.5.
3. With both `.` and `,` the last one is the decimal sign and the other
   must group thousands: `15.000,50` and `15,000.50` are both 15000.5.
4. A sign written more than once must group thousands: `1.250.000`.
5. Spaces between digits group thousands; then at most one `.` or `,`
   may follow, as the decimal sign: `1 250,5`.
6. A single `.` or `,` is the decimal sign (`2,5`, `2.5`, `,5`,
   `0.125`, `1234.567`), except when it could also group thousands (1-3
   digits not starting with 0 before it, exactly 3 after it: `1.250`,
   `2,500`). That notation is *ambiguous* and has two readings: the
   Indonesian one first (dot groups thousands, comma is the decimal sign:
   `1.250` = 1250, `2,500` = 2.5) and the English one second (`1.250` =
   1.25, `2,500` = 2500). An amount marked as rupiah (`Rp`, `IDR`, `,-`,
   `rupiah`) has only the Indonesian reading: `Rp 1.250` is 1250.
7. Anything else, or more than MAX_LENGTH characters or MAX_DIGITS
   digits, is not a number (None).

Grading (`assessments.kinds.numeric`) uses the reading closest to the
question's correct number, so an ambiguous answer is right when either reading is
within the tolerance. The question page shows the trainee every reading
("Dibaca sebagai 1.250 (seribu dua ratus lima puluh) atau 1,25 ...")
after saving, before they submit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

MAX_LENGTH = 64  # characters of input, spaces and currency included
MAX_DIGITS = 24  # digits in the number: well inside Decimal's 28-digit precision

_MINUS = str.maketrans(dict.fromkeys("\u2212\u2012\u2013\ufe63\uff0d", "-"))
_SHAPE = re.compile(
    r"(?P<sign1>[-+])?\s*(?P<rp>rp\.?|idr)?\s*(?P<sign2>[-+])?\s*"
    r"(?P<body>[0-9.,](?:[0-9., ]*[0-9])?)"
    r"\s*(?:(?P<rupiah>,-{1,2}|\.-{1,2}|rupiah)|%)?",
    re.IGNORECASE,
)
_DIGITS = re.compile(r"[0-9]+")


@dataclass(frozen=True)
class NumberReading:
    """How a written number was read.

    `value` is the reading shown first (rule 6: the Indonesian one for an
    ambiguous notation); `other` is the second reading of an ambiguous
    notation, else None."""

    value: Decimal
    other: Decimal | None = None

    @property
    def readings(self) -> tuple[Decimal, ...]:
        """Every reading, the first one first."""
        return (self.value,) if self.other is None else (self.value, self.other)

    def closest_to(self, target: Decimal) -> Decimal:
        """The reading closest to `target` (the first one on a tie)."""
        return min(self.readings, key=lambda reading: abs(reading - target))


def number_read(raw: str) -> NumberReading | None:
    """Read `raw` by the module's rule; None when it is not a number.

    Never raises for any string (bounded work: input longer than MAX_LENGTH
    is refused before any parsing)."""
    if not isinstance(raw, str) or len(raw) > MAX_LENGTH:
        return None
    text = "".join(" " if char.isspace() else char for char in raw)
    match = _SHAPE.fullmatch(text.translate(_MINUS).strip())
    if match is None or (match["sign1"] and match["sign2"]):
        return None
    readings = _read_body(re.sub(" +", " ", match["body"]))
    if readings is None:
        return None
    sign = "-" if "-" in (match["sign1"] or "", match["sign2"] or "") else ""
    first, other = readings
    if match["rp"] or match["rupiah"]:  # rule 6: rupiah are written the Indonesian way
        other = None
    return NumberReading(
        Decimal(sign + first), Decimal(sign + other) if other is not None else None
    )


def number_parse(raw: str) -> Decimal | None:
    """The first reading of `raw` (see `number_read`), or None."""
    reading = number_read(raw)
    return reading.value if reading is not None else None


def _digits(text: str) -> bool:
    return _DIGITS.fullmatch(text) is not None


def _grouped(groups: list[str]) -> bool:
    """Whether `groups` are a thousands grouping (rule 2)."""
    first, rest = groups[0], groups[1:]
    return (
        bool(rest)
        and _digits(first)
        and len(first) <= 3
        and not first.startswith("0")
        and all(len(group) == 3 and _digits(group) for group in rest)
    )


def _plain(whole: str, fraction: str) -> str | None:
    """`whole.fraction` as a plain decimal string, if both are digits (an
    empty whole part is 0) and the digits are few enough."""
    if not _digits(fraction) or (whole and not _digits(whole)):
        return None
    if len(whole) + len(fraction) > MAX_DIGITS:
        return None
    return f"{whole or '0'}.{fraction}"


def _read_body(body: str) -> tuple[str, str | None] | None:
    """The readings of the digits-and-separators part (rules 2-6), as plain
    decimal strings; None if it is not a number."""
    marks = [char for char in body if char in ".,"]
    if " " in body:  # rule 5
        if len(marks) > 1:
            return None
        whole, _sign, fraction = body.partition(marks[0]) if marks else (body, "", "")
        groups = whole.split(" ")
        if not _grouped(groups):
            return None
        if not marks:
            return _integer("".join(groups))
        plain = _plain("".join(groups), fraction)
        return (plain, None) if plain else None
    if not marks:
        return _integer(body)
    if len(set(marks)) == 2:  # rule 3
        decimal = "." if body.rfind(".") > body.rfind(",") else ","
        thousands = "," if decimal == "." else "."
        if body.count(decimal) != 1:
            return None
        whole, _sign, fraction = body.partition(decimal)
        groups = whole.split(thousands)
        plain = _plain("".join(groups), fraction) if _grouped(groups) else None
        return (plain, None) if plain else None
    mark = marks[0]
    groups = body.split(mark)
    if len(groups) > 2:  # rule 4
        return _integer("".join(groups)) if _grouped(groups) else None
    whole, fraction = groups  # rule 6
    decimal = _plain(whole, fraction)
    if decimal is None:
        return None
    if not _grouped(groups):
        return decimal, None
    thousands = whole + fraction
    return (thousands, decimal) if mark == "." else (decimal, thousands)


def _integer(digits: str) -> tuple[str, None] | None:
    if not _digits(digits) or len(digits) > MAX_DIGITS:
        return None
    return digits, None


# -- showing numbers -----------------------------------------------------


def number_format(value: Decimal) -> str:
    """`value` in Indonesian notation: dot groups thousands, comma is the
    decimal sign, no trailing zeros (`Decimal("15000.50")` -> "15.000,5",
    `Decimal("-0.125")` -> "-0,125")."""
    if not value.is_finite():
        return str(value)
    if value == value.to_integral_value():
        text = f"{value.quantize(Decimal(1)):,f}"
    else:
        text = f"{value.normalize():,f}"
    text = text.translate(str.maketrans({",": ".", ".": ","}))
    return "0" if text in ("-0", "0") else text


def number_words(value: Decimal) -> str:
    """`value` in Indonesian words ("seribu dua ratus lima puluh"); "" if it
    cannot be said (too large)."""
    from num2words import num2words

    try:
        if value == value.to_integral_value():
            return num2words(int(value), lang="id")
        return num2words(value.normalize(), lang="id")
    except (OverflowError, ValueError, ArithmeticError, TypeError):
        return ""
