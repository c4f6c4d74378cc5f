"""Moved to `lms.common.http`: this path re-exports
it for the code that still imports it from here."""

from lms.common.http import *  # noqa: F403
from lms.common.http import (  # noqa: F401
    client_ip,
    client_network,
    no_compression,
    reaches_admin,
    redirect_back,
    whole_number,
)
