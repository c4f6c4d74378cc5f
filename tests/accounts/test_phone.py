import pytest
from django.core.exceptions import ValidationError

from lms.accounts.phone import phone_normalize


@pytest.mark.parametrize(
    "raw",
    [
        "081234567890",
        "0812-3456-7890",
        "0812 3456 7890",
        "+6281234567890",
        "+62 812 3456 7890",
        "6281234567890",
        " 081234567890 ",
    ],
)
def test_indonesian_numbers_normalize_to_e164(raw):
    assert phone_normalize(raw) == "+6281234567890"


@pytest.mark.parametrize(
    "raw", ["", "12", "0812", "abc", "+62 000", "08123456789012345"]
)
def test_invalid_numbers_are_refused(raw):
    with pytest.raises(ValidationError) as info:
        phone_normalize(raw)
    assert info.value.code == "invalid_phone"


def test_foreign_numbers_keep_their_country():
    assert phone_normalize("+60 12-345 6789") == "+60123456789"
