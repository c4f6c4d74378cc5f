"""Moved to `lms.common.broker`: this path re-exports
it for the code that still imports it from here."""

from lms.common.broker import *  # noqa: F403
from lms.common.broker import (  # noqa: F401
    Channel,
    Transport,
)
