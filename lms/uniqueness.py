"""Moved to `lms.common.uniqueness`: this path re-exports
it for the code that still imports it from here."""

from lms.common.uniqueness import *  # noqa: F403
from lms.common.uniqueness import (  # noqa: F401
    constraint_message,
    duplicate_rows_message,
    install,
)
