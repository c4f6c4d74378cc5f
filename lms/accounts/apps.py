from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "lms.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # AppConfig.ready: these modules import models, so only once apps
        # are loaded.
        from allauth.account.signals import password_reset
        from django.contrib.auth.signals import user_logged_in

        from .devices import device_grant_after_log_in
        from .roles import roles_sync_after_migrate
        from .services import email_confirmed_after_reset
        from .throttle import password_throttle_clear_after_reset

        # Apps migrated after ours add permissions that roles need.
        post_migrate.connect(roles_sync_after_migrate, dispatch_uid="sinau_roles")
        # A reset by email proves ownership: the account's lock ends.
        password_reset.connect(
            password_throttle_clear_after_reset, dispatch_uid="sinau_throttle_reset"
        )
        # ... and of the address it was sent to: mail may go there now.
        password_reset.connect(
            email_confirmed_after_reset, dispatch_uid="sinau_email_reset"
        )
        # Before django.contrib.auth's update_last_login (this app is listed
        # before it), so `last_login` is still the previous log-in.
        user_logged_in.connect(first_visit_remember, dispatch_uid="sinau_first_visit")
        # A log-in makes the client a known device for the account.
        user_logged_in.connect(
            device_grant_after_log_in, dispatch_uid="sinau_device_grant"
        )


FIRST_VISIT = "sinau_first_visit"


def first_visit_remember(sender, request, user, **kwargs) -> None:
    """Remember in the session whether this is the person's first log-in
    ever (a new sign-up, or a first log-in after a trainer made the account),
    so the home page says "Welcome", not "Welcome back"."""
    if request is not None and hasattr(request, "session"):
        request.session[FIRST_VISIT] = user.last_login is None
