"""Web Push with VAPID (pywebpush), for people who installed Sinau on
their phone's home screen.

- Subscriptions: the browser's PushSubscription JSON ({endpoint, keys:
  {p256dh, auth}}) posted by static/js/push.js to
  `/pesan/push/langganan/` (`webhooks.push_subscribe`), checked by
  `subscription_clean` and kept as `PushSubscription` rows
  (`push_subscription_save`, `push_subscription_delete`).
- Send: for each of the person's subscriptions, an encrypted message
  (RFC 8291, aes128gcm) with the JSON {"title", "body", "url"} POSTed to
  the push service (RFC 8030) with a VAPID JWT (RFC 8292) signed by
  SINAU_VAPID_PRIVATE_KEY (or the PEM file SINAU_VAPID_PRIVATE_KEY_FILE),
  subject SINAU_VAPID_SUBJECT (mailto: or https:), TTL
  SINAU_PUSH_TTL seconds. The service worker (static/js/sw.js) shows it.
- A 404 or 410 from the push service means the subscription is gone: its
  row is deleted.

Consent: push is on for a person with a subscription unless they stopped
it (subscribing is the yes).
"""

import base64
import binascii
import json
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from py_vapid import Vapid
from pywebpush import WebPushException, webpush

from lms.common.errors import Refused

from ..models import Channel, PushSubscription
from .base import ChannelDown, ChannelError, Sender

# The push message's JSON must fit one 4 kB record with its encryption
# overhead (RFC 8291 section 4: 4096 - 86 octets); the body is cut first.
BODY_LIMIT = 1000
GONE_STATUSES = frozenset({404, 410})


@cache
def _vapid_key(private_key: str, key_file: str) -> Vapid:
    if private_key:
        return Vapid.from_string(private_key=private_key)
    return Vapid.from_pem(Path(key_file).read_bytes())


def vapid() -> Vapid:
    """The server's VAPID key pair, from SINAU_VAPID_PRIVATE_KEY (the raw
    32-octet key, base64url, as `manage.py vapid_keys` prints it, or a DER
    key) or the PEM file SINAU_VAPID_PRIVATE_KEY_FILE."""
    return _vapid_key(
        settings.SINAU_VAPID_PRIVATE_KEY, settings.SINAU_VAPID_PRIVATE_KEY_FILE
    )


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Decode unpadded base64url. Raises ValueError for anything else."""
    if not isinstance(text, str) or not text.isascii():
        raise ValueError("not base64url")
    if any(ch in text for ch in "+/= \n"):
        raise ValueError("not base64url")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ValueError("not base64url") from exc


def push_configured() -> bool:
    """Web push is on when the public key, a private key (or key file)
    and the subject are set."""
    return bool(
        settings.SINAU_VAPID_PUBLIC_KEY
        and (settings.SINAU_VAPID_PRIVATE_KEY or settings.SINAU_VAPID_PRIVATE_KEY_FILE)
        and settings.SINAU_VAPID_SUBJECT
    )


class PushSender(Sender):
    channel = Channel.PUSH

    def configured(self) -> bool:
        return push_configured()

    def address(self, *, user, allowed: dict[str, bool]) -> str | None:
        """How many subscriptions the person has ("2"), unless they stopped
        push; None without any."""
        if allowed.get(self.channel) is False:
            return None
        count = PushSubscription.objects.filter(user=user).count()
        return str(count) if count else None

    def data(self, notification) -> str:
        """The push message: JSON {"title", "body", "url"} (≤ 4 kB)."""
        return json.dumps(
            {
                "title": notification.subject,
                "body": notification.body[:BODY_LIMIT],
                "url": notification.url,
            },
            ensure_ascii=False,
        )

    def send(self, *, notification, address: str) -> str:
        """Push to every subscription of the person. Returns '' (push
        services give no id for receipts). Deletes subscriptions the
        service says are gone (404, 410). Raises ChannelDown when none took
        it and one was unreachable (timeout, 5xx, 429); ChannelError when
        none took it otherwise (all gone or refused)."""
        data = self.data(notification)
        claims_subject = settings.SINAU_VAPID_SUBJECT
        delivered, down, refused = 0, [], []
        for sub in PushSubscription.objects.filter(
            user_id=notification.user_id
        ).order_by("pk"):
            try:
                webpush(
                    subscription_info={
                        "endpoint": sub.endpoint,
                        "keys": {"p256dh": sub.p256dh, "auth": sub.auth},
                    },
                    data=data,
                    vapid_private_key=vapid(),
                    vapid_claims={"sub": claims_subject},
                    ttl=settings.SINAU_PUSH_TTL,
                    timeout=settings.SINAU_NOTIFICATION_HTTP_TIMEOUT,
                    headers={"Urgency": "normal"},
                )
            except WebPushException as exc:
                status = exc.response.status_code if exc.response is not None else 0
                if status in GONE_STATUSES:
                    sub.delete()
                    refused.append(f"{status} gone")
                elif status >= 500 or status == 429:
                    down.append(str(status))
                else:
                    refused.append(str(status or exc))
            except requests.RequestException as exc:
                down.append(type(exc).__name__)
            except ValueError as exc:  # keys the browser never made
                refused.append(f"{type(exc).__name__}: {exc}")
            else:
                delivered += 1
        if delivered:
            return ""
        if down:
            raise ChannelDown(f"push service unreachable: {', '.join(down)}"[:500])
        raise ChannelError(f"no subscription took it: {', '.join(refused)}"[:500])


# --- subscriptions -----------------------------------------------------------


class SubscriptionRefused(Refused):
    """The posted PushSubscription is not one a browser makes."""


def subscription_clean(data) -> dict[str, str]:
    """Check a posted PushSubscription (parsed JSON): an https `endpoint`
    (≤ 1,000 characters), `keys.p256dh` the base64url of a 65-octet
    uncompressed P-256 point, `keys.auth` the base64url of 16 octets.
    Returns {"endpoint", "p256dh", "auth"}. Raises SubscriptionRefused with
    a translated message otherwise."""
    if not isinstance(data, dict):
        raise SubscriptionRefused(_("This is not a push subscription."))
    endpoint = data.get("endpoint")
    keys = data.get("keys")
    if not isinstance(endpoint, str) or not isinstance(keys, dict):
        raise SubscriptionRefused(_("This is not a push subscription."))
    parts = urlsplit(endpoint) if len(endpoint) <= 1000 else None
    if (
        parts is None
        or parts.scheme != "https"
        or not parts.hostname
        or parts.username
        or any(ord(ch) < 33 for ch in endpoint)
    ):
        raise SubscriptionRefused(
            _(
                "The push service address must be an https address "
                "of at most 1,000 characters."
            )
        )
    p256dh, auth = keys.get("p256dh"), keys.get("auth")
    try:
        point = (
            b64url_decode(p256dh)
            if isinstance(p256dh, str) and len(p256dh) <= 200
            else b""
        )
        secret = (
            b64url_decode(auth) if isinstance(auth, str) and len(auth) <= 100 else b""
        )
    except ValueError:
        point = secret = b""
    if len(point) != 65 or point[0] != 4 or len(secret) != 16:
        raise SubscriptionRefused(_("The subscription's keys are not valid."))
    return {"endpoint": endpoint, "p256dh": p256dh, "auth": auth}


def push_subscription_save(
    *, user, endpoint: str, p256dh: str, auth: str
) -> PushSubscription:
    """Keep a browser's subscription for `user` (fields checked by
    `subscription_clean`). Idempotent per endpoint: the same endpoint
    posted again updates its keys, and moves to `user` when another
    account signed in on that browser (one phone, shared in a family:
    push goes to whoever uses it now)."""
    with transaction.atomic():
        sub, _created = PushSubscription.objects.update_or_create(
            endpoint=endpoint, defaults={"user": user, "p256dh": p256dh, "auth": auth}
        )
    return sub


def push_subscription_delete(*, user, endpoint: str) -> bool:
    """Forget `user`'s subscription at `endpoint`. Never touches another
    person's. Returns whether one was deleted."""
    deleted, _rows = PushSubscription.objects.filter(
        user=user, endpoint=endpoint
    ).delete()
    return bool(deleted)
