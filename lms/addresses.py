"""Moved to `lms.common.addresses`: this path re-exports
it for the code that still imports it from here."""

from lms.common.addresses import *  # noqa: F403
from lms.common.addresses import (  # noqa: F401
    ServedAddressMiddleware,
    _seen,
    is_loopback,
    public_origin,
    public_url,
    recorded_origin,
    request_origin,
    served_origin_record,
)
