"""Sending Celery work so that losing the broker loses nothing.

Every job Sinau sends to a worker is first a row in the database
(a certificate or a completed enrollment, a cohort export, a regrade, a
question import), and the message is sent after that row commits with
`task_enqueue_on_commit`. When the broker cannot be reached the send is
logged and dropped, never raised: the request that asked for the work still
answers (its row is committed) and a beat sweep sends the message again
once the broker is back:

- certificates: a completed enrollment without a certificate, or one
  pending: `certificates_sweep_task` (every 2 minutes);
- cohort exports (`CohortExport`), regrades (`RegradeJob`) and large
  question imports (`ImportJob` with a task id), pending:
  `queued_jobs_sweep_task` (every 5 minutes).

Each task is idempotent for a row that is no longer pending, so a message
sent twice (a slow queue and the sweep) does the work once."""

from __future__ import annotations

import logging
from datetime import timedelta
from functools import partial

from django.apps import apps
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

# (model label, task name, filter beyond status=pending): the rows a worker
# builds from, whose lost messages `queued_jobs_sweep_task` sends again.
SWEPT_JOBS = (
    ("cohorts.CohortExport", "lms.cohorts.tasks.cohort_export_task", {}),
    ("assessments.RegradeJob", "assessments.tasks.question_regrade_task", {}),
    # Small imports run in the request and have no task id.
    ("assessments.ImportJob", "assessments.tasks.question_import_task", {}),
)


def task_send(task, args: tuple = (), task_id: str | None = None) -> bool:
    """Send `task(*args)` to the broker now. Returns False (and logs one
    warning line) when the broker cannot be reached or refuses it; never
    raises. The caller's row stays for the task's sweep."""
    try:
        task.apply_async(args, task_id=task_id)
    except Exception as error:  # any broker failure: the sweep resends
        logger.warning(
            "could not send %s%r to the broker (%s: %s); its sweep resends it",
            task.name,
            tuple(args),
            type(error).__name__,
            error,
        )
        return False
    return True


def task_enqueue_on_commit(task, *, args: tuple = (), task_id: str | None = None):
    """After the current transaction commits (at once outside one), send
    `task(*args)` with `task_send`: a broker that is down costs the request
    nothing but the send's retries, and the work waits for its sweep."""
    transaction.on_commit(partial(task_send, task, tuple(args), task_id))


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
