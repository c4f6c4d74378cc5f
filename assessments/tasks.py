"""Celery tasks for assessments. Arguments are ids; each calls one service.

Each task imports its service in its body: the services import these tasks
at module level to enqueue them (`<name>_task`), so a module-level import
here would be a circle."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import OperationalError

from .models import RegradeJob


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def question_regrade_task(self, job_id: int) -> int:
    """Regrade every submitted attempt of a corrected question."""
    # late: the service imports this task module (task<->service convention)
    from .services import question_regrade

    try:
        return question_regrade(job_id=job_id).attempts_changed
    except OperationalError:
        raise
    except Exception as exc:
        # A twin delivery that finished keeps its result.
        RegradeJob.objects.filter(pk=job_id).exclude(
            status=RegradeJob.Status.DONE
        ).update(status=RegradeJob.Status.FAILED, last_error=repr(exc)[:2000])
        raise


@shared_task(acks_late=True)
def attempts_close_expired_task() -> int:
    """Submit attempts whose time ran out (runs every few minutes on beat)."""
    # late: the service imports this task module (task<->service convention)
    from .services import attempts_close_expired

    return attempts_close_expired()


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def question_import_task(self, job_id: int) -> int:
    """Run a queued question-bank import (all or nothing); returns the
    number of questions imported."""
    # late: the service imports this task module (task<->service convention)
    from .importers.jobs import import_job_fail, import_job_run

    try:
        return import_job_run(job_id=job_id).created
    except OperationalError:
        raise
    except Exception as exc:
        import_job_fail(job_id=job_id, error=repr(exc)[:2000])
        raise


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def submission_voice_transcode_task(self, file_id: int) -> bool:
    """Transcode a submitted voice note to Ogg/Opus; True when it is ready.
    Idempotent: a note already transcoded (or failed) is left alone."""
    # late: the service imports this task module (task<->service convention)
    from .practice.services import submission_voice_transcode

    row = submission_voice_transcode(file_id=file_id)
    return bool(row is not None and row.ready)


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(OperationalError, OSError),
    retry_backoff=True,
    max_retries=5,
)
def task_feedback_notify_task(self, assessment_id: int) -> bool:
    """Tell a trainee that the assessment of their practical task is
    released (the notification service); records one notification per
    assessment however often it is delivered. Returns whether this
    delivery recorded it."""
    # late: the service imports this task module (task<->service convention)
    from .practice.notify import task_feedback_notify

    return task_feedback_notify(assessment_id=assessment_id)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), max_retries=3)
def task_deadlines_notify_task() -> int:
    """Beat, every hour: remind trainees whose practical task is due within
    48 hours and who have sent nothing yet (once per trainee, task and due
    date). Returns how many reminders this run recorded."""
    # late: the service imports this task module (task<->service convention)
    from .practice.notify import task_deadlines_notify

    return task_deadlines_notify()


@shared_task(acks_late=True)
def practice_sweep_task(older_than_seconds: float | None = None) -> int:
    """Beat: send again the voice-note transcodings and feedback emails of
    practical tasks whose message was lost (the broker was down). Returns
    how many it sent."""
    # late: the services import this task module (task<->service convention)
    from .practice.notify import feedback_notices_sweep
    from .practice.services import voice_notes_sweep

    if older_than_seconds is None:
        older_than_seconds = settings.SINAU_JOB_SWEEP_AFTER
    older_than = timedelta(seconds=older_than_seconds)
    return voice_notes_sweep(older_than=older_than) + feedback_notices_sweep(
        older_than=older_than
    )
