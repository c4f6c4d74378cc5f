"""Upper bounds for numbers people type into forms, and the columns'
own ranges for numbers the server counts. Every integer model field names
one in a `MaxValueValidator` (tests/lms/test_number_limits.py walks the
models), so a value the admin accepts is one the arithmetic can use:
SQLite does not range-check small integer columns, and an unbounded number
of minutes overflows `timedelta` when a quiz starts."""

from django.core.validators import MaxValueValidator, MinValueValidator

MINUTES_MAX = 10_080  # a week: time limits, extra minutes
LESSON_MINUTES_MAX = 1_440  # a day: one lesson's estimate
ATTEMPTS_MAX = 100  # maximum and extra attempts
QUESTIONS_MAX = 500  # random questions drawn per attempt
DAYS_MAX = 365  # reminder and at-risk thresholds
PRICE_MAX = 1_000_000_000  # whole rupiah
SMALL_MAX = 32_767  # PositiveSmallIntegerField on PostgreSQL
INT_MAX = 2_147_483_647  # PositiveIntegerField on PostgreSQL


def at_most(limit: int) -> list:
    """Validators for a whole number between 0 and `limit`."""
    return [MinValueValidator(0), MaxValueValidator(limit)]
