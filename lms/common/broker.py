"""Kombu's filesystem transport (the embedded default broker), with atomic
writes.

Stock kombu writes a message file in place, so a worker polling the folder
can pick up a file that is still empty and die on the JSON error (seen with
the worker and the web process enqueueing at the same moment). Here a
message is written under a name the reader ignores and then renamed, which
POSIX makes atomic. Used via CELERY_BROKER_TRANSPORT when REDIS_URL is unset.
"""

import os
import uuid
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        """Put `payload` onto `queue`: write `.tmp-<name>` (which `_get`
        skips: its text after the first dot is not `<queue>.msg`), then
        rename it to `<name>`."""
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        temporary = os.path.join(self.data_folder_out, f".tmp-{name}")
        try:
            with open(temporary, "wb") as handle:
                handle.write(str_to_bytes(dumps(payload)))
            os.replace(temporary, final)
        except OSError as exc:
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel
