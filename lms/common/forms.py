"""The one form field for numbers staff type: answer keys, tolerances,
credits, points, marks, pass marks, limits, accommodations, cohort
settings, prices. Every Wagtail model form gets it for every integer,
decimal and float model field (`register_number_fields`, called from
`LmsConfig.ready`); Sinau's own Django forms declare it.

Reading (docs/trainers.md, "Number reading"): the trainees' rule, `number_read`, so
`5.500` is 5500, `5,5` is 5.5 and `Rp 15.000,-` is 15000. A notation with
two readings (`1.250`: 1250 or 1.25) keeps only the readings the field can
hold: a whole number for a whole-number field (and, of two whole
readings, the one written without decimals: `15.000` is 15000), no more
decimal places and digits than the column keeps, within the field's
bounds. If both readings remain, the first save is refused with a message
that shows both readings, in figures and words, and how to write the
other one unambiguously; saving the same text again keeps the Indonesian
reading (`5.500` = 5500). The widget carries the text it showed in a
hidden input (`<name>-shown`) so the field knows the text was seen: a form
saved unchanged never asks (stored numbers are shown the Indonesian way,
which reads back as the same number).

Showing: `number_format`, the Indonesian way without trailing zeros
(`5.500`, `2,5`). Input: `<input type="text" inputmode="decimal">`, never
`type=number`, whose browsers read `5.500` as 5.5 in an Indonesian locale.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import (
    DecimalValidator,
    MaxValueValidator,
    MinValueValidator,
)
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .numbers import NumberReading, number_format, number_read, number_words

SHOWN_SUFFIX = "-shown"


class NumberText(str):
    """The text typed into a number field, with the text the form had shown
    in it (`shown`, "" if none)."""

    shown: str = ""

    def __new__(cls, raw: str, shown: str = ""):
        text = super().__new__(cls, raw)
        text.shown = shown
        return text


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return number if number.is_finite() else None


def number_shown(value) -> str:
    """A stored number as the form shows it (`number_format`): `5.500` for
    5500, `2,5` for 2.5; text (what was typed) is shown as typed."""
    if isinstance(value, str):
        return value
    number = _decimal(value)
    return "" if number is None else number_format(number)


def number_unambiguous(value: Decimal) -> str:
    """`value` written so that the reading rule gives only `value`: its
    Indonesian notation when that has one reading, else `2500` for 2500 and
    `1,1250` for 1.125."""
    text = number_format(value)
    reading = number_read(text)
    if reading is not None and reading.other is None:
        return text
    if value == value.to_integral_value():
        return str(int(value))
    return text + "0"


def _said(value: Decimal) -> str:
    words = number_words(value)
    return f"{number_format(value)} ({words})" if words else number_format(value)


class NumberInput(forms.TextInput):
    """A text input for a number (`inputmode="decimal"`: the phone keyboard
    with digits, `,` and `.`), showing numbers the Indonesian way. Renders
    a hidden `<name>-shown` input with the text it shows, and, when that
    text has two readings the field could hold, which one is used."""

    input_type = "text"

    def __init__(self, attrs=None):
        super().__init__(
            {"inputmode": "decimal", "autocomplete": "off", **(attrs or {})}
        )
        self.field = None  # the NumberField, set by it: its readings

    def format_value(self, value):
        return number_shown(value) or None

    def value_from_datadict(self, data, files, name):
        raw = data.get(name)
        if raw is None:
            return None
        return NumberText(raw, data.get(name + SHOWN_SUFFIX) or "")

    def value_omitted_from_data(self, data, files, name):
        return name not in data

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        note = self._reading_note(value)
        if note:
            note_id = f"{context['widget']['attrs'].get('id') or name}-reading"
            described = context["widget"]["attrs"].get("aria-describedby", "")
            context["widget"]["attrs"]["aria-describedby"] = " ".join(
                part for part in (described, note_id) if part
            )
            context["widget"]["reading"] = (note_id, note)
        return context

    def _reading_note(self, value) -> str:
        if self.field is None:
            return ""
        text = number_shown(value)
        readings = self.field.readings(text) if text else ()
        if len(readings) != 2:
            return ""
        first, other = readings
        return _("Read as %(first)s. For %(other)s, write %(clear)s.") % {
            "first": _said(first),
            "other": _said(other),
            "clear": number_unambiguous(other),
        }

    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)
        html = self._render(self.template_name, context, renderer)
        shown = number_shown(value) if value is not None else ""
        html += format_html(
            '<input type="hidden" name="{}" value="{}">', name + SHOWN_SUFFIX, shown
        )
        reading = context["widget"].get("reading")
        if reading:
            html += format_html(
                '<p class="help number-reading" id="{}">{}</p>', *reading
            )
        return html


class NumberField(forms.Field):
    """A number typed by staff, read by the trainees' rule (see the module
    docstring). Cleans to an int (`whole=True`) or a Decimal without
    trailing zeros; None when empty and not required.

    `whole`: only whole numbers. `max_digits`, `decimal_places`: the
    column's (as `forms.DecimalField`). `min_value`, `max_value`: bounds.
    Raises ValidationError with codes "invalid" (not a number), "whole",
    "ambiguous" (two readings fit: refused once), and the validators' own
    (bounds, digits), whose numbers are shown the Indonesian way."""

    widget = NumberInput
    default_error_messages = {
        "invalid": _("Write a number, for example 2,5 or 15.000."),
        "whole": _("Write a whole number, for example 15 or 1.250."),
        "ambiguous": _(
            "“%(raw)s” can mean %(first)s or %(other)s. Save again to use "
            "%(first)s; for %(other)s, write %(clear)s."
        ),
    }

    def __init__(
        self,
        *,
        whole: bool = False,
        max_digits: int | None = None,
        decimal_places: int | None = None,
        min_value=None,
        max_value=None,
        **kwargs,
    ):
        for name in ("localize", "step_size", "max_length", "empty_value"):
            kwargs.pop(name, None)
        self.whole = whole
        self.max_digits = max_digits
        self.decimal_places = 0 if whole else decimal_places
        super().__init__(**kwargs)
        if min_value is not None:
            self.validators.append(MinValueValidator(min_value))
        if max_value is not None:
            self.validators.append(MaxValueValidator(max_value))
        if max_digits is not None and not whole:
            self.validators.append(DecimalValidator(max_digits, decimal_places))
        self.widget.field = self

    def __deepcopy__(self, memo):
        field = super().__deepcopy__(memo)
        field.widget.field = field
        return field

    # -- reading --------------------------------------------------------

    def fits(self, value: Decimal) -> bool:
        """Whether `value` is of the field's kind: whole if it must be, and
        within the column's decimal places and digits. (Bounds are checked
        on the reading taken, so an out-of-range entry is refused rather
        than read another way.)"""
        integral = value == value.to_integral_value()
        if self.whole and not integral:
            return False
        places = 0 if integral else max(0, -value.normalize().as_tuple().exponent)
        if self.decimal_places is not None and places > self.decimal_places:
            return False
        if self.max_digits is None:
            return True
        whole_digits = len(str(abs(int(value)))) if int(value) else 0
        return whole_digits <= self.max_digits - (self.decimal_places or 0)

    def readings(self, raw: str) -> tuple[Decimal, ...]:
        """The readings of `raw` of the field's kind, the Indonesian one
        first; () when `raw` is not a number or no reading is. In a
        whole-number field, `15.000` is 15000 only: its other reading is
        15 written with decimals."""
        reading = number_read(raw)
        if reading is None:
            return ()
        fitting = tuple(value for value in reading.readings if self.fits(value))
        if (
            self.whole
            and len(fitting) == 2
            and _written_whole(fitting[0])
            and not _written_whole(fitting[1])
        ):
            return fitting[:1]
        return fitting

    def _read(self, raw: str) -> tuple[NumberReading, tuple[Decimal, ...]]:
        reading = number_read(raw)
        if reading is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return reading, self.readings(raw)

    def to_python(self, value):
        """The number `value` means: the first reading the field can hold
        (the first reading at all if none can, for the validators to
        refuse). Stored values (int, Decimal) pass through."""
        if isinstance(value, str):
            value = value.strip()
        if value in self.empty_values:
            return None
        if not isinstance(value, str):
            number = _decimal(value)
            if number is None:
                raise ValidationError(self.error_messages["invalid"], code="invalid")
            return self._typed(number)
        reading, fitting = self._read(value)
        return self._typed(fitting[0] if fitting else reading.value)

    def _typed(self, number: Decimal):
        if self.whole:
            if number != number.to_integral_value():
                raise ValidationError(self.error_messages["whole"], code="whole")
            return int(number)
        if number == number.to_integral_value():
            return number.quantize(Decimal(1))
        return number.normalize()

    def clean(self, value):
        number = self.to_python(value)
        if isinstance(value, str) and value.strip():
            raw = value.strip()
            fitting = self.readings(raw)
            shown = getattr(value, "shown", "").strip()
            if len(fitting) == 2 and shown != raw:
                first, other = fitting
                raise ValidationError(
                    self.error_messages["ambiguous"],
                    code="ambiguous",
                    params={
                        "raw": raw,
                        "first": _said(first),
                        "other": _said(other),
                        "clear": number_unambiguous(other),
                    },
                )
        self.validate(number)
        self.run_validators(number)
        return number

    def run_validators(self, value):
        try:
            super().run_validators(value)
        except ValidationError as error:
            raise ValidationError(
                [_indonesian_params(item) for item in error.error_list]
            ) from error

    def has_changed(self, initial, data):
        try:
            return self.to_python(data) != self.to_python(initial)
        except ValidationError:
            return True


def _written_whole(value: Decimal) -> bool:
    """Read from a notation without decimals (`15000`, not `15.000`)."""
    return value.as_tuple().exponent >= 0


# Message parameters that are numbers typed or bounded, not counts that
# choose a plural form (DecimalValidator's `max` digits).
_SHOWN_PARAMS = ("limit_value", "show_value", "value")


def _indonesian_params(error: ValidationError) -> ValidationError:
    """`error` with the numbers in its message parameters shown the
    Indonesian way ("at most 10.080", not "10080")."""
    if not error.params:
        return error
    params = dict(error.params)
    for key in _SHOWN_PARAMS:
        value = params.get(key)
        if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            params[key] = number_format(Decimal(str(value)))
    return ValidationError(error.message, code=error.code, params=params)


def number_field_override(db_field) -> dict:
    """The form field arguments for a model number field (Wagtail's
    `register_form_field_override`): NumberField, whole for integer fields,
    with the bounds of the model field's validators."""
    from django.db import models

    whole = not isinstance(db_field, models.DecimalField | models.FloatField)
    bounds: dict = {}
    for validator in db_field.validators:
        if isinstance(validator, MinValueValidator) and not callable(
            validator.limit_value
        ):
            bounds["min_value"] = max(
                bounds.get("min_value", validator.limit_value), validator.limit_value
            )
        if isinstance(validator, MaxValueValidator) and not callable(
            validator.limit_value
        ):
            bounds["max_value"] = min(
                bounds.get("max_value", validator.limit_value), validator.limit_value
            )
    return {"form_class": NumberField, "whole": whole, **bounds}


def register_number_fields() -> None:
    """Make NumberField the form field of every integer, decimal and float
    model field in Wagtail's model forms (pages, snippets, ModelViewSets,
    settings, and their inline panels)."""
    from django.db import models
    from wagtail.admin.forms.models import register_form_field_override

    for db_field_class in (models.IntegerField, models.DecimalField, models.FloatField):
        register_form_field_override(db_field_class, override=number_field_override)


class NumberFieldsMixin:
    """For a Wagtail ModelViewSet whose form is built from `form_fields`:
    Wagtail builds that form with the model fields' own form fields,
    without its form field overrides, so number fields get NumberField
    here."""

    def formfield_for_dbfield(self, db_field, **kwargs):
        from django.db import models

        numeric = models.IntegerField | models.DecimalField | models.FloatField
        if isinstance(db_field, numeric) and not db_field.choices:
            kwargs = {**number_field_override(db_field), **kwargs}
        return super().formfield_for_dbfield(db_field, **kwargs)
