"""Moved to `lms.common.storage`. This path stays: migrations name
`lms.storage.private_storage` (the same function object, so
`makemigrations` sees no change)."""

from lms.common.storage import *  # noqa: F403
from lms.common.storage import (  # noqa: F401
    PrivateFileSystemStorage,
    private_storage,
)
