"""Moved to `lms.common.limits`: this path re-exports
it for the code that still imports it from here."""

from lms.common.limits import *  # noqa: F403
from lms.common.limits import (  # noqa: F401
    ATTEMPTS_MAX,
    DAYS_MAX,
    INT_MAX,
    LESSON_MINUTES_MAX,
    MINUTES_MAX,
    PRICE_MAX,
    QUESTIONS_MAX,
    SMALL_MAX,
    at_most,
)
