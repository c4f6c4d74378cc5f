"""One throttle for every password check, without lock-outs.

Every check of a person's password (log-in on any form, re-authentication,
the old password on a change form) and every check of a page or document
password goes through `password_check`. It follows OWASP's device-cookie
scheme (`lms.accounts.devices`): a client that has once given the right
password for an account (or a restriction) is a *known device* for it and
has an allowance of its own; everyone else is an *unknown client* and shares
the limits below. A right password from a known device always passes, however
many guesses strangers made.

Limits (`settings.SINAU_PASSWORD_RATE_LIMITS`, allauth's notation, counted by
`lms.common.ratelimit`; only failures count, a right password is given back):

- `password`: unknown clients, per client address ("/ip", `lms.common.http.
  client_network`) and per account ("/key": the account an email address or
  phone number names, or the identifier itself when no account has it);
- `password_device`: each known device, per account. A device that uses it up
  is an unknown client until its window passes;
- `page_password`: unknown clients, per client address and per restriction.
  The per-restriction limit never refuses anyone by itself: past it (many
  wrong passwords from many addresses) each unknown client may fail only
  `page_password_slow` times for that restriction;
- `page_password_device`: each known device, per restriction.

A check is reserved before the password is compared (parallel guesses cannot
slip through) and given back when it was right. With the shared cache down
the counts fall back to each process's memory (`lms.common.ratelimit`): nobody is
refused because of the outage, guessing stays bounded.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import ngettext

from lms.common import ratelimit
from lms.common.http import client_network

from .devices import current_request, device_grant, device_known
from .phone import phone_normalize

ACCOUNT = "password"
PAGE = "page_password"

# Set while `authenticate` checks a password, so `User.check_password` inside
# it is not counted twice.
_checking: ContextVar[bool] = ContextVar("sinau_password_checking", default=False)

# Why a check was refused: picks the message.
UNKNOWN_CLIENTS = "unknown_clients"  # the account's limit for unknown clients
CLIENT = "client"  # this client address's limit (log-ins)
PAGE_CLIENT = "page_client"  # this client address's limit (page passwords)
PAGE_SLOW = "page_slow"  # a restriction under attack: few tries per client


def _message(reason: str, minutes: int) -> str:
    if reason == UNKNOWN_CLIENTS:
        text = ngettext(
            "Too many wrong passwords for this account from devices that have "
            "not logged in to it before. If this is your account, log in on a "
            "phone or computer you have logged in on before: it still works. "
            "Otherwise wait %(minutes)d minute and try again, or reset your "
            "password (or ask your trainer for a link).",
            "Too many wrong passwords for this account from devices that have "
            "not logged in to it before. If this is your account, log in on a "
            "phone or computer you have logged in on before: it still works. "
            "Otherwise wait %(minutes)d minutes and try again, or reset your "
            "password (or ask your trainer for a link).",
            minutes,
        )
    elif reason == CLIENT:
        text = ngettext(
            "Too many wrong passwords from this network. If you have logged in "
            "to your account on this device before, you can still log in. "
            "Otherwise wait %(minutes)d minute and try again.",
            "Too many wrong passwords from this network. If you have logged in "
            "to your account on this device before, you can still log in. "
            "Otherwise wait %(minutes)d minutes and try again.",
            minutes,
        )
    elif reason == PAGE_SLOW:
        text = ngettext(
            "Many wrong passwords for this page have come from many places, so "
            "a device that has not opened it before may try only a few times. "
            "Check the password with your trainer and try again in "
            "%(minutes)d minute.",
            "Many wrong passwords for this page have come from many places, so "
            "a device that has not opened it before may try only a few times. "
            "Check the password with your trainer and try again in "
            "%(minutes)d minutes.",
            minutes,
        )
    else:
        text = ngettext(
            "Too many wrong passwords from this network. Wait %(minutes)d "
            "minute and try again.",
            "Too many wrong passwords from this network. Wait %(minutes)d "
            "minutes and try again.",
            minutes,
        )
    return text % {"minutes": minutes}


class PasswordCheckThrottled(ValidationError):
    """Too many failed password checks for this account, restriction or
    client; `reason` is one of the constants above, `minutes` the window.

    A ValidationError, so every form that checks a password in its `clean()`
    (every log-in form calls `authenticate()` there) shows the message, in
    plain words saying what the person can do."""

    def __init__(self, *, reason: str, minutes: int) -> None:
        self.reason = reason
        super().__init__(_message(reason, minutes), code="throttled")


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
    by its SHA-256. The user model is looked up, not imported: the model
    imports this module (`User.check_password` is throttled)."""
    if identifier_too_long(identifier):
        return "id:sha256:" + hashlib.sha256(identifier.encode()).hexdigest()
    pk = None
    if identifier:
        pk = (
            get_user_model()
            .objects.filter(Q(email__iexact=identifier) | Q(phone=identifier))
            .values_list("pk", flat=True)
            .first()
        )
    return f"user:{pk}" if pk is not None else f"id:{identifier}"


def _rates(action: str) -> list[ratelimit.Rate]:
    return ratelimit.parse_rates(settings.SINAU_PASSWORD_RATE_LIMITS.get(action))


def _rate(action: str, per: str) -> ratelimit.Rate | None:
    for rate in _rates(action):
        if rate.per == per:
            return rate
    return None


def window_minutes(action: str) -> int:
    """The longest window of `action`'s limits, in whole minutes."""
    return max([1, *(rate.minutes for rate in _rates(action))])


@dataclass
class Check:
    """What `password_check` yields: set `passed` when the password was right."""

    passed: bool = False


def _known_device_usage(
    request: HttpRequest | None, key: str, action: str
) -> ratelimit.Usage | None:
    """A hit on the allowance of the request's device for `key`, or None
    when the device is unknown for it or has used its allowance up."""
    device = device_known(request, key)
    if device is None:
        return None
    usage = ratelimit.Usage()
    for rate in _rates(f"{action}_device"):
        taken = ratelimit.hit(f"{action}:device:{device}:{key}", rate)
        if taken is None:
            usage.rollback()
            return None
        usage.add(taken)
    return usage


def _unknown_client_usage(client: str | None, key: str, action: str) -> ratelimit.Usage:
    """Hits on the shared limits of unknown clients; raises
    `PasswordCheckThrottled` (counting nothing) when one is used up."""
    usage = ratelimit.Usage()
    minutes = window_minutes(action)
    ip_rate, key_rate = _rate(action, "ip"), _rate(action, "key")
    if client is not None and ip_rate is not None:
        taken = ratelimit.hit(f"{action}:ip:{client}", ip_rate)
        if taken is None:
            raise PasswordCheckThrottled(
                reason=CLIENT if action == ACCOUNT else PAGE_CLIENT, minutes=minutes
            )
        usage.add(taken)
    if key_rate is None:
        return usage
    if action == ACCOUNT:
        taken = ratelimit.hit(f"{action}:key:{key}", key_rate)
        if taken is None:
            usage.rollback()
            raise PasswordCheckThrottled(reason=UNKNOWN_CLIENTS, minutes=minutes)
        usage.add(taken)
        return usage
    # A restriction: its own limit only decides whether each unknown client
    # gets the small `…_slow` allowance, so no one is ever locked out by it.
    if ratelimit.is_full(f"{action}:key:{key}", key_rate):
        for rate in _rates(f"{action}_slow"):
            taken = ratelimit.hit(f"{action}:slow:{client}:{key}", rate)
            if taken is None:
                usage.rollback()
                raise PasswordCheckThrottled(reason=PAGE_SLOW, minutes=rate.minutes)
            usage.add(taken)
    usage.add(ratelimit.hit(f"{action}:key:{key}", key_rate))
    return usage


@contextmanager
def password_check(
    *, request: HttpRequest | None, key: str, action: str = ACCOUNT
) -> Iterator[Check]:
    """Throttle one password check of `key` (an account, from
    `account_key`, or a restriction "<app.model>:<pk>"); `action` is
    `ACCOUNT` or `PAGE`. `request` None means the request being answered
    (`lms.accounts.devices.current_request`), if any.

    A known device for `key` is counted on its own allowance; anyone else on
    the shared limits (see the module's docstring). Raises
    `PasswordCheckThrottled` before the check when a limit is used up.
    Otherwise yields a `Check`; the caller compares the password and sets
    `check.passed`. A passed check is not counted and makes the client a
    known device for `key` (the response carries the cookie). Nested checks
    (the `User.check_password` inside `authenticate`) are counted once."""
    if _checking.get():
        yield Check()
        return
    request = request if request is not None else current_request()
    usage = _known_device_usage(request, key, action)
    if usage is None:
        usage = _unknown_client_usage(client_network(request), key, action)
    check = Check()
    token = _checking.set(True)
    try:
        yield check
    finally:
        _checking.reset(token)
        if check.passed:
            usage.rollback()
            device_grant(request, key)


def password_throttle_clear(*, user) -> None:
    """Forget the failures counted against `user`'s account for unknown
    clients (not those of any client address or device). Called when the
    person set a new password from an emailed reset link, which proves they
    own the account. Idempotent."""
    rate = _rate(ACCOUNT, "key")
    if rate is not None:
        ratelimit.forget(f"{ACCOUNT}:key:user:{user.pk}", rate)


def password_throttle_clear_after_reset(sender, *, user, **kwargs) -> None:
    """allauth's `password_reset` signal receiver (see apps.py)."""
    password_throttle_clear(user=user)
