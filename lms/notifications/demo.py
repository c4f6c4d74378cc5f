"""The demo programme's messages (`load_initial_data`): its trainees have
said yes to WhatsApp and SMS (source "seed"), so `make run` with a channel
configured shows the whole path, and the demo trainee has a message waiting
in the header. Idempotent: consents are set, the welcome has one key."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from lms.common.addresses import public_url

from .channels.base import Message
from .models import Channel, Notification
from .services import consent_set, notify


def demo_notifications_ensure(*, trainees, welcome) -> Notification | None:
    """Record a yes to WhatsApp and SMS for each of `trainees` that has a
    phone, and send `welcome` (the demo trainee) one announcement (key
    `demo:welcome`). Returns the welcome notification."""
    for user in trainees:
        if user.phone:
            for channel in (Channel.WHATSAPP, Channel.SMS):
                consent_set(user=user, channel=channel, allowed=True, source="seed")
    with translation.override(welcome.preferred_language or settings.LANGUAGE_CODE):
        url = public_url(reverse("notifications:channels"))
        name = welcome.get_short_name()
        body = _(
            "Hello %(name)s, welcome to Sinau! Messages from Sinau and your "
            "trainers arrive here, and by WhatsApp or SMS if you want. Choose "
            "how on this page: %(url)s"
        ) % {"name": name, "url": url}
        message = Message(
            subject=_("Welcome to Sinau"),
            body=body,
            url=url,
            template="announcement",
            params=("Sinau", body[:200], url),
            short=body[:320],
        )
    return notify(
        user=welcome,
        kind=Notification.Kind.ANNOUNCEMENT,
        key="demo:welcome",
        message=message,
    )
