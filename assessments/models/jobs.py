"""Jobs a Celery worker runs for the question bank: regrades of a corrected
question and imports of an uploaded file."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lms.common.limits import INT_MAX, at_most

from .bank import Question, QuestionCategory


class RegradeJob(models.Model):
    """A regrade of every attempt (submitted or in progress) that asked a
    question, run by a Celery worker after a trainer corrected the question."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a worker")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    attempts_changed = models.PositiveIntegerField(
        _("submitted attempts changed"),
        default=0,
        validators=at_most(INT_MAX),
        help_text=_("Submitted attempts whose score or result changed."),
    )
    open_attempts_changed = models.PositiveIntegerField(
        _("open attempts changed"),
        default=0,
        validators=at_most(INT_MAX),
        help_text=_("Attempts in progress that now carry the corrected key."),
    )
    task_id = models.CharField(_("worker task"), max_length=64, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("regrade")
        verbose_name_plural = _("regrades")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.question} · {self.get_status_display()}"


class RegradeJobItem(models.Model):
    """What one regrade did to one answer (AttemptQuestion), written in the
    same transaction as the change. A second delivery of the job, in a row or
    at once, finds the row and skips the answer, and the job's counters are
    counted from these rows: one delivery or two give the same figures."""

    class Outcome(models.TextChoices):
        UNCHANGED = "unchanged", _("Unchanged")
        CHANGED = "changed", _("Submitted attempt changed")
        OPEN_CHANGED = "open_changed", _("Open attempt changed")

    job = models.ForeignKey(RegradeJob, on_delete=models.CASCADE, related_name="items")
    item = models.ForeignKey(
        "AttemptQuestion", on_delete=models.CASCADE, related_name="+"
    )
    outcome = models.CharField(max_length=16, choices=Outcome.choices)

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("regrade result")
        verbose_name_plural = _("regrade results")
        constraints = [
            models.UniqueConstraint(
                fields=["job", "item"],
                name="regradejobitem_unique_job_item",
                violation_error_message=_(
                    "This regrade already has a result for this answer."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.job_id} · {self.item_id} · {self.outcome}"


class ImportJob(models.Model):
    """A question-bank import from an uploaded file: small files run in the
    request, large ones on a Celery worker (`question_import_task`). The
    file's bytes are kept here until the job ends, so any worker on any
    machine can run it. `report` says what was imported, skipped and why."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a worker")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed: nothing was imported")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    filename = models.CharField(_("file"), max_length=255)
    file_format = models.CharField(_("format"), max_length=16)
    content = models.BinaryField(_("content"), blank=True)
    category = models.ForeignKey(
        QuestionCategory,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    skip_unsupported = models.BooleanField(
        _("skip unsupported questions"), default=False
    )
    language = models.CharField(_("language"), max_length=16, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=at_most(100)
    )
    created = models.PositiveIntegerField(
        _("questions imported"), default=0, validators=at_most(INT_MAX)
    )
    report = models.JSONField(_("report"), default=dict, blank=True)
    task_id = models.CharField(_("worker task"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("question import")
        verbose_name_plural = _("question imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} · {self.get_status_display()}"
