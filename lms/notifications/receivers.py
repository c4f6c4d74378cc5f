"""Receivers of the signals of the layers below (lms.accounts), which may
not import this app. Each calls one service."""

import hashlib

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from .channels.base import Message
from .models import Notification
from .services import notify


def password_link_notify(sender, *, user, created_by, url: str, **kwargs):
    """`lms.accounts.signals.password_link_made`: send the trainee their
    one-time password link, urgent (quiet hours do not hold it: it expires
    after SINAU_PASSWORD_LINK_HOURS). One notification per link (key
    `password_link:<hash of the link>`). WhatsApp template `password_link`:
    {{1}} name, {{2}} hours the link works, {{3}} the link."""
    hours = settings.SINAU_PASSWORD_LINK_HOURS
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        name = user.get_short_name()
        values = {"name": name, "url": url, "hours": hours}
        message = Message(
            subject=_("Your link to set a new password"),
            body=_(
                "Hello %(name)s, this is your link to set a new password for "
                "Sinau. It works once and for %(hours)s hours: %(url)s "
                "Then log in with your phone number and the new password."
            )
            % values,
            url=url,
            template="password_link",
            params=(name, str(hours), url),
            short=_("Sinau: your link to set a new password (%(hours)s hours): %(url)s")
            % values,
        )
    digest = hashlib.sha256(url.encode()).hexdigest()[:32]
    notify(
        user=user,
        kind=Notification.Kind.PASSWORD_LINK,
        key=f"password_link:{digest}",
        message=message,
        sender=created_by,
        urgent=True,
    )
