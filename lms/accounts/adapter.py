"""django-allauth adapter: phone numbers live on `User.phone` as E.164."""

import logging

from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from lms.common.http import client_ip

from .phone import PhoneField, phone_normalize
from .roles import TRAINEES
from .services import user_join_role

logger = logging.getLogger(__name__)


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "phone_password_mismatch": _(
            "The phone number and/or password you entered are not correct."
        ),
        "email_password_mismatch": _(
            "The email address and/or password you entered are not correct."
        ),
        "phone_taken": _("An account with this phone number already exists."),
        # The real owner of an address (perhaps typed in by a cohort import)
        # can always claim it: the reset mail goes to that address.
        "email_taken": _(
            "An account with this email address already exists. If the address "
            'is yours, choose "Forgot your password?" on the log-in page: we will '
            "email you a link to get into that account."
        ),
    }

    def get_client_ip(self, request) -> str:
        """The client address of `lms.common.http.client_ip`, so allauth's own
        limits (reset e-mails) count clients as every other limit does."""
        ip = client_ip(request)
        if ip is None:
            raise PermissionDenied("Unable to determine client IP address")
        return ip

    def phone_form_field(self, **kwargs):
        kwargs.pop("label", None)
        return PhoneField(**kwargs)

    def clean_phone(self, phone: str) -> str:
        return phone_normalize(phone)

    def save_user(self, request, user, form, commit=True):
        """Save a new user from the sign-up form with its phone and without an
        empty email (the database requires one of the two). People who sign
        up themselves are trainees."""
        user = super().save_user(request, user, form, commit=False)
        user.email = user.email or None
        user.display_name = form.cleaned_data.get("display_name", "")
        user.preferred_language = getattr(request, "LANGUAGE_CODE", "id")
        if commit:
            user.save()
            user_join_role(user=user, role=TRAINEES)
        return user

    def set_phone(self, user, phone: str, verified: bool) -> None:
        user.phone = phone_normalize(phone)
        if user.pk:
            user.save(update_fields=["phone"])

    def get_phone(self, user):
        return (user.phone, True) if user.phone else None

    def get_login_stages(self) -> list[str]:
        """allauth's stages without phone verification: Sinau sends no SMS
        and does not verify numbers (ACCOUNT_PHONE_VERIFICATION_ENABLED is
        off), yet the stage aborted every log-in of an account without a
        phone (sign-up requires one): an email-only account, such as an
        import row with only an address, could not log in."""
        return [
            stage
            for stage in super().get_login_stages()
            if stage != "allauth.account.stages.PhoneVerificationStage"
        ]

    def set_phone_verified(self, user, phone: str) -> None:
        """Sinau does not send SMS; a number counts as given, not verified."""

    def get_user_by_phone(self, phone: str):
        try:
            normalized = phone_normalize(phone)
        except ValidationError:
            return None
        return get_user_model().objects.filter(phone=normalized).first()

    def send_verification_code_sms(self, user, phone: str, code: str, **kwargs):
        # No SMS gateway is configured; phone verification is switched off.
        logger.warning("SMS to %s not sent: no SMS gateway configured", phone)

    def populate_username(self, request, user) -> None:
        """Our User has no username."""
