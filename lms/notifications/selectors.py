"""Reads for the notification list, the header count and the staff
screens."""

from django.db.models import QuerySet

from .models import Delivery, Notification


def unread_count(*, user) -> int:
    """How many of `user`'s notifications are unread in Sinau (one query;
    0 for anonymous)."""
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notifications_of(*, user) -> QuerySet[Notification]:
    """`user`'s own notifications, newest first."""
    return Notification.objects.filter(user=user).order_by("-created_at", "-pk")


def deliveries_by_hand(*, cohort) -> QuerySet[Delivery]:
    """The by-hand messages of `cohort` still waiting, oldest first, with
    their notification and person. The caller applies the staff scope."""
    return (
        Delivery.objects.filter(
            notification__cohort=cohort,
            channel="hand",
            status=Delivery.Status.WAITING,
        )
        .select_related("notification", "notification__user")
        .order_by("created_at", "pk")
    )


def last_notifications(*, user_ids, cohort=None, kinds=None) -> dict[int, Notification]:
    """The newest notification per person of `user_ids` (optionally of
    `kinds`), only of `cohort` when given (staff of a cohort see its
    messages, never another cohort's or a person's own): user id ->
    Notification, deliveries prefetched. Two queries."""
    from django.db.models import Max

    rows = Notification.objects.filter(user_id__in=list(user_ids))
    if cohort is not None:
        rows = rows.filter(cohort=cohort)
    if kinds:
        rows = rows.filter(kind__in=list(kinds))
    newest = rows.values("user_id").annotate(newest=Max("pk")).values("newest")
    return {
        n.user_id: n
        for n in Notification.objects.filter(pk__in=newest).prefetch_related(
            "deliveries"
        )
    }
