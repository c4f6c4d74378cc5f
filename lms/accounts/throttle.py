"""One throttle for every password check.

Every check of a person's password (log-in on any form, re-authentication,
the old password on a change form) and every check of a page or document
password goes through `password_check`. Failures are counted in the shared
Django cache (Redis in production), so the limits hold across web workers and
machines:

- per account: the account an email address or phone number names (phone
  numbers read as E.164, email addresses lower-cased), or that identifier
  itself when no account has it, so made-up numbers never share a bucket with
  a real trainee;
- per client: the real client IP (see `client_ip`; behind a proxy only when
  `DJANGO_TRUSTED_PROXY_COUNT` or `DJANGO_TRUSTED_CLIENT_IP_HEADER` says so).

The limits are `settings.SINAU_PASSWORD_RATE_LIMITS`, in django-allauth's
notation ("50/15m/ip,5/15m/key"), and are counted with allauth's sliding-window
rate limiter: a check is reserved before the password is compared (so parallel
guesses cannot slip through) and given back when the password was right, so
only failures count.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from allauth.account.adapter import get_adapter
from allauth.core.internal import ratelimit
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import ngettext

from .phone import phone_normalize

ACCOUNT = "password"
PAGE = "page_password"
APP = "sinau"

# Set while `authenticate` checks a password, so `User.check_password` inside
# it is not counted twice.
_checking: ContextVar[bool] = ContextVar("sinau_password_checking", default=False)


class PasswordCheckThrottled(ValidationError):
    """Too many failed password checks for this account or this client.

    A ValidationError, so every form that checks a password in its `clean()`
    (every log-in form calls `authenticate()` there) shows the message."""

    def __init__(self, *, minutes: int) -> None:
        super().__init__(
            ngettext(
                "Too many wrong passwords. Wait %(minutes)d minute and try again.",
                "Too many wrong passwords. Wait %(minutes)d minutes and try again.",
                minutes,
            )
            % {"minutes": minutes},
            code="throttled",
        )


def account_identifier(raw: str) -> str:
    """The form of an email address or phone number that names one account:
    a phone number as E.164 (`0812…`, `62812…` and `+62 812-…` are one
    number), anything else stripped and lower-cased."""
    text = (raw or "").strip()
    if "@" not in text:
        try:
            return phone_normalize(text)
        except ValidationError:
            pass
    return text.lower()


# No account's email (254, RFC 5321) or phone is longer; a longer log-in is
# never looked up (SQLite refuses LIKE patterns of 50,000 bytes and more).
IDENTIFIER_MAX_LENGTH = 254


def identifier_too_long(identifier: str | None) -> bool:
    """True when no account can have `identifier`: it is longer than any
    email address or phone number Sinau stores."""
    return len(identifier or "") > IDENTIFIER_MAX_LENGTH


def account_key(identifier: str) -> str:
    """The throttle key of the account `identifier` names (so an email
    address and a phone number of one person share one bucket), or of the
    identifier itself when no account has it. One query, none for an
    identifier no account can have (`identifier_too_long`), which is keyed
    by its SHA-256."""
    from .models import User

    if identifier_too_long(identifier):
        return "id:sha256:" + hashlib.sha256(identifier.encode()).hexdigest()
    pk = None
    if identifier:
        pk = (
            User.objects.filter(Q(email__iexact=identifier) | Q(phone=identifier))
            .values_list("pk", flat=True)
            .first()
        )
    return f"user:{pk}" if pk is not None else f"id:{identifier}"


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address: the connection's, or the one the trusted proxy
    reports (allauth's `ALLAUTH_TRUSTED_PROXY_COUNT` /
    `ALLAUTH_TRUSTED_CLIENT_IP_HEADER`, set from the environment). None
    without a request (a shell, a test client's `login()`)."""
    if request is None or not request.META.get("REMOTE_ADDR"):
        return None
    try:
        return get_adapter().get_client_ip(request)
    except PermissionDenied:
        return None


def _rates(action: str, *, per_ip: bool) -> dict[str, str]:
    rates = settings.SINAU_PASSWORD_RATE_LIMITS[action]
    if not per_ip:
        rates = ",".join(r for r in rates.split(",") if not r.strip().endswith("/ip"))
    return {action: rates}


def window_minutes(action: str) -> int:
    """The longest window of `action`'s limits, in whole minutes."""
    rates = ratelimit.parse_rates(settings.SINAU_PASSWORD_RATE_LIMITS[action])
    return max(1, round(max(r.duration for r in rates) / 60))


@dataclass
class Check:
    """What `password_check` yields: set `passed` when the password was right."""

    passed: bool = False


@contextmanager
def password_check(
    *, request: HttpRequest | None, key: str, action: str = ACCOUNT
) -> Iterator[Check]:
    """Throttle one password check: per `key` (an account, from
    `account_key`, or a page restriction) and per client IP.

    Raises `PasswordCheckThrottled` before the check when a limit is reached.
    Otherwise yields a `Check`; the caller compares the password and sets
    `check.passed`. A passed check is not counted. Nested checks (the
    `User.check_password` inside `authenticate`) are counted once."""
    if _checking.get():
        yield Check()
        return
    per_ip = client_ip(request) is not None
    stand_in = request if per_ip else HttpRequest()
    usage = ratelimit.consume(
        stand_in,
        app=APP,
        action=action,
        config=_rates(action, per_ip=per_ip),
        key=key,
        limit_get=True,
    )
    if usage is None:
        raise PasswordCheckThrottled(minutes=window_minutes(action))
    check = Check()
    token = _checking.set(True)
    try:
        yield check
    finally:
        _checking.reset(token)
        if check.passed:
            usage.rollback()


def password_throttle_clear(*, user) -> None:
    """Forget the failures counted against `user`'s account (not those of
    any client IP). Called when the person set a new password from an
    emailed reset link, which proves they own the account. Idempotent."""
    ratelimit.clear(
        HttpRequest(),
        app=APP,
        action=ACCOUNT,
        config=_rates(ACCOUNT, per_ip=False),
        key=f"user:{user.pk}",
    )


def password_throttle_clear_after_reset(sender, *, user, **kwargs) -> None:
    """allauth's `password_reset` signal receiver (see apps.py)."""
    password_throttle_clear(user=user)
