from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "lms.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from allauth.account.signals import password_reset

        from .roles import roles_sync_after_migrate
        from .throttle import password_throttle_clear_after_reset

        # Apps migrated after ours add permissions that roles need.
        post_migrate.connect(roles_sync_after_migrate, dispatch_uid="sinau_roles")
        # A reset by email proves ownership: the account's lock ends.
        password_reset.connect(
            password_throttle_clear_after_reset, dispatch_uid="sinau_throttle_reset"
        )
