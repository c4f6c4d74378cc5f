"""Accounts: one User for trainees, trainers and program managers.

People log in with an email address or an Indonesian phone number. Many
trainees have no email address, so both are optional, but at least one is
required and each is unique when present.
"""

import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .phone import phone_normalize
from .throttle import ACCOUNT, password_check


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        email = self.normalize_email(email) or None
        if extra.get("phone"):
            extra["phone"] = phone_normalize(extra["phone"])
        else:
            extra["phone"] = None
        if not email and not extra["phone"]:
            raise ValueError("A user needs an email address or a phone number.")
        user = self.model(email=email, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email=None, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email=None, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


class User(AbstractUser):
    username = None
    email = models.EmailField(_("email address"), unique=True, null=True, blank=True)
    phone = models.CharField(
        _("phone number"),
        max_length=16,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Stored in international form, e.g. +6281234567890."),
    )
    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    provisioned = models.BooleanField(
        _("created by a programme"),
        default=False,
        help_text=_(
            "Created by a cohort import, not by its owner. Staff may send a "
            "one-time password link only to such an account, and only while "
            "it has no password of its own."
        ),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=Q(email__isnull=False) | Q(phone__isnull=False),
                name="user_has_email_or_phone",
                violation_error_message=_("Give a phone number or an email address."),
            )
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email or self.phone or f"#{self.pk}"

    def get_full_name(self) -> str:
        return self.display_name or super().get_full_name()

    def get_short_name(self) -> str:
        return self.display_name or self.first_name or self.email or self.phone or ""

    def check_password(self, raw_password) -> bool:
        """Every check of this person's password goes through the throttle
        (`lms.accounts.throttle`), as the request being answered (its device
        cookie, its client address); raises `PasswordCheckThrottled` when
        its allowance is used up. Checks made by `authenticate()` are
        throttled there. The same password checked twice on one object (a
        form validated twice in one request) counts once."""
        if self.pk is None or not isinstance(raw_password, str):
            return super().check_password(raw_password)
        digest = hashlib.sha256(raw_password.encode()).hexdigest()
        checked = self.__dict__.setdefault("_checked_passwords", {})
        if digest not in checked:
            with password_check(
                request=None, key=f"user:{self.pk}", action=ACCOUNT
            ) as check:
                check.passed = super().check_password(raw_password)
            checked[digest] = check.passed
        return checked[digest]

    def set_password(self, raw_password) -> None:
        self.__dict__.pop("_checked_passwords", None)
        super().set_password(raw_password)

    def clean(self) -> None:
        super().clean()
        self.email = self.email or None
        self.phone = self.phone or None


class PasswordLink(models.Model):
    """A one-time link a trainer or manager makes so a trainee without email
    can set a new password. Only a hash of the token is stored; the link is
    spent when a password is set through it, and expires after
    `settings.SINAU_PASSWORD_LINK_HOURS`."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainee"),
        on_delete=models.CASCADE,
        related_name="password_links",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("password link")
        verbose_name_plural = _("password links")

    def __str__(self) -> str:
        return f"{self.user} ({self.created_at:%Y-%m-%d %H:%M})"
