"""Writes for accounts."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from lms.common import errors

from .models import PasswordLink, User
from .phone import phone_normalize
from .roles import PROGRAM_MANAGERS, TRAINEES, TRAINERS
from .selectors import trainees_password_linkable_by
from .throttle import password_throttle_clear

PHONE_TAKEN = _("Another account already uses this phone number.")
EMAIL_TAKEN = _("Another account already uses this email address.")
NEED_PHONE_OR_EMAIL = _("Give a phone number or an email address (or both).")


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


# --- Profile -----------------------------------------------------------


class ProfileConflict(errors.Refused, ValidationError):
    """The phone number or email address belongs to another account: a
    ValidationError keyed by field (`{"phone": ..., "email": ...}`), which
    the form shows on those fields; it has no single `message`."""

    def __init__(self, errors_by_field: dict):
        ValidationError.__init__(self, errors_by_field)


def user_profile_update(
    *, user: User, display_name: str, phone: str | None, email: str | None
) -> User:
    """Change a person's name (what certificates print), phone number (E.164,
    see `phone.phone_normalize`) and email address. At least one of phone and
    email stays. Keeps allauth's email records in step, so the old address
    no longer logs in or receives resets.

    A changed name runs the `sinau_display_name_changed` hooks (each called
    with `user=`) in the same transaction: certificates are reissued with it.

    Raises `ProfileConflict` (a ValidationError keyed by field) when the
    number or address is another account's, and ValidationError when both
    would be empty; nothing is changed then. Idempotent."""
    from allauth.account.models import EmailAddress

    phone = phone_normalize(phone) if phone else None
    email = (User.objects.normalize_email(email).strip() or None) if email else None
    if not phone and not email:
        raise ValidationError(NEED_PHONE_OR_EMAIL, code="need_phone_or_email")
    _profile_conflicts_raise(user=user, phone=phone, email=email)
    try:
        with transaction.atomic():
            renamed = user.display_name != display_name.strip()
            user.display_name = display_name.strip()
            user.phone = phone
            user.email = email
            user.save(update_fields=["display_name", "phone", "email"])
            if renamed:
                # Apps that print the name (certificates) follow it, in the
                # same transaction, without this app knowing them.
                for follow in hooks.get_hooks("sinau_display_name_changed"):
                    follow(user=user)
            EmailAddress.objects.filter(user=user).exclude(email=email or "").delete()
            if email:
                EmailAddress.objects.update_or_create(
                    user=user,
                    email=email,
                    defaults={"primary": True},
                    create_defaults={"primary": True, "verified": False},
                )
    except IntegrityError:
        # Another account took the number or address since the check above:
        # say which (the unique constraints closed the race).
        user.refresh_from_db()
        _profile_conflicts_raise(user=user, phone=phone, email=email)
        raise
    return user


def _profile_conflicts_raise(*, user: User, phone: str | None, email: str | None):
    from allauth.account.models import EmailAddress

    others = User.objects.exclude(pk=user.pk)
    errors = {}
    if phone and others.filter(phone=phone).exists():
        errors["phone"] = ValidationError(PHONE_TAKEN, code="phone_taken")
    if email and (
        others.filter(email__iexact=email).exists()
        or EmailAddress.objects.filter(email__iexact=email).exclude(user=user).exists()
    ):
        errors["email"] = ValidationError(EMAIL_TAKEN, code="email_taken")
    if errors:
        raise ProfileConflict(errors)


# --- Email addresses nobody confirmed ------------------------------------


def user_email_confirm(*, user: User) -> None:
    """Record that the owner of `user.email` has shown they read it (they
    followed a link mailed there). Idempotent; nothing without an email."""
    from allauth.account.models import EmailAddress

    if not user.email:
        return
    with transaction.atomic():
        address = EmailAddress.objects.filter(
            user=user, email__iexact=user.email
        ).first()
        if address is None:
            EmailAddress.objects.create(
                user=user, email=user.email, primary=True, verified=True
            )
        elif not address.verified:
            address.verified = True
            address.save(update_fields=["verified"])


def email_confirmed_after_reset(sender, request, user, **kwargs) -> None:
    """allauth's `password_reset` signal receiver: the reset key was mailed
    to one of the account's addresses, so whoever used it reads that
    address. When the account has only one address, it is confirmed: this
    is how the real owner of an address a cohort import named claims it.
    With several (someone added another on the account page), the key may
    have gone to any of them, so none is confirmed: otherwise whoever set
    the first password through a staff link could add an address of their
    own, reset through it, and have a stranger's imported address count as
    confirmed."""
    from allauth.account.models import EmailAddress

    if not user.email:
        return
    others = EmailAddress.objects.filter(user=user).exclude(email__iexact=user.email)
    if not others.exists():
        user_email_confirm(user=user)


# --- One-time password links -------------------------------------------


class PasswordLinkInvalid(errors.Refused):
    """The link is unknown, expired or already used (its page says so: 410
    Gone)."""

    status = 410


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def password_link_create(*, user: User, created_by: User) -> str:
    """Make a one-time link with which `user` sets a new password, for a
    trainer, program manager or superuser to send them (e.g. by WhatsApp).
    Returns the link's path on this site (`/akun/sandi-baru/<token>/`; the
    view makes it absolute). The link expires after
    `settings.SINAU_PASSWORD_LINK_HOURS` hours and works once; a new link
    for the same person ends their earlier unused ones. Only a hash of the
    token is stored.

    Raises PermissionDenied, creating nothing, unless `user` is in
    `selectors.trainees_password_linkable_by(user=created_by)`. Not
    idempotent: every call makes a new link."""
    return password_links_create(users=[user], created_by=created_by)[user.pk]


# Ids per query when checking or expiring many people's links (well under
# SQLite's limit on bound parameters).
LINK_BATCH = 1000


def password_links_create(*, users: list[User], created_by: User) -> dict[int, str]:
    """`password_link_create` for many people at once (a cohort import of
    thousands): {user id: link path}. All or nothing: raises
    PermissionDenied, creating nothing, if any of `users` is outside
    `trainees_password_linkable_by(user=created_by)`. Queries: two per
    LINK_BATCH people (the scope check and ending earlier links) and one
    bulk insert, not four per person."""
    ids = list(dict.fromkeys(u.pk for u in users))
    scope = trainees_password_linkable_by(user=created_by)
    allowed = set()
    for start in range(0, len(ids), LINK_BATCH):
        batch = ids[start : start + LINK_BATCH]
        allowed.update(scope.filter(pk__in=batch).values_list("pk", flat=True))
    if len(allowed) != len(ids):
        raise PermissionDenied("not a trainee of this person")
    tokens = {pk: secrets.token_urlsafe(32) for pk in ids}
    now = timezone.now()
    expires_at = now + timedelta(hours=settings.SINAU_PASSWORD_LINK_HOURS)
    with transaction.atomic():
        for start in range(0, len(ids), LINK_BATCH):
            PasswordLink.objects.filter(
                user_id__in=ids[start : start + LINK_BATCH],
                used_at__isnull=True,
                expires_at__gt=now,
            ).update(expires_at=now)
        PasswordLink.objects.bulk_create(
            [
                PasswordLink(
                    user_id=pk,
                    created_by=created_by,
                    token_hash=_token_hash(token),
                    expires_at=expires_at,
                )
                for pk, token in tokens.items()
            ],
            batch_size=LINK_BATCH,
        )
    return {
        pk: reverse("account_password_link", args=[token])
        for pk, token in tokens.items()
    }


def password_link_get(*, token: str) -> PasswordLink:
    """The usable link for `token`. Raises PasswordLinkInvalid when it is
    unknown, expired or used, or when the rule that allowed it no longer
    holds: its person must still be in `accounts_password_linkable()` (a
    trainee-only account the programme made, with no password of its own:
    not one who became staff or set a password meanwhile) and within the
    reach of the link's maker (`trainees_password_linkable_by`: still a
    member of a cohort they manage or teach)."""
    link = (
        PasswordLink.objects.select_related("user", "created_by")
        .filter(token_hash=_token_hash(token))
        .first()
    )
    if (
        link is None
        or link.used_at is not None
        or link.expires_at <= timezone.now()
        or link.created_by is None
        or not trainees_password_linkable_by(user=link.created_by)
        .filter(pk=link.user_id)
        .exists()
    ):
        raise PasswordLinkInvalid
    return link


def password_link_redeem(*, token: str, password: str) -> User:
    """Set the password of the link's person and spend the link, in one
    transaction (a second use, even a parallel one, raises
    PasswordLinkInvalid and changes nothing). Ends the account's log-in
    lock, like a reset by email. `password` must already be validated
    (the form runs Django's password validators)."""
    with transaction.atomic():
        link = password_link_get(token=token)
        spent = PasswordLink.objects.filter(pk=link.pk, used_at__isnull=True).update(
            used_at=timezone.now()
        )
        if spent != 1:
            raise PasswordLinkInvalid
        user = User.objects.select_for_update().get(pk=link.user_id)
        user.set_password(password)
        user.save(update_fields=["password"])
    password_throttle_clear(user=user)
    return user


def whatsapp_share_url(*, phone: str | None, text: str) -> str:
    """A `https://wa.me/` link that opens WhatsApp with `text` typed in, to
    `phone` (E.164) when given, else to a contact the sender picks."""
    digits = "".join(ch for ch in (phone or "") if ch.isdigit())
    return f"https://wa.me/{digits}?text={quote(text)}"
