"""Celery tasks for certificates. Arguments are ids; each calls services.
The services import these tasks (to enqueue them), so each task imports its
service in its body."""

import logging
import random
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)


def retry_countdown(retries: int) -> float:
    """Exponential backoff with jitter: base * 2**retries (+ up to one base),
    capped at five minutes."""
    base = settings.SINAU_CERTIFICATE_RETRY_BACKOFF
    return min(base * 2**retries, 300.0) + random.uniform(0, base)  # noqa: S311


@shared_task(
    bind=True,
    acks_late=True,
    max_retries=settings.SINAU_CERTIFICATE_MAX_RETRIES,
)
def certificate_issue_task(self, enrollment_id: int) -> str | None:
    """Issue (or reissue) the certificate of a completed enrollment. The
    service is idempotent, so redelivery and sweeper duplicates are no-ops.
    On an error: retry with backoff, at most `max_retries` times, then the
    certificate is marked failed (staff can retry it from the admin)."""
    # late: the service imports this task module (task<->service convention)
    from .services import certificate_attempt_failed, certificate_issue

    try:
        certificate = certificate_issue(enrollment_id=enrollment_id)
    except Exception as exc:
        final = self.request.retries >= self.max_retries
        error = f"{type(exc).__name__}: {exc}"
        try:
            certificate_attempt_failed(
                enrollment_id=enrollment_id, error=error, final=final
            )
        except Exception:  # the database is down too: the sweeper retries
            logger.exception("could not record the failure of %s", enrollment_id)
        if final:
            raise
        raise self.retry(
            exc=exc, countdown=retry_countdown(self.request.retries)
        ) from exc
    return certificate.status if certificate is not None else None


@shared_task(acks_late=True)
def certificates_sweep_task(older_than_seconds: float | None = None) -> int:
    """Beat, every few minutes: re-enqueue completions without an issued
    certificate (a lost message, a flushed broker, a killed worker). A cache
    lock keeps two overlapping sweeps from both enqueueing. Returns how many
    it enqueued."""
    # late: the service imports this task module (task<->service convention)
    from .services import certificates_to_sweep

    if older_than_seconds is None:
        older_than_seconds = settings.SINAU_CERTIFICATE_SWEEP_AFTER
    if not cache.add("certificates:sweep-lock", 1, timeout=60):
        return 0
    try:
        ids = certificates_to_sweep(older_than=timedelta(seconds=older_than_seconds))
        for enrollment_id in ids:
            certificate_issue_task.delay(enrollment_id)
    finally:
        cache.delete("certificates:sweep-lock")
    if ids:
        logger.info("certificate sweep re-enqueued %d enrollments", len(ids))
    return len(ids)
