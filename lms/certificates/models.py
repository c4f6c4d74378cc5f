"""Certificates: one per trainee and course, issued by a Celery worker when
the course is complete, verifiable by anyone from its UUID or short code.

Lifecycle: pending -> issued, or pending -> failed (tries, last error) ->
issued after a retry; issued -> revoked (who, when, why). Every change is a
`CertificateEvent`. The UUID and the code never change, not even on reissue.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from lms.common.storage import private_storage

# Short codes: at most one of each look-alike group (0/O, 1/I/L and 8/B are
# all out; 5/S keeps 5, 2/Z keeps 2, U/V keeps V).
# 26 symbols, 12 of them: 26**12 ~ 9.5e16 codes, so guessing one is hopeless
# and collisions are rare (the unique constraint catches them; we redraw).
CODE_ALPHABET = "ACDEFGHJKMNPQRTVWXY2345679"
# Bitstring Status List length in bits: the W3C minimum (16 KB), which gives
# group privacy. Indexes are drawn at random below this bound.
STATUS_LIST_LENGTH = 131072


class Certificate(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ISSUED = "issued", _("Issued")
        FAILED = "failed", _("Failed")
        REVOKED = "revoked", _("Revoked")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainee"),
        on_delete=models.CASCADE,
        related_name="certificates",
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("course"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    enrollment = models.OneToOneField(
        "courses.Enrollment",
        verbose_name=_("enrollment"),
        on_delete=models.PROTECT,
        related_name="certificate",
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=Status.choices,
        default=Status.PENDING,
        db_index=True,
    )
    uuid = models.UUIDField(_("UUID"), unique=True, default=uuid.uuid4, editable=False)
    code = models.CharField(_("code"), max_length=14, unique=True, editable=False)
    recipient_name = models.CharField(_("name printed"), max_length=150)
    completed_at = models.DateTimeField(_("completed at"))
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    # Private storage: served only by the download views, which check access.
    pdf = models.FileField(
        _("PDF"), storage=private_storage, upload_to="certificates/", blank=True
    )
    credential = models.FileField(
        _("signed credential"),
        storage=private_storage,
        upload_to="certificates/",
        blank=True,
    )
    status_list_index = models.PositiveIntegerField(
        _("status list index"), unique=True, editable=False
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_reason = models.TextField(_("reason for revoking"), blank=True)
    # A reissue bumps `revision`; the worker renders while rendered_revision
    # is behind it, so a second delivery of the same job renders nothing.
    revision = models.PositiveIntegerField(_("revision"), default=1)
    rendered_revision = models.PositiveIntegerField(_("rendered revision"), default=0)
    tries = models.PositiveSmallIntegerField(_("tries"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    # Nothing links to a certificate from content; skip Wagtail's reference
    # index, which would otherwise run on every save of every certificate.
    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course"],
                name="certificate_unique_user_course",
                violation_error_message=_(
                    "This person already has a certificate for this course."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.recipient_name}"

    @property
    def needs_render(self) -> bool:
        return (
            self.status != self.Status.REVOKED
            and self.rendered_revision < self.revision
        )

    @property
    def file_stem(self) -> str:
        """Files are named after the UUID, so a retry after a crash or a
        reissue overwrites instead of adding a file."""
        return f"certificates/{self.uuid}"


class CertificateEvent(models.Model):
    """The audit trail: who did what to a certificate, and when."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        ISSUED = "issued", _("Issued")
        ATTEMPT_FAILED = "attempt_failed", _("Attempt failed")
        FAILED = "failed", _("Failed")
        RETRY = "retry", _("Retry requested")
        REVOKED = "revoked", _("Revoked")
        REISSUE = "reissue", _("Reissue requested")
        REISSUED = "reissued", _("Reissued")
        NAME_CHANGED = "name_changed", _("Name corrected")

    certificate = models.ForeignKey(
        Certificate, on_delete=models.CASCADE, related_name="events"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=32, choices=Action.choices)
    detail = models.TextField(_("detail"), blank=True)

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("certificate event")
        verbose_name_plural = _("certificate events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}"


@register_setting(icon="doc-full")
class CertificateSettings(BaseGenericSetting):
    """Who issues the certificates: printed on every PDF and named as the
    issuer of the signed credential."""

    programme_name = models.CharField(
        _("programme name"),
        max_length=150,
        default="Sinau",
        help_text=_("The issuing programme, e.g. 'Kampung Marketer Purbalingga'."),
    )
    programme_url = models.URLField(_("programme website"), blank=True)
    signatory_name = models.CharField(_("signatory name"), max_length=150, blank=True)
    signatory_title = models.CharField(
        _("signatory title"),
        max_length=150,
        blank=True,
        help_text=_("e.g. 'Ketua Program'."),
    )
    signature = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("signature image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("programme_name"), FieldPanel("programme_url")],
            heading=_("Programme"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("signatory_name"),
                FieldPanel("signatory_title"),
                FieldPanel("signature"),
            ],
            heading=_("Signatory"),
        ),
        FieldPanel("logo"),
    ]

    class Meta:
        verbose_name = _("certificate settings")
