"""Moved to `lms.common.forms`: this path re-exports
it for the code that still imports it from here."""

from lms.common.forms import *  # noqa: F403
from lms.common.forms import (  # noqa: F401
    SHOWN_SUFFIX,
    NumberField,
    NumberFieldsMixin,
    NumberInput,
    NumberText,
    number_field_override,
    number_shown,
    number_unambiguous,
    register_number_fields,
)
