"""Run what the notification worker runs, in the test's process."""

from lms.notifications.models import Notification
from lms.notifications.services import notification_deliver


def notifications_deliver_pending() -> list[str]:
    """Send every pending notification down its ladder
    (`notification_deliver`, as `notification_send_task` does); returns
    the statuses, oldest first."""
    ids = Notification.objects.filter(status=Notification.Status.PENDING).order_by("pk")
    return [
        notification_deliver(notification_id=pk)
        for pk in ids.values_list("pk", flat=True)
    ]


def quiet_hours_off(settings) -> None:
    """For a test whose result must not depend on the hour it runs at:
    no quiet hours (the quiet-hours tests set their own)."""
    settings.SINAU_QUIET_HOURS = (0, 0)
