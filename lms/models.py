"""Sinau's own site-wide records (see lms/common/addresses.py)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ServedAddress(models.Model):
    """The address (scheme, host and port) Sinau was last reached at by a
    browser, recorded by `lms.common.addresses.ServedAddressMiddleware` so that
    work done without a request (Celery workers, beat, commands) builds
    links that open: one row (pk 1). Unused while SINAU_PUBLIC_URL is set."""

    origin = models.CharField(_("origin"), max_length=300)
    seen_at = models.DateTimeField(_("first seen at"))

    class Meta:
        verbose_name = _("served address")
        verbose_name_plural = _("served addresses")

    def __str__(self) -> str:
        return self.origin
