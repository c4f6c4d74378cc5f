"""The sweep that sends lost job messages again (the rule is in
`lms.common.queue`, which this path also re-exports): project wiring, as it
names each app's job model and task."""

from __future__ import annotations

from datetime import timedelta

from django.apps import apps
from django.utils import timezone
from django.utils.module_loading import import_string

from lms.common.queue import *  # noqa: F403
from lms.common.queue import task_enqueue_on_commit, task_send  # noqa: F401

# (model label, task name, filter beyond status=pending): the rows a worker
# builds from, whose lost messages `queued_jobs_sweep_task` sends again.
SWEPT_JOBS = (
    ("cohorts.CohortExport", "lms.cohorts.tasks.cohort_export_task", {}),
    ("cohorts.ReminderRun", "lms.cohorts.tasks.cohort_reminders_run_task", {}),
    ("cohorts.Announcement", "lms.cohorts.tasks.announcement_send_task", {}),
    ("assessments.RegradeJob", "assessments.tasks.question_regrade_task", {}),
    # Small imports run in the request and have no task id.
    ("assessments.ImportJob", "assessments.tasks.question_import_task", {}),
)


def queued_jobs_sweep(*, older_than: timedelta) -> int:
    """Send again every job of SWEPT_JOBS still pending `older_than` after
    it was requested (its message was lost: the broker was down, flushed,
    or a worker died before taking it), with its own task id. Returns how
    many were sent."""
    cutoff = timezone.now() - older_than
    sent = 0
    for label, task_name, extra in SWEPT_JOBS:
        model = apps.get_model(label)
        task = import_string(task_name)
        pending = (
            model.objects.filter(
                status=model.Status.PENDING, created_at__lt=cutoff, **extra
            )
            .exclude(task_id="")
            .values_list("pk", "task_id")
        )
        for pk, task_id in pending:
            sent += task_send(task, (pk,), task_id)
    return sent
