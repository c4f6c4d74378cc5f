"""The sender interface every channel implements, and the errors it raises."""

from dataclasses import dataclass, field

from django.conf import settings


class ChannelError(Exception):
    """The channel refused this message for good (a bad number, a stopped
    person, a template the provider rejects): the next rung is tried."""


class ChannelDown(Exception):
    """The channel could not be reached (connection refused, timeout, HTTP
    5xx, 429): the send is retried later, then the next rung is tried."""


@dataclass(frozen=True)
class Message:
    """What a notification says, in the person's language, for every
    channel at once.

    - `subject`: one line (≤ 200 characters): the in-Sinau title, the email
      subject, the push title.
    - `body`: plain text (≤ 4,000 characters): the in-Sinau text, the email
      body, the push body, the text of a `wa.me` link.
    - `url`: an absolute link into Sinau (may be empty).
    - `template`, `params`: the WhatsApp template name and its body
      parameters `{{1}}`…, in order (docs/whatsapp-templates.md). Empty
      template: WhatsApp is not used for this message.
    - `short`: the SMS text (≤ 320 characters, two GSM-7 parts); empty:
      the subject and the link.
    """

    subject: str
    body: str
    url: str = ""
    template: str = ""
    params: tuple[str, ...] = field(default_factory=tuple)
    short: str = ""

    def sms_text(self) -> str:
        text = self.short or " ".join(p for p in (self.subject, self.url) if p)
        return text[:320]


class Sender:
    """One channel. Subclasses set `channel` (a `models.Channel` value) and
    implement `configured`, `address` and `send`."""

    channel: str = ""

    def configured(self) -> bool:
        """True when the channel's settings are present."""
        raise NotImplementedError

    def takes(self, message) -> bool:
        """Whether this channel can carry `message` (a `Message` or a
        `Notification`: both have subject, body, url, template, short).
        WhatsApp, for one, needs a template."""
        return True

    def address(self, *, user, allowed: dict[str, bool]) -> str | None:
        """Where to reach `user` on this channel (a phone number, an email
        address, a subscription count), or None when they cannot or did not
        agree to be reached here. `allowed` maps channel -> the person's
        recorded choice (absent: no choice recorded)."""
        raise NotImplementedError

    def send(self, *, notification, address: str) -> str:
        """Send `notification` to `address`. Returns the provider's message
        id ('' when it gives none). Raises ChannelError (refused for good)
        or ChannelDown (try again later)."""
        raise NotImplementedError

    def rate(self) -> int:
        """The estimated cost of one message, in rupiah
        (`settings.SINAU_NOTIFICATION_RATES`)."""
        return int(settings.SINAU_NOTIFICATION_RATES.get(self.channel, 0))
