from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "lms.certificates"
    label = "certificates"
    verbose_name = _("Certificates")

    def ready(self) -> None:
        # AppConfig.ready: these import models, so only once apps are loaded.
        from courses.progress import progress_tracked

        from . import receivers  # noqa: F401  (connects course_completed)
        from .models import Certificate

        progress_tracked(Certificate)
