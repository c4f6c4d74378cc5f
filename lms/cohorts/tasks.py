"""Celery tasks for cohorts. Arguments are ids; each calls a service. The
services import these tasks (to enqueue them), so each task imports its
service in its body."""

from celery import shared_task
from django.db import OperationalError


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def cohort_export_task(self, export_id: int) -> None:
    # late: the service imports this task module (task<->service convention)
    from .services import cohort_export_build

    cohort_export_build(export_id=export_id)


@shared_task(acks_late=True)
def cohort_reminders_task(cohort_id: int | None = None) -> int:
    """Beat (07:00, 13:00, 19:00 WIB): remind the due trainees of every running
    cohort, or of one (`manage.py reminders_send --cohort ID` runs the
    same). Returns how many reminders were recorded."""
    # late: the service imports this task module (task<->service convention)
    from .services import cohort_reminders_send, cohorts_reminding

    return sum(
        len(cohort_reminders_send(cohort=cohort))
        for cohort in cohorts_reminding(cohort_id=cohort_id)
    )


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def cohort_reminders_run_task(self, run_id: int) -> None:
    """A "send now" from a cohort's reminders page."""
    # late: the service imports this task module (task<->service convention)
    from .services import cohort_reminders_run

    cohort_reminders_run(run_id=run_id)


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def announcement_send_task(self, announcement_id: int) -> None:
    """Fan an announcement out to its cohort's members."""
    # late: the service imports this task module (task<->service convention)
    from .services import announcement_send

    announcement_send(announcement_id=announcement_id)


@shared_task(acks_late=True)
def cohort_summaries_task() -> int:
    """Beat, Monday 07:00 WIB: each cohort's weekly summary to its managers."""
    # late: the service imports this task module (task<->service convention)
    from .services import cohort_summaries_send

    return cohort_summaries_send()
