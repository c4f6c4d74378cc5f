"""WhatsApp Cloud API template messages, over plain HTTPS.

Send (Cloud API "Send messages", template type):

    POST {SINAU_WHATSAPP_API_URL}/{SINAU_WHATSAPP_PHONE_NUMBER_ID}/messages
    Authorization: Bearer {SINAU_WHATSAPP_TOKEN}
    {"messaging_product": "whatsapp", "recipient_type": "individual",
     "to": "6281311112222", "type": "template",
     "template": {"name": "reminder_inactive", "language": {"code": "id"},
                  "components": [{"type": "body", "parameters": [
                      {"type": "text", "text": "Slamet"}, ...]}]}}

    200 {"messaging_product": "whatsapp", "contacts": [...],
         "messages": [{"id": "wamid.HBg..."}]}        -> provider id
    4xx {"error": {"message": ..., "type": ..., "code": 131026,
                   "error_data": {"details": ...}, "fbtrace_id": ...}}

A template (docs/whatsapp-templates.md) is needed outside the 24-hour
window a person opens by writing first, so this channel takes only
messages that name one. WhatsApp needs the person's explicit yes
(a `ChannelConsent` row with allowed=True).

Receipts and replies come through the webhook (`webhooks.whatsapp_webhook`),
parsed here by `webhook_events`: `entry[].changes[].value.statuses[]`
(sent, delivered, read, failed with `errors[]`) and
`value.messages[]` (a person's reply, for STOP / BERHENTI).
"""

from dataclasses import dataclass, field

from django.conf import settings

from ..models import Channel
from .base import ChannelDown, ChannelError, Sender
from .http import provider_post, response_json

# Cloud API error codes that mean "busy or briefly broken, try later"
# rather than "this message is refused": throughput and pair rate limits,
# spam rate limit, service unavailable, temporarily unavailable, app and
# account rate limits.
TRANSIENT_CODES = frozenset(
    {1, 2, 4, 17, 341, 80007, 130429, 131000, 131016, 131048, 131056, 133004}
)


class WhatsAppSender(Sender):
    """Settings: SINAU_WHATSAPP_API_URL (Graph API base, default
    https://graph.facebook.com/v21.0), SINAU_WHATSAPP_TOKEN (a system user
    access token), SINAU_WHATSAPP_PHONE_NUMBER_ID, SINAU_WHATSAPP_LANGUAGE
    (template language code, default "id"). On when the token and the
    phone number id are set."""

    channel = Channel.WHATSAPP

    def configured(self) -> bool:
        return bool(
            settings.SINAU_WHATSAPP_TOKEN and settings.SINAU_WHATSAPP_PHONE_NUMBER_ID
        )

    def takes(self, message) -> bool:
        """Only messages with a WhatsApp template name."""
        return bool(message.template)

    def address(self, *, user, allowed: dict[str, bool]) -> str | None:
        """The person's phone number as digits ("6281311112222"), when they
        said yes to WhatsApp; None without a yes, after a stop, or without
        a phone number."""
        if allowed.get(self.channel) is not True:
            return None
        digits = "".join(ch for ch in (user.phone or "") if ch.isdigit())
        return digits or None

    def payload(self, *, notification, address: str) -> dict:
        """The request body for `notification` to `address` (digits)."""
        template = {
            "name": notification.template,
            "language": {"code": settings.SINAU_WHATSAPP_LANGUAGE},
        }
        params = [str(p) for p in (notification.params or [])]
        if params:
            template["components"] = [
                {
                    "type": "body",
                    "parameters": [{"type": "text", "text": p} for p in params],
                }
            ]
        return {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": address,
            "type": "template",
            "template": template,
        }

    def send(self, *, notification, address: str) -> str:
        """Send the template. Returns the message id (wamid). Raises
        ChannelDown on a timeout, a connection error, HTTP 5xx/429 or a
        transient Cloud API error code (TRANSIENT_CODES); ChannelError on
        any other refusal ("131026: Message undeliverable")."""
        base = settings.SINAU_WHATSAPP_API_URL.rstrip("/")
        url = f"{base}/{settings.SINAU_WHATSAPP_PHONE_NUMBER_ID}/messages"
        response = provider_post(
            url,
            json=self.payload(notification=notification, address=address),
            headers={"Authorization": f"Bearer {settings.SINAU_WHATSAPP_TOKEN}"},
        )
        body = response_json(response)
        if response.status_code >= 400:
            error = body.get("error") if isinstance(body, dict) else None
            if not isinstance(error, dict):
                raise ChannelError(
                    f"HTTP {response.status_code}: {response.text[:300]}"
                )
            code = error.get("code")
            text = f"{code}: {error.get('message', '')}"
            details = (
                (error.get("error_data") or {})
                if isinstance(error.get("error_data"), dict)
                else {}
            )
            if details.get("details"):
                text = f"{text} ({details['details']})"
            if code in TRANSIENT_CODES:
                raise ChannelDown(text[:500])
            raise ChannelError(text[:500])
        try:
            return str(body["messages"][0]["id"])[:200]
        except (KeyError, IndexError, TypeError) as exc:
            raise ChannelError(
                f"HTTP {response.status_code} without a message id: "
                f"{response.text[:300]}"
            ) from exc


# --- the webhook's payload ---------------------------------------------------


class PayloadError(ValueError):
    """The webhook body is not the shape the Cloud API sends."""


@dataclass
class WebhookEvents:
    """What one webhook delivery says. `receipts`: (message id, status,
    error) for each `statuses[]` item; `replies`: (phone digits, text) for
    each text or button reply in `messages[]`."""

    receipts: list[tuple[str, str, str]] = field(default_factory=list)
    replies: list[tuple[str, str]] = field(default_factory=list)


def _list(value, where: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise PayloadError(f"{where}: not a list")
    return value


def _dict(value, where: str) -> dict:
    if not isinstance(value, dict):
        raise PayloadError(f"{where}: not an object")
    return value


def _text(value, where: str, limit: int, *, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise PayloadError(f"{where}: not a string")
    value = str(value)
    if "\x00" in value:
        raise PayloadError(f"{where}: NUL character")
    if len(value) > limit:
        raise PayloadError(f"{where}: longer than {limit}")
    if required and not value:
        raise PayloadError(f"{where}: empty")
    return value


def _error_text(errors: list) -> str:
    if not errors:
        return ""
    first = _dict(errors[0], "errors[0]")
    code = _text(first.get("code"), "errors[0].code", 20, required=False)
    title = _text(first.get("title"), "errors[0].title", 500, required=False)
    return " ".join(p for p in (code, title) if p)[:500]


def webhook_events(payload) -> WebhookEvents:
    """Read a Cloud API webhook body (parsed JSON) into receipts and
    replies. Changes other than `messages`, unknown keys and message types
    other than text and button are ignored. Raises PayloadError (a
    ValueError) when a part that matters has the wrong type, holds a NUL
    character or is absurdly long; never anything else."""
    events = WebhookEvents()
    payload = _dict(payload, "body")
    for i, entry in enumerate(_list(payload.get("entry"), "entry")):
        entry = _dict(entry, f"entry[{i}]")
        for j, change in enumerate(_list(entry.get("changes"), "changes")):
            change = _dict(change, f"changes[{j}]")
            if change.get("field", "messages") != "messages":
                continue
            value = _dict(change.get("value", {}), "value")
            for k, status in enumerate(_list(value.get("statuses"), "statuses")):
                status = _dict(status, f"statuses[{k}]")
                events.receipts.append(
                    (
                        _text(status.get("id"), "statuses.id", 200),
                        _text(status.get("status"), "statuses.status", 32),
                        _error_text(_list(status.get("errors"), "statuses.errors")),
                    )
                )
            for k, message in enumerate(_list(value.get("messages"), "messages")):
                message = _dict(message, f"messages[{k}]")
                kind = _text(message.get("type"), "messages.type", 32)
                if kind == "text":
                    text = _dict(message.get("text"), "messages.text").get("body")
                elif kind == "button":
                    text = _dict(message.get("button"), "messages.button").get("text")
                else:
                    continue
                events.replies.append(
                    (
                        _text(message.get("from"), "messages.from", 32),
                        _text(text, "messages.text", 4096, required=False),
                    )
                )
    return events
