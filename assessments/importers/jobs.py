"""Import jobs: an uploaded file imported in the request (small files) or
by a Celery worker (large ones), with progress and a report."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils import timezone, translation

from lms.common.queue import task_enqueue_on_commit

from ..models import ImportJob, QuestionCategory
from ..selectors import question_categories_usable_by
from ..tasks import question_import_task
from . import parse
from .base import ImportFailed
from .write import questions_import

INLINE_MAX_BYTES = 256 * 1024  # larger uploads go to a Celery worker
NAMES_SHOWN = 500  # question names kept in a report


def import_job_create(
    *,
    user,
    filename: str,
    content: bytes,
    file_format: str,
    category: QuestionCategory | None = None,
    skip_unsupported: bool = False,
) -> ImportJob:
    """Record an import of `content` for `user`. Files over
    INLINE_MAX_BYTES are queued for a worker after commit
    (`question_import_task`); smaller ones are run by the caller with
    `import_job_run`. Returns the job (pending)."""
    inline = len(content) <= INLINE_MAX_BYTES
    job = ImportJob.objects.create(
        task_id="" if inline else str(uuid.uuid4()),
        requested_by=user,
        filename=filename[:255],
        file_format=file_format,
        content=content,
        category=category,
        skip_unsupported=skip_unsupported,
        language=translation.get_language() or "",
    )
    if not inline:
        task_enqueue_on_commit(
            question_import_task, args=(job.pk,), task_id=job.task_id
        )
    return job


def import_job_is_inline(job: ImportJob) -> bool:
    """Whether the job is small enough to run in the request."""
    return len(job.content) <= INLINE_MAX_BYTES


def import_job_run(*, job_id: int) -> ImportJob:
    """Run a pending import job: parse, then write all or nothing, in the
    requester's language and staff scope (`question_categories_usable_by`;
    no scope for a job without a requester). Idempotent: a job that is not
    pending (already claimed, done or failed) is returned untouched. The
    questions and the job's "done" are committed together, so a worker
    that dies mid-way leaves nothing half-written."""
    claimed = ImportJob.objects.filter(
        pk=job_id, status=ImportJob.Status.PENDING
    ).update(status=ImportJob.Status.RUNNING, progress=5)
    job = ImportJob.objects.select_related("requested_by", "category").get(pk=job_id)
    if not claimed:
        return job
    with translation.override(job.language or None):
        try:
            result = parse(
                bytes(job.content),
                job.file_format,
                skip_unsupported=job.skip_unsupported,
            )
            _progress(job, 50)
            with transaction.atomic():
                report = questions_import(
                    result=result,
                    category=job.category,
                    source=job.filename,
                    usable_categories=_scope(job),
                )
                job.status = ImportJob.Status.DONE
                job.created = report.created
                job.report = {
                    "categories": report.categories,
                    "skipped": report.skipped,
                    "refused": report.refused,
                    "notes": report.notes,
                    "names": report.names[:NAMES_SHOWN],
                    "errors": [],
                }
                _finish(job)
        except ImportFailed as failed:
            job.status = ImportJob.Status.FAILED
            job.report = {
                "errors": failed.errors,
                "skipped": failed.skipped,
                "importable": failed.importable,
                "notes": [],
                "names": [],
                "categories": [],
            }
            _finish(job)
    return job


def _scope(job: ImportJob):
    """The categories the requester may file into (None: no limit)."""
    if job.requested_by is None:
        return None
    return question_categories_usable_by(user=job.requested_by)


def _progress(job: ImportJob, percent: int) -> None:
    """Record progress (seen by the result page's refresh)."""
    job.progress = percent
    ImportJob.objects.filter(pk=job.pk).update(progress=percent)


def _finish(job: ImportJob) -> None:
    """Save the outcome and drop the file's bytes."""
    job.progress = 100
    job.content = b""
    job.finished_at = timezone.now()
    job.save(
        update_fields=[
            "status",
            "progress",
            "created",
            "report",
            "content",
            "finished_at",
        ]
    )


def import_job_fail(*, job_id: int, error: str) -> None:
    """Mark a job failed after an unexpected error on the worker."""
    ImportJob.objects.filter(pk=job_id).exclude(status=ImportJob.Status.DONE).update(
        status=ImportJob.Status.FAILED,
        progress=100,
        content=b"",
        finished_at=timezone.now(),
        report={
            "errors": [error],
            "skipped": [],
            "notes": [],
            "names": [],
            "categories": [],
        },
    )
