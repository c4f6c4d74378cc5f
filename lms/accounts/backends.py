"""The one authentication backend: every log-in form (allauth's, Wagtail's
admin and front-end log-ins, Django's admin) reaches the password through
`django.contrib.auth.authenticate`, and so through here and its throttle."""

from __future__ import annotations

from allauth.account.auth_backends import AuthenticationBackend
from django.core.exceptions import ValidationError

from .phone import phone_normalize
from .throttle import (
    ACCOUNT,
    account_identifier,
    account_key,
    identifier_too_long,
    password_check,
)


def _login_of(credentials: dict) -> str:
    for field in ("phone", "email", "login", "username"):
        if credentials.get(field):
            return str(credentials[field])
    return ""


class ThrottledAuthenticationBackend(AuthenticationBackend):
    """allauth's backend (email or phone, `is_active` respected) behind the
    password throttle (`lms.accounts.throttle`), counted per account and per
    client IP. A phone number typed into a `username` field (Wagtail's and
    Django's log-in forms) logs in by phone, as on Sinau's own form.

    Raises `PasswordCheckThrottled` (a ValidationError the log-in forms show)
    instead of checking the password when a limit is reached."""

    def authenticate(self, request, **credentials):
        if not credentials.get("password"):
            return None
        username = credentials.get("username")
        if username and "@" not in username and not credentials.get("phone"):
            try:
                credentials = {**credentials, "phone": phone_normalize(username)}
            except ValidationError:
                pass
        identifier = account_identifier(_login_of(credentials))
        key = account_key(identifier)
        with password_check(request=request, key=key, action=ACCOUNT) as check:
            # A log-in longer than any email or phone matches no account:
            # counted as a failure, never looked up.
            user = (
                None
                if identifier_too_long(identifier)
                else super().authenticate(request, **credentials)
            )
            check.passed = user is not None
        return user
