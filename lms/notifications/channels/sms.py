"""SMS through a generic HTTP gateway, shaped by settings to fit an
Indonesian aggregator (docs/sms-gateway.md gives a worked mapping).

Send: one POST per message to SINAU_SMS_GATEWAY_URL, as JSON or as a form
(SINAU_SMS_GATEWAY_FORMAT), with the number and the text in the fields the
gateway names (SINAU_SMS_GATEWAY_TO_FIELD, _TEXT_FIELD, optional
_SENDER_FIELD = _SENDER), any static fields it wants
(SINAU_SMS_GATEWAY_EXTRA, a JSON object) and an optional Bearer token
(SINAU_SMS_GATEWAY_TOKEN). The message id is read from the JSON response
at the dotted path SINAU_SMS_GATEWAY_ID_FIELD ("id", "data.0.message_id");
a gateway that answers 200 with an error sets SINAU_SMS_GATEWAY_ERROR_FIELD
(a dotted path that is present and truthy only on failure).

Delivery reports (DLR) and replies arrive on
`/pesan/webhook/sms/<SINAU_SMS_REPORT_TOKEN>/` and `.../balasan/`
(`webhooks.sms_report`, `webhooks.sms_reply`), read here by
`report_events` and `reply_event`.

SMS needs the person's explicit yes (a `ChannelConsent` with allowed=True).
"""

from django.conf import settings

from ..models import Channel
from .base import ChannelError, Sender
from .http import provider_post, response_json


def dig(data, path: str):
    """The value at dotted `path` in parsed JSON `data` ("data.0.id": key
    "data", list index 0, key "id"), or None when any step is missing."""
    for step in path.split(".") if path else []:
        if isinstance(data, dict):
            data = data.get(step)
        elif isinstance(data, list) and step.isdigit() and int(step) < len(data):
            data = data[int(step)]
        else:
            return None
    return data


def number_for_gateway(phone: str) -> str | None:
    """`phone` (E.164, "+6281311112222") in the gateway's format
    (SINAU_SMS_GATEWAY_NUMBER_FORMAT): "digits" -> "6281311112222",
    "plus" -> "+6281311112222", "local" -> "081311112222" (Indonesian
    numbers only; others stay as digits). None when there are no digits."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if not digits:
        return None
    style = settings.SINAU_SMS_GATEWAY_NUMBER_FORMAT
    if style == "plus":
        return f"+{digits}"
    if style == "local" and digits.startswith("62"):
        return f"0{digits[2:]}"
    return digits


class SmsSender(Sender):
    """On when SINAU_SMS_GATEWAY_URL is set. Sends `notification.short`."""

    channel = Channel.SMS

    def configured(self) -> bool:
        return bool(settings.SINAU_SMS_GATEWAY_URL)

    def address(self, *, user, allowed: dict[str, bool]) -> str | None:
        """The phone number in the gateway's format, when the person said
        yes to SMS; None without a yes, after a stop, or without a phone."""
        if allowed.get(self.channel) is not True:
            return None
        return number_for_gateway(user.phone or "")

    def fields(self, *, notification, address: str) -> dict:
        """The request fields: the static extras, then number, text and
        sender id under the configured names."""
        data = dict(settings.SINAU_SMS_GATEWAY_EXTRA)
        data[settings.SINAU_SMS_GATEWAY_TO_FIELD] = address
        text = notification.short or " ".join(
            p for p in (notification.subject, notification.url) if p
        )
        data[settings.SINAU_SMS_GATEWAY_TEXT_FIELD] = text[:320]
        if (
            settings.SINAU_SMS_GATEWAY_SENDER_FIELD
            and settings.SINAU_SMS_GATEWAY_SENDER
        ):
            data[settings.SINAU_SMS_GATEWAY_SENDER_FIELD] = (
                settings.SINAU_SMS_GATEWAY_SENDER
            )
        return data

    def send(self, *, notification, address: str) -> str:
        """POST the message. Returns the gateway's message id ('' when its
        response has none at SINAU_SMS_GATEWAY_ID_FIELD). Raises
        ChannelDown on a timeout, a connection error, HTTP 5xx/429;
        ChannelError on another 4xx or a response whose error field is set."""
        headers = {}
        if settings.SINAU_SMS_GATEWAY_TOKEN:
            headers["Authorization"] = f"Bearer {settings.SINAU_SMS_GATEWAY_TOKEN}"
        data = self.fields(notification=notification, address=address)
        if settings.SINAU_SMS_GATEWAY_FORMAT == "form":
            response = provider_post(
                settings.SINAU_SMS_GATEWAY_URL, data=data, headers=headers
            )
        else:
            response = provider_post(
                settings.SINAU_SMS_GATEWAY_URL, json=data, headers=headers
            )
        if response.status_code >= 400:
            raise ChannelError(f"HTTP {response.status_code}: {response.text[:300]}")
        body = response_json(response)
        error_path = settings.SINAU_SMS_GATEWAY_ERROR_FIELD
        if error_path and dig(body, error_path):
            raise ChannelError(f"gateway refused: {response.text[:300]}")
        provider_id = dig(body, settings.SINAU_SMS_GATEWAY_ID_FIELD)
        if isinstance(provider_id, (str, int)) and not isinstance(provider_id, bool):
            return str(provider_id)[:200]
        return ""


# --- delivery reports and replies ------------------------------------------


def _clean(value, limit: int) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    value = str(value).strip()
    if not value or "\x00" in value or len(value) > limit:
        return None
    return value


def report_events(items) -> list[tuple[str, str, str]]:
    """Delivery reports -> (message id, Sinau status, error) for each item
    with a known id and a status in SINAU_SMS_REPORT_STATUS_MAP (gateway
    status, any case -> sent | delivered | failed). `items` is one report
    (a dict of fields: form, query string or JSON object) or a JSON list
    of them. Items without an id or with an unmapped status are skipped;
    a failed report carries the gateway's status (and its error field,
    SINAU_SMS_REPORT_ERROR_FIELD, when set) as the error."""
    if isinstance(items, dict):
        items = [items]
    if not isinstance(items, list):
        return []
    mapping = {k.upper(): v for k, v in settings.SINAU_SMS_REPORT_STATUS_MAP.items()}
    events = []
    for item in items[:1000]:
        if not isinstance(item, dict):
            continue
        provider_id = _clean(dig(item, settings.SINAU_SMS_REPORT_ID_FIELD), 200)
        raw = _clean(dig(item, settings.SINAU_SMS_REPORT_STATUS_FIELD), 64)
        if provider_id is None or raw is None or raw.upper() not in mapping:
            continue
        status = mapping[raw.upper()]
        error = ""
        if status == "failed":
            detail = None
            if settings.SINAU_SMS_REPORT_ERROR_FIELD:
                detail = _clean(dig(item, settings.SINAU_SMS_REPORT_ERROR_FIELD), 400)
            error = " ".join(p for p in (raw, detail) if p)
        events.append((provider_id, status, error))
    return events


def reply_event(item) -> tuple[str, str] | None:
    """An inbound SMS -> (phone, text), read from the fields
    SINAU_SMS_INBOUND_FROM_FIELD and SINAU_SMS_INBOUND_TEXT_FIELD; None
    when either is missing or unusable. A local number ("0813...") is read
    as Indonesian (+62)."""
    if not isinstance(item, dict):
        return None
    phone = _clean(dig(item, settings.SINAU_SMS_INBOUND_FROM_FIELD), 32)
    text = _clean(dig(item, settings.SINAU_SMS_INBOUND_TEXT_FIELD), 1600)
    if phone is None or text is None:
        return None
    digits = "".join(ch for ch in phone if ch.isdigit())
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    return (digits, text) if digits else None
