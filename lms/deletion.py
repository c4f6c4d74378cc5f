"""Moved to `lms.common.deletion`: this path re-exports
it for the code that still imports it from here."""

from lms.common.deletion import *  # noqa: F403
from lms.common.deletion import (  # noqa: F401
    deletion_blockers,
    deletion_refusal,
)
