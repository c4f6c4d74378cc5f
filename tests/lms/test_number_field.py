"""lms.common.forms.NumberField: the staff number rule in one field."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from lms.common.forms import NumberField, NumberText, number_shown


def _clean(field, raw, shown=""):
    return field.clean(NumberText(raw, shown))


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("1.250", 1250),  # 1,25 is no whole number
        ("15.000", 15000),  # not 15 written with decimals
        ("Rp 15.000,-", 15000),
        ("2,500", 2500),  # 2,5 is no whole number
        ("7,0", 7),
        ("1.250.000", 1250000),
    ],
)
def test_a_whole_number_field_takes_the_reading_it_can_hold(raw, value):
    assert _clean(NumberField(whole=True), raw) == value


@pytest.mark.parametrize(
    ("raw", "value"),
    [("5,5", "5.5"), ("0.125", "0.125"), ("0.500", "0.5"), ("15.000,50", "15000.5")],
)
def test_a_decimal_field_reads_unambiguous_notations_at_once(raw, value):
    assert _clean(NumberField(decimal_places=7, max_digits=15), raw) == Decimal(value)


@pytest.mark.parametrize(("raw", "first"), [("5.500", "5500"), ("2,500", "2.5")])
def test_two_readings_are_asked_once_then_the_indonesian_one_is_kept(raw, first):
    field = NumberField(decimal_places=7, max_digits=15)
    with translation.override("id"), pytest.raises(ValidationError) as asked:
        _clean(field, raw)
    assert asked.value.code == "ambiguous"
    assert "Simpan lagi" in asked.value.messages[0]
    assert _clean(field, raw, shown=raw) == Decimal(first)


def test_a_reading_with_too_many_decimals_for_the_column_is_no_reading():
    """Two decimal places: `1,125` can only be 1125."""
    assert _clean(NumberField(decimal_places=2, max_digits=6), "1,125") == 1125


def test_bounds_are_checked_on_the_reading_taken_and_shown_the_indonesian_way():
    field = NumberField(whole=True, min_value=0, max_value=10080)
    with translation.override("id"), pytest.raises(ValidationError) as refused:
        _clean(field, "10.500")
    assert refused.value.messages == [
        "Pastikan nilai ini lebih kecil dari atau sama dengan 10.080."
    ]


@pytest.mark.parametrize("raw", ["abc", "1e3", "1,2,3", "--5", "2,5"])
def test_what_is_not_a_whole_number_is_refused_with_an_example(raw):
    with translation.override("id"), pytest.raises(ValidationError) as refused:
        _clean(NumberField(whole=True), raw)
    assert refused.value.messages[0].startswith("Tulis ")


def test_empty_is_none_when_not_required():
    assert _clean(NumberField(required=False), "  ") is None


@given(
    st.decimals(
        min_value=Decimal("-99999999"),
        max_value=Decimal("99999999"),
        places=7,
        allow_nan=False,
        allow_infinity=False,
    )
)
def test_a_stored_number_saved_as_shown_comes_back_the_same(value):
    """What the form shows (`number_shown`) reads back as the stored number
    without asking: saving a form unchanged changes nothing."""
    field = NumberField(decimal_places=7, max_digits=15)
    shown = number_shown(value)
    assert _clean(field, shown, shown=shown) == value
    assert not field.has_changed(value, NumberText(shown, shown))
