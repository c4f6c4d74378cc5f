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
