"""Moved to `lms.common.converters`: this path re-exports
it for the code that still imports it from here."""

from lms.common.converters import *  # noqa: F403
from lms.common.converters import (  # noqa: F401
    ID_MAX,
    DatabaseIdConverter,
)
