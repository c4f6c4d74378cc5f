"""How trainees' numbers are read (lms.common.numbers) and shown (the angka
filters); how the numeric kind grades them is tests/assessments/kinds/test_numeric.py.

Examples from docs/decisions/0003-numbers-read-as-meant.md, then hypothesis properties:
a number written in Indonesian or English notation is read back exactly, and no
string makes the reader raise."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments.templatetags.angka import angka, angka_kata
from lms.common.numbers import (
    MAX_LENGTH,
    number_format,
    number_parse,
    number_read,
    number_words,
)

BOUNDED = settings(max_examples=200, deadline=None)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("0.125", "0.125"),
        ("0.500", "0.5"),
        ("0,500", "0.5"),
        ("01.250", "1.25"),
        (".5", "0.5"),
        (",5", "0.5"),
        ("\u22125", "-5"),  # MINUS SIGN
        ("\u20135", "-5"),  # EN DASH
        ("\uff0d5", "-5"),  # FULLWIDTH HYPHEN-MINUS
        ("Rp 15.000,-", "15000"),
        ("Rp15.000,-", "15000"),
        ("Rp. 15.000", "15000"),
        ("Rp 1.250", "1250"),
        ("15.000 rupiah", "15000"),
        ("-Rp 5.000", "-5000"),
        ("Rp -5.000", "-5000"),
        ("1\u00a0250", "1250"),  # no-break space
        ("1\u2009250,5", "1250.5"),  # thin space
        ("1\u202f250\u202f000", "1250000"),  # narrow no-break space
        ("15.000,50", "15000.5"),
        ("15,000.50", "15000.5"),
        ("1.234.567", "1234567"),
        ("1,234,567", "1234567"),
        ("1234.567", "1234.567"),
        ("12,5%", "12.5"),
        ("+7", "7"),
    ],
)
def test_numbers_are_read_as_meant(raw, value):
    reading = number_read(raw)
    assert reading is not None
    assert reading.value == Decimal(value)
    assert reading.other is None


@pytest.mark.parametrize(
    ("raw", "first", "second"),
    [("1.250", "1250", "1.25"), ("2,500", "2.5", "2500"), ("-1.500", "-1500", "-1.5")],
)
def test_ambiguous_notation_has_the_indonesian_reading_first(raw, first, second):
    reading = number_read(raw)
    assert reading.readings == (Decimal(first), Decimal(second))


@pytest.mark.parametrize(
    "raw",
    [
        "5.",
        "1 2",
        "12 34",
        "1e3",
        "\u0663",  # ARABIC-INDIC DIGIT THREE
        "²",
        "0.500.000",
        "1.250,000.5",
        "1,25.0",
        "--5",
        "-Rp -5",
        "Rp",
        "%",
        ",",
        "1" * 25,
        "1" * (MAX_LENGTH + 1),
        "\x00",
        "5\x00",
        "NaN",
        "Infinity",
    ],
)
def test_not_numbers(raw):
    assert number_read(raw) is None
    assert number_parse(raw) is None


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


@pytest.mark.parametrize(
    ("value", "shown", "words"),
    [
        ("1250", "1.250", "seribu dua ratus lima puluh"),
        ("1.25", "1,25", "satu koma dua lima"),
        ("15000.50", "15.000,5", "lima belas ribu koma lima"),
        ("-5", "-5", "min lima"),
        ("0.500", "0,5", "nol koma lima"),
        ("1E+3", "1.000", "seribu"),
    ],
)
def test_numbers_are_shown_in_indonesian(value, shown, words):
    assert number_format(Decimal(value)) == shown
    assert number_words(Decimal(value)) == words
    assert angka(value) == shown
    assert angka_kata(value) == words


def test_filters_leave_non_numbers_alone():
    assert angka("abc") == "abc"
    assert angka_kata("abc") == ""


# -- properties ------------------------------------------------------------

# Up to 15 digits before the decimal point and 8 after: amounts in rupiah,
# prices, percentages, measurements.
decimals = st.decimals(
    min_value=Decimal("-999999999999999"),
    max_value=Decimal("999999999999999"),
    places=None,
    allow_nan=False,
    allow_infinity=False,
).map(lambda d: d.quantize(Decimal(1).scaleb(max(d.as_tuple().exponent, -8))))


def _group(digits: str, separator: str) -> str:
    head = len(digits) % 3 or 3
    parts = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return separator.join(parts)


def _write(
    value: Decimal, *, decimal: str, thousands: str, prefix: str, suffix: str
) -> str:
    sign = "-" if value < 0 else ""
    whole, _dot, fraction = f"{abs(value):f}".partition(".")
    whole = _group(whole, thousands) if thousands else whole
    body = whole + (decimal + fraction if fraction else "")
    return f"{sign}{prefix}{body}{suffix}"


@BOUNDED
@given(
    value=decimals,
    thousands=st.sampled_from(["", ".", " ", "\u00a0", "\u2009"]),
    prefix=st.sampled_from(["", "Rp", "Rp ", "Rp. ", "IDR "]),
    suffix=st.sampled_from(["", "%", " rupiah"]),
)
def test_indonesian_notation_is_read_back_exactly(value, thousands, prefix, suffix):
    """Dot or space groups thousands, comma is the decimal sign."""
    written = _write(
        value, decimal=",", thousands=thousands, prefix=prefix, suffix=suffix
    )
    reading = number_read(written)
    assert reading is not None, written
    assert reading.value == value, written


@BOUNDED
@given(
    value=decimals,
    thousands=st.sampled_from(["", ",", " "]),
    suffix=st.sampled_from(["", "%"]),
)
def test_english_notation_is_read_back_exactly(value, thousands, suffix):
    """Comma or space groups thousands, dot is the decimal sign. When the
    notation is ambiguous (`1.250`), the English reading is one of the two
    and grading accepts either."""
    written = _write(value, decimal=".", thousands=thousands, prefix="", suffix=suffix)
    reading = number_read(written)
    assert reading is not None, written
    assert value in reading.readings, written
    assert reading.closest_to(value) == value
    if reading.other is None:
        assert reading.value == value, written


@BOUNDED
@given(value=decimals)
def test_shown_numbers_read_back_as_the_same_number(value):
    """What the question page shows ("Dibaca sebagai ...") is itself read
    as the number it stands for."""
    assert number_read(number_format(value)).value == value


@BOUNDED
@given(
    raw=st.one_of(
        st.text(max_size=80),
        st.text(alphabet="0123456789.,-+ %Rpe\u00a0\u2212\x00", max_size=40),
        st.from_regex(r"\A[-+]?[0-9., ]{0,30}(e[0-9]{1,9})?\Z"),
    )
)
def test_reading_any_string_never_raises(raw):
    reading = number_read(raw)
    if reading is not None:
        for value in reading.readings:
            assert value.is_finite()
            assert len(value.as_tuple().digits) <= 24
