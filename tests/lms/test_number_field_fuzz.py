"""NumberField under hostile input (NUL, Arabic-Indic and fullwidth digits,
superscripts, fractions, Infinity/NaN, exponents, 200,000 digits): it only
ever refuses with a message, never raises anything else, never takes a
non-finite number, and what it keeps, shown back and saved again, is the
same number."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lms.common.forms import NumberField, NumberText

CONFIGS = [
    {"whole": True},
    {"whole": True, "min_value": 0, "max_value": 2147483647},
    {"max_digits": 30, "decimal_places": 15},
    {"max_digits": 5, "decimal_places": 2},
    {},
]
_PIECES = st.sampled_from(
    [
        *"0123456789.,-+ eE\x00\u00a0_",
        "\u0663",  # ARABIC-INDIC DIGIT THREE
        "\u0661\u0662\u0663",
        "\uff12",  # FULLWIDTH DIGIT TWO
        "\U0001d7d7",  # MATHEMATICAL BOLD DIGIT NINE
        "\u00b2",
        "\u00bd",
        "Infinity",
        "NaN",
        "sNaN",
        "inf",
        "1e999999",
        "9" * 300,
    ]
)
TEXTS = st.one_of(st.text(), st.lists(_PIECES, max_size=30).map("".join))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=TEXTS, config=st.sampled_from(CONFIGS))
def test_any_text_is_refused_or_kept_as_the_number_shown(raw, config):
    field = NumberField(required=False, **config)
    with translation.override("id"):
        try:
            value = field.clean(NumberText(raw, raw))
        except ValidationError:
            return
        if value is None:
            return
        if isinstance(value, Decimal):
            assert value.is_finite()
        shown = field.widget.format_value(value)
        assert set(shown) <= set("0123456789.,-")
        assert field.clean(NumberText(shown, shown)) == value


@pytest.mark.parametrize(
    "raw", ["9" * 200_000, "1" + ".000" * 50_000, "1," + "0" * 200_000, "1e999999999"]
)
@pytest.mark.parametrize("config", CONFIGS)
def test_huge_input_is_refused(raw, config):
    with pytest.raises(ValidationError):
        NumberField(**config).clean(NumberText(raw, raw))
