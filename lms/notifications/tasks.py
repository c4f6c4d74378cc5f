"""Celery tasks for notifications. Arguments are ids; each calls a service.
The services import these tasks (to enqueue them), so each task imports its
service in its body."""

import random

from celery import shared_task
from django.conf import settings
from django.db import OperationalError

from .channels.base import ChannelDown


def _countdown(retries: int) -> float:
    base = settings.SINAU_NOTIFICATION_RETRY_BACKOFF
    return min(base * 2**retries, 900.0) + random.uniform(0, base)  # noqa: S311


@shared_task(bind=True, acks_late=True, max_retries=None)
def notification_send_task(self, notification_id: int) -> str:
    """Send one notification down its ladder (`notification_deliver`). A
    channel that cannot be reached is retried with backoff
    (`SINAU_NOTIFICATION_RETRIES` times), then passed over for the next
    rung. Redelivery is harmless: each channel is claimed once."""
    # late: the service imports this task module (task<->service convention)
    from .services import notification_deliver

    last = self.request.retries >= settings.SINAU_NOTIFICATION_RETRIES
    try:
        return notification_deliver(notification_id=notification_id, give_up_down=last)
    except (ChannelDown, OperationalError) as exc:
        raise self.retry(exc=exc, countdown=_countdown(self.request.retries)) from exc


@shared_task(acks_late=True)
def notifications_sweep_task() -> int:
    """Beat, every few minutes: send what quiet hours held and what a lost
    message left pending."""
    # late: the service imports this task module (task<->service convention)
    from .services import notifications_sweep

    return notifications_sweep()
