"""Show numbers as Indonesian trainees read them: `{% load angka %}`."""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.translation import gettext

from assessments.kinds.base import fraction
from assessments.kinds.numeric import numeric_answers
from lms.common.numbers import number_format, number_words

register = template.Library()


def _decimal(value) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return number if number.is_finite() else None


@register.filter
def angka(value) -> str:
    """A stored number ("1250.5") in Indonesian notation ("1.250,5"); the
    value unchanged if it is not a number."""
    number = _decimal(value)
    return number_format(number) if number is not None else str(value)


@register.filter
def angka_kata(value) -> str:
    """A stored number in Indonesian words ("seribu dua ratus lima puluh
    koma lima"); "" if it is not a number."""
    number = _decimal(value)
    return number_words(number) if number is not None else ""


@register.filter
def kunci_angka(snapshot) -> str:
    """The full-credit numbers of a numeric question's snapshot, the
    Indonesian way, with their tolerance and unit: "5.500 rupiah",
    "2,5 ± 0,05" ("atau" between several)."""
    unit = (snapshot or {}).get("unit") or ""
    shown = []
    for row in numeric_answers(snapshot or {}):
        if fraction(row) != 100:
            continue
        text = angka(row.get("number"))
        tolerance = _decimal(row.get("tolerance"))
        if tolerance:
            text += f" ± {number_format(tolerance)}"
        shown.append(f"{text} {unit}" if unit else text)
    return f" {gettext('or')} ".join(shown)
