"""Send by hand: the last rung. A trainer or manager sees the message as a
`wa.me` link with the text filled in, sends it from their own WhatsApp and
marks it sent (cost: nothing). Used when no paid channel reached the
person."""

from django.conf import settings

from ..models import Channel
from .base import Sender


class HandSender(Sender):
    channel = Channel.HAND

    def configured(self) -> bool:
        return bool(settings.SINAU_NOTIFICATION_BY_HAND)

    def address(self, *, user, allowed: dict[str, bool]) -> str | None:
        """The phone number, unless the person stopped WhatsApp."""
        if allowed.get(Channel.WHATSAPP) is False or allowed.get(self.channel) is False:
            return None
        return user.phone or None

    def send(self, *, notification, address: str) -> str:
        return ""  # nothing leaves Sinau: the delivery waits in the by-hand list
