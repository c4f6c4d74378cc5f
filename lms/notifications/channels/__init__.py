"""The channels that carry a notification outside Sinau. Each is a class
with the interface of `base.Sender`, named in
`settings.SINAU_NOTIFICATION_SENDERS`; the ladder (the order they are tried
in) is `settings.SINAU_NOTIFICATION_LADDER`. A channel is on when its
settings are present (`Sender.configured`)."""

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from .base import Sender


@cache
def _senders() -> dict[str, Sender]:
    return {
        name: import_string(path)()
        for name, path in settings.SINAU_NOTIFICATION_SENDERS.items()
    }


def sender_get(name: str) -> Sender | None:
    """The sender for channel `name`, or None when no such channel."""
    return _senders().get(name)


def ladder() -> list[Sender]:
    """The configured senders in the order they are tried (the by-hand
    rung last, when enabled). A ladder name with no sender is skipped."""
    senders = [_senders().get(n) for n in settings.SINAU_NOTIFICATION_LADDER]
    return [s for s in senders if s is not None and s.configured()]


def senders_reset() -> None:
    """Forget the built senders (tests that change settings call this)."""
    _senders.cache_clear()
