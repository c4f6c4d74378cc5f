"""Indonesian phone numbers: accept what people type, store E.164."""

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

INVALID_PHONE = _(
    "Enter a valid Indonesian mobile number, for example 0812 3456 7890 "
    "or +62 812 3456 7890."
)


def phone_normalize(raw: str) -> str:
    """Return `raw` as E.164 (`+6281234567890`).

    Accepts `0812…`, `62812…`, `+62 812-…` and numbers from other countries
    written with their `+` prefix. Raises `ValidationError` for anything that
    is not a valid number.
    """
    text = (raw or "").strip()
    if text.startswith("62") and not text.startswith("+"):
        text = "+" + text
    try:
        number = phonenumbers.parse(text, "ID")
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(INVALID_PHONE, code="invalid_phone") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(INVALID_PHONE, code="invalid_phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class PhoneField(forms.CharField):
    """A form field that cleans to E.164."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("label", _("Phone number"))
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}
            ),
        )
        kwargs.setdefault("help_text", _("For example 0812 3456 7890."))
        kwargs.setdefault("max_length", 24)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        return phone_normalize(value) if value else value
