"""Tasks that belong to the project rather than to one app."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings

from .queue import queued_jobs_sweep


@shared_task(name="lms.ping")
def ping(token: str) -> str:
    """Answer a health check from the web process. Idempotent: no side effects."""
    return f"pong:{token}"


@shared_task(acks_late=True)
def queued_jobs_sweep_task(older_than_seconds: float | None = None) -> int:
    """Beat: send again the exports, regrades and imports whose message was
    lost (lms/queue.py). Returns how many it sent."""
    if older_than_seconds is None:
        older_than_seconds = settings.SINAU_JOB_SWEEP_AFTER
    return queued_jobs_sweep(older_than=timedelta(seconds=older_than_seconds))
