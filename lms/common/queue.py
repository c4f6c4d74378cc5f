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
  `queued_jobs_sweep_task` (every 5 minutes; the jobs are listed in
  `lms.queue.SWEPT_JOBS`, which names the apps' models and tasks).

Each task is idempotent for a row that is no longer pending, so a message
sent twice (a slow queue and the sweep) does the work once."""

from __future__ import annotations

import logging
from functools import partial

from django.db import transaction

# The name it logged under before it moved to lms.common (log filters use it).
logger = logging.getLogger("lms.queue")


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
