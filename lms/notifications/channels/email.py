"""Email, as before: Django's mail backend (SMTP, or a provider through
django-anymail when `ANYMAIL` is configured)."""

from smtplib import SMTPException

from django.core.mail import send_mail

from lms.accounts.selectors import user_email_mailable

from ..models import Channel
from .base import ChannelDown, Sender


class EmailSender(Sender):
    channel = Channel.EMAIL

    def configured(self) -> bool:
        return True

    def address(self, *, user, allowed: dict[str, bool]) -> str | None:
        """The address the person gave or confirmed (`user_email_mailable`),
        unless they stopped email."""
        if allowed.get(self.channel) is False:
            return None
        return user_email_mailable(user=user)

    def send(self, *, notification, address: str) -> str:
        body = notification.body
        if notification.url and notification.url not in body:
            body = f"{body}\n\n{notification.url}"
        try:
            send_mail(notification.subject, body, None, [address])
        except (SMTPException, OSError) as exc:
            raise ChannelDown(str(exc)) from exc
        return ""
