from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "lms.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # AppConfig.ready: these modules import models, so only once apps
        # are loaded.
        from lms.accounts.signals import password_link_made

        from .receivers import password_link_notify

        password_link_made.connect(
            password_link_notify, dispatch_uid="notifications.password_link"
        )
