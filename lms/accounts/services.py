"""Writes for accounts."""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction

from .models import User
from .phone import phone_normalize
from .roles import PROGRAM_MANAGERS, TRAINEES, TRAINERS

logger = logging.getLogger(__name__)


def user_create(
    *,
    password: str | None,
    email: str | None = None,
    phone: str | None = None,
    display_name: str = "",
    role: str | None = None,
    is_superuser: bool = False,
) -> User:
    """Create a person, optionally in a role group. Not idempotent: a second
    call with the same email or phone raises IntegrityError."""
    with transaction.atomic():
        manager = (
            User.objects.create_superuser if is_superuser else User.objects.create_user
        )
        user = manager(
            email=email, password=password, phone=phone, display_name=display_name
        )
        if role:
            user_join_role(user=user, role=role)
    return user


def user_join_role(*, user: User, role: str) -> None:
    """Put `user` in the role's group. Idempotent."""
    user.groups.add(Group.objects.get(name=role))


@dataclass(frozen=True)
class DemoAccount:
    role: str
    display_name: str
    email: str
    phone: str
    is_superuser: bool = False


DEMO_ACCOUNTS = (
    DemoAccount(TRAINEES, "Siti Aminah", "peserta@sinau.local", "081234567801"),
    DemoAccount(TRAINERS, "Pak Bayu Pelatih", "pelatih@sinau.local", "081234567802"),
    DemoAccount(
        PROGRAM_MANAGERS, "Bu Rina Manajer", "manajer@sinau.local", "081234567803"
    ),
    DemoAccount("", "Admin Sinau", "admin@sinau.local", "081234567800", True),
)


def demo_accounts_ensure() -> list[tuple[DemoAccount, User]]:
    """Create the demo accounts that are missing, one per role plus an admin,
    all with `settings.SINAU_DEMO_PASSWORD`. Idempotent: existing accounts are
    left as they are (their passwords too)."""
    result = []
    for demo in DEMO_ACCOUNTS:
        user = User.objects.filter(email=demo.email).first()
        if user is None:
            user = user_create(
                email=demo.email,
                phone=phone_normalize(demo.phone),
                password=settings.SINAU_DEMO_PASSWORD,
                display_name=demo.display_name,
                role=demo.role or None,
                is_superuser=demo.is_superuser,
            )
        result.append((demo, user))
    return result


def password_link_create(*, user: User, created_by: User | None) -> str:
    """An absolute one-time link for `user` to set their password, for staff
    to share (e.g. by WhatsApp, since many trainees have no email).

    Built on allauth's reset-by-key flow (Django's PasswordResetTokenGenerator
    plus the account's email addresses): it expires after
    `PASSWORD_RESET_TIMEOUT` seconds and works once, because the token hashes
    the password, which setting it changes. Creating a link changes nothing,
    so links made earlier stay valid until one is used. `created_by` is
    logged for the audit trail."""
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str
    from django.urls import reverse

    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    logger.info(
        "password link for user %s created by %s",
        user.pk,
        created_by.pk if created_by else None,
    )
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path
