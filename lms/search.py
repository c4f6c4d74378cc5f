"""Moved to `lms.common.search`: this path re-exports
it for the code that still imports it from here."""

from lms.common.search import *  # noqa: F403
from lms.common.search import (  # noqa: F401
    MAX_QUERY_CHARS,
    MAX_QUERY_TERMS,
    BoundedSearchMixin,
    SearchBackend,
    query_bounded,
)
