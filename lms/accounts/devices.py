"""Device cookies (OWASP, "Slow Down Online Guessing Attacks with Device
Cookies"): a client that has once given the right password for an account
or a page or document restriction carries a signed cookie that says so, and
the password throttle (`lms.accounts.throttle`) gives it an allowance of its
own instead of the shared one of unknown clients.

One cookie per browser, `settings.SINAU_DEVICE_COOKIE_NAME`, signed with the
secret key (`django.core.signing`, salt below): a random device id and the
hashed throttle keys it has passed (an account "user:<pk>", a restriction
"wagtailcore.pageviewrestriction:<pk>"), newest first, at most
`MAX_GRANTS`. HttpOnly, Secure where the session cookie is, SameSite=Lax,
kept `settings.SINAU_DEVICE_COOKIE_AGE` seconds and renewed at every
success. A cookie that fails the signature, is older than that, or is not
of this shape counts as no cookie."""

from __future__ import annotations

import hashlib
import re
import secrets
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse

SALT = "lms.accounts.devices"
MAX_GRANTS = 20
_DEVICE_ID = re.compile(r"^[0-9a-f]{32}$")
_GRANT = re.compile(r"^[0-9a-f]{24}$")

# The request being answered, for password checks that are not handed one
# (`User.check_password` on a change-password form); set by the middleware.
_current_request: ContextVar[HttpRequest | None] = ContextVar(
    "sinau_current_request", default=None
)


@dataclass(frozen=True)
class Device:
    """A device cookie read back: `id` (32 hex digits), `grants` (hashed
    keys, newest first)."""

    id: str
    grants: tuple[str, ...]


def grant_of(key: str) -> str:
    """The form of a throttle key stored in the cookie (24 hex digits), so
    the cookie does not show which accounts used the phone."""
    return hashlib.sha256(f"sinau-device:{key}".encode()).hexdigest()[:24]


def current_request() -> HttpRequest | None:
    """The request the middleware is answering in this thread or task."""
    return _current_request.get()


def device_read(request: HttpRequest | None) -> Device | None:
    """The request's device cookie, or None when it has none or it is not
    valid (tampered, expired, another shape). Never raises."""
    if request is None:
        return None
    if hasattr(request, "_sinau_device"):
        return request._sinau_device
    device = None
    raw = getattr(request, "COOKIES", {}).get(settings.SINAU_DEVICE_COOKIE_NAME)
    if raw and len(raw) <= 4096:
        try:
            payload = signing.loads(
                raw, salt=SALT, max_age=settings.SINAU_DEVICE_COOKIE_AGE
            )
        except (signing.BadSignature, ValueError, TypeError):
            payload = None
        if (
            isinstance(payload, dict)
            and isinstance(payload.get("d"), str)
            and _DEVICE_ID.match(payload["d"])
            and isinstance(payload.get("g"), list)
            and len(payload["g"]) <= MAX_GRANTS
            and all(isinstance(g, str) and _GRANT.match(g) for g in payload["g"])
        ):
            device = Device(id=payload["d"], grants=tuple(payload["g"]))
    request._sinau_device = device
    return device


def device_known(request: HttpRequest | None, key: str) -> str | None:
    """The id of the request's device when its cookie holds `key` (it has
    passed that password before), else None."""
    device = device_read(request)
    if device is not None and grant_of(key) in device.grants:
        return device.id
    return None


def device_grant(request: HttpRequest | None, key: str) -> None:
    """Note that this request gave the right password for `key`; the
    middleware then sends the renewed cookie with the response. Idempotent."""
    if request is None:
        return
    pending = request.__dict__.setdefault("_sinau_device_grants", [])
    if key not in pending:
        pending.append(key)


def device_cookie_set(request: HttpRequest, response: HttpResponse) -> None:
    """Send the device cookie with `response` when `device_grant` was called
    for this request: the same device id (a new one for a new device), the
    new grants first, the oldest dropped beyond `MAX_GRANTS`."""
    pending = request.__dict__.get("_sinau_device_grants")
    if not pending:
        return
    device = device_read(request)
    device_id = device.id if device else secrets.token_hex(16)
    grants = [grant_of(key) for key in reversed(pending)]
    grants += [g for g in (device.grants if device else ()) if g not in grants]
    value = signing.dumps(
        {"d": device_id, "g": grants[:MAX_GRANTS]}, salt=SALT, compress=True
    )
    response.set_cookie(
        settings.SINAU_DEVICE_COOKIE_NAME,
        value,
        max_age=settings.SINAU_DEVICE_COOKIE_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


class DeviceCookieMiddleware:
    """Makes the request reachable from password checks that are not handed
    it (`current_request`), and sends the device cookie after a right
    password or a log-in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            response = self.get_response(request)
        finally:
            _current_request.reset(token)
        device_cookie_set(request, response)
        return response


def device_grant_after_log_in(sender, request, user, **kwargs) -> None:
    """`user_logged_in` receiver (apps.py): every log-in (any form, after
    sign-up, after a one-time link) makes the device known for the account."""
    if request is not None and getattr(user, "pk", None) is not None:
        device_grant(request, f"user:{user.pk}")
