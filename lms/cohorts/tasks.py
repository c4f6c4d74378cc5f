"""Celery tasks for cohorts. Arguments are ids; each calls a service. The
services import these tasks (to enqueue them), so each task imports its
service in its body."""

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from .models import Cohort


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
def cohort_reminders_task() -> int:
    """Beat: remind inactive trainees of every running cohort."""
    # late: the service imports this task module (task<->service convention)
    from .services import cohort_reminders_send

    today = timezone.localdate()
    sent = 0
    for cohort in Cohort.objects.filter(
        starts_on__lte=today, reminder_after_days__gt=0
    ):
        sent += cohort_reminders_send(cohort=cohort)
    return sent
