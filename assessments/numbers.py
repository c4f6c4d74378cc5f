"""Moved to `lms.common.numbers`: this path re-exports
it for the code that still imports it from here."""

from lms.common.numbers import *  # noqa: F403
from lms.common.numbers import (  # noqa: F401
    MAX_DIGITS,
    MAX_LENGTH,
    NumberReading,
    number_format,
    number_parse,
    number_read,
    number_words,
)
