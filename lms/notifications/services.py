"""The notification service: the one way Sinau sends a message to a person.

    notify(user=..., kind=..., key=..., message=Message(...))

records one `Notification` per person and event (`key`), and after the
transaction commits a Celery task (`tasks.notification_send_task`) walks
the person's ladder of channels (`channels.ladder()`): the first channel
that takes the message carries it; a refusal (ChannelError) or a receipt
saying it failed moves to the next rung; an unreachable channel
(ChannelDown) is retried with backoff, then passed over. Every message is
also in the person's list in Sinau. Quiet hours hold messages (except
urgent ones) until the morning; `notifications_sweep` sends what is due.
"""

import logging
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from .channels import ladder
from .channels.base import ChannelDown, ChannelError, Message
from .models import Channel, ChannelConsent, Delivery, Notification

logger = logging.getLogger(__name__)

STOP_SALT = "notifications-stop"

# A receipt may only move a delivery forward (a late "sent" after "read"
# changes nothing); "failed" is final and moves the notification on.
_RANK = {
    Delivery.Status.SENDING: 0,
    Delivery.Status.WAITING: 0,
    Delivery.Status.SENT: 1,
    Delivery.Status.DELIVERED: 2,
    Delivery.Status.READ: 3,
    Delivery.Status.FAILED: 4,
}

# Kinds an account a programme created may get before its owner has taken
# it over (set a password): only what lets them take it over.
BEFORE_ACCEPTING = {Notification.Kind.INVITATION, Notification.Kind.PASSWORD_LINK}


def _enqueue(notification_id: int) -> None:
    # late: the task module imports this one (task<->service convention)
    from .tasks import notification_send_task

    notification_send_task.delay(notification_id)


def quiet_until(now: datetime) -> datetime | None:
    """The end of quiet hours if `now` falls in them, else None.
    `SINAU_QUIET_HOURS` is (start hour, end hour) in `SINAU_QUIET_TIME_ZONE`
    (default 21, 6 in Asia/Jakarta, WIB); (0, 0) turns quiet hours off."""
    start, end = settings.SINAU_QUIET_HOURS
    if start == end:
        return None
    local = now.astimezone(ZoneInfo(settings.SINAU_QUIET_TIME_ZONE))
    hour = local.hour
    quiet = (hour >= start or hour < end) if start > end else start <= hour < end
    if not quiet:
        return None
    day = local.date() if hour < end else local.date() + timedelta(days=1)
    return datetime.combine(day, time(end), tzinfo=local.tzinfo)


def may_receive(*, user, kind: str) -> bool:
    """Whether `user` may be sent a message of `kind` at all: an active
    account, and one a programme created only once its owner took it over
    (has a password), except for the invitation and password link."""
    if not user.is_active:
        return False
    if kind in BEFORE_ACCEPTING:
        return True
    return not (user.provisioned and not user.has_usable_password())


def notify(
    *,
    user,
    kind: str,
    key: str,
    message: Message,
    cohort=None,
    sender=None,
    urgent: bool = False,
    now: datetime | None = None,
) -> Notification | None:
    """Record one notification of `kind` for `user` and event `key` (≤ 200
    characters; e.g. 'reminder:2026-12-06') and send it after the current
    transaction commits. Idempotent: a second call with the same user and
    key returns the existing row and sends nothing. Returns None when the
    person may not receive it (`may_receive`)."""
    if not may_receive(user=user, kind=kind):
        return None
    now = now or timezone.now()
    try:
        with transaction.atomic():
            notification, created = Notification.objects.get_or_create(
                user=user,
                key=key[:200],
                defaults={
                    "kind": kind,
                    "subject": message.subject[:200],
                    "body": message.body[:4000],
                    "url": message.url[:500],
                    "template": message.template,
                    "params": list(message.params),
                    "short": message.sms_text(),
                    "urgent": urgent,
                    "cohort": cohort,
                    "sender": sender,
                    "not_before": None if urgent else quiet_until(now),
                },
            )
    except IntegrityError:  # the same event, recorded by a concurrent call
        return Notification.objects.get(user=user, key=key[:200])
    if created and notification.not_before is None:
        pk = notification.pk
        transaction.on_commit(lambda: _enqueue(pk))
    return notification


# Rows per INSERT and per id look-up in `notify_many` (well under SQLite's
# limit on bound parameters).
NOTIFY_BATCH = 500


def notify_many(
    *,
    kind: str,
    items,
    cohort=None,
    sender=None,
    urgent: bool = False,
    now: datetime | None = None,
) -> int:
    """`notify` for many people at once (a cohort import of thousands):
    `items` is an iterable of (user, key, Message). Idempotent per user and
    key like `notify` (a row that exists is left alone: a bulk insert that
    ignores conflicts); people who may not receive `kind` are skipped.
    Each new notification is sent after the transaction commits. Queries:
    two per NOTIFY_BATCH people, not per person. Returns how many items
    were for people who may receive them."""
    now = now or timezone.now()
    held = None if urgent else quiet_until(now)
    rows = [
        Notification(
            user=user,
            kind=kind,
            key=key[:200],
            subject=message.subject[:200],
            body=message.body[:4000],
            url=message.url[:500],
            template=message.template,
            params=list(message.params),
            short=message.sms_text(),
            urgent=urgent,
            cohort=cohort,
            sender=sender,
            not_before=held,
        )
        for user, key, message in items
        if may_receive(user=user, kind=kind)
    ]
    for start in range(0, len(rows), NOTIFY_BATCH):
        batch = rows[start : start + NOTIFY_BATCH]
        Notification.objects.bulk_create(batch, ignore_conflicts=True)
        if held is not None:
            continue
        pending = Notification.objects.filter(
            user_id__in=[r.user_id for r in batch],
            key__in={r.key for r in batch},
            status=Notification.Status.PENDING,
            not_before__isnull=True,
        ).values_list("pk", flat=True)
        for pk in pending:
            transaction.on_commit(lambda pk=pk: _enqueue(pk))
    return len(rows)


def consents_of(*, user) -> dict[str, bool]:
    """channel -> the person's recorded choice (absent: none recorded)."""
    return dict(
        ChannelConsent.objects.filter(user=user).values_list("channel", "allowed")
    )


def consent_set(*, user, channel: str, allowed: bool, source: str) -> None:
    """Record `user`'s yes or no for `channel`. Idempotent."""
    ChannelConsent.objects.update_or_create(
        user=user, channel=channel, defaults={"allowed": allowed, "source": source}
    )


def stop_token(*, user, channel: str) -> str:
    """A signed token for the link that stops `channel` for `user`, no
    login needed (`views.stop`)."""
    return signing.dumps([user.pk, channel], salt=STOP_SALT)


def stop_token_read(*, token: str):
    """The (user, channel) a `stop_token` names, changing nothing (the stop
    link's confirm page). Raises signing.BadSignature for a forged,
    garbled or malformed token, an unknown channel or a deleted account."""
    from django.contrib.auth import get_user_model

    try:
        pk, channel = signing.loads(token, salt=STOP_SALT)
    except (TypeError, ValueError) as exc:  # signed, but not [pk, channel]
        raise signing.BadSignature("malformed") from exc
    if channel not in Channel.values or type(pk) is not int:
        raise signing.BadSignature("no such channel")
    user = get_user_model().objects.filter(pk=pk).first()
    if user is None:
        raise signing.BadSignature("no such person")
    return user, channel


def stop_by_token(*, token: str):
    """Stop the channel a `stop_token` names. Returns (user, channel).
    Raises signing.BadSignature as `stop_token_read` does. Idempotent."""
    user, channel = stop_token_read(token=token)
    consent_set(user=user, channel=channel, allowed=False, source="link")
    return user, channel


STOP_WORDS = {"STOP", "BERHENTI", "UNSUBSCRIBE", "STOP SEMUA"}


def reply_received(*, channel: str, phone: str, text: str) -> bool:
    """A person replied on `channel` from `phone` (E.164 digits, with or
    without '+'). A reply of STOP or BERHENTI (any case, surrounding
    spaces) stops that channel for the account with that phone. Returns
    True when it stopped something."""
    from django.contrib.auth import get_user_model

    if " ".join(text.split()).upper() not in STOP_WORDS:
        return False
    digits = "".join(ch for ch in phone if ch.isdigit())
    if not digits:
        return False
    user = get_user_model().objects.filter(phone=f"+{digits}").first()
    if user is None:
        return False
    consent_set(user=user, channel=channel, allowed=False, source="reply")
    return True


def _finish(notification: Notification, status: str, channel: str = "") -> None:
    Notification.objects.filter(pk=notification.pk).update(
        status=status, channel=channel, updated_at=timezone.now()
    )


def notification_deliver(
    *, notification_id: int, give_up_down: bool = False, now=None
) -> str:
    """Send one notification down its person's ladder. Returns the
    notification's status afterwards ('held' while quiet hours hold it).

    Each channel is tried at most once per notification: a `Delivery` row
    (unique per notification and channel) is claimed before the provider is
    called, so a redelivered task or a second worker never sends on the
    same channel twice. ChannelError marks the delivery failed and tries the
    next rung; ChannelDown releases the claim and re-raises (the task
    retries), unless `give_up_down`, when it counts as a failure."""
    now = now or timezone.now()
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .select_related("user")
            .filter(pk=notification_id)
            .first()
        )
        if notification is None or notification.status != Notification.Status.PENDING:
            return notification.status if notification else "gone"
        if not notification.urgent:
            held = quiet_until(now)
            if held:
                notification.not_before = held
                notification.save(update_fields=["not_before", "updated_at"])
                return "held"
        Notification.objects.filter(pk=notification.pk).update(
            attempts=notification.attempts + 1, updated_at=now
        )
    user = notification.user
    if not may_receive(user=user, kind=notification.kind):
        _finish(notification, Notification.Status.NO_CHANNEL)
        return Notification.Status.NO_CHANNEL
    allowed = consents_of(user=user)
    tried = dict(
        Delivery.objects.filter(notification=notification).values_list(
            "channel", "status"
        )
    )
    in_flight = Delivery.objects.filter(
        notification=notification,
        status=Delivery.Status.SENDING,
        created_at__gt=now - timedelta(seconds=settings.SINAU_NOTIFICATION_SWEEP_AFTER),
    )
    if in_flight.exists():
        return "busy"  # another worker is sending it right now
    any_failed = False
    for sender in ladder():
        if sender.channel in tried:
            any_failed = True
            continue
        if not sender.takes(notification):
            continue
        address = sender.address(user=user, allowed=allowed)
        if not address:
            continue
        waiting = sender.channel == Channel.HAND
        try:
            with transaction.atomic():
                delivery = Delivery.objects.create(
                    notification=notification,
                    channel=sender.channel,
                    cost=sender.rate(),
                    status=Delivery.Status.WAITING
                    if waiting
                    else Delivery.Status.SENDING,
                )
        except IntegrityError:
            # Another worker holds this rung: it carries the notification
            # on (trying the next rung here could send it twice).
            return "busy"
        try:
            provider_id = sender.send(notification=notification, address=address)
        except ChannelDown as exc:
            if not give_up_down:
                delivery.delete()
                raise
            _delivery_failed(delivery, str(exc))
            any_failed = True
            continue
        except ChannelError as exc:
            _delivery_failed(delivery, str(exc))
            any_failed = True
            continue
        except Exception as exc:  # a bug in a sender: log, move on
            logger.exception("sender %s failed on %s", sender.channel, notification.pk)
            _delivery_failed(delivery, f"{type(exc).__name__}: {exc}")
            any_failed = True
            continue
        if waiting:
            _finish(notification, Notification.Status.BY_HAND, sender.channel)
            return Notification.Status.BY_HAND
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.SENT, provider_id=provider_id[:200]
        )
        _finish(notification, Notification.Status.SENT, sender.channel)
        return Notification.Status.SENT
    status = (
        Notification.Status.FAILED if any_failed else Notification.Status.NO_CHANNEL
    )
    if notification.read_at:
        status = Notification.Status.READ
    _finish(notification, status)
    return status


def _delivery_failed(delivery: Delivery, error: str) -> None:
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.FAILED, error=error[:500], updated_at=timezone.now()
    )


def delivery_receipt(
    *, channel: str, provider_id: str, status: str, error: str = ""
) -> bool:
    """Apply a provider's receipt (a WhatsApp webhook status, an SMS
    delivery report) to the delivery it names. Statuses only move forward
    (sent → delivered → read); 'failed' after anything but 'read' marks it
    failed and sends the notification down the rest of its ladder. Unknown
    ids and statuses are ignored (returns False)."""
    if status not in _RANK or not provider_id:
        return False
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update()
            .filter(channel=channel, provider_id=provider_id)
            .first()
        )
        if delivery is None:
            return False
        if delivery.status == Delivery.Status.FAILED:
            return False
        if status == Delivery.Status.FAILED:
            if delivery.status == Delivery.Status.READ:
                return False
        elif _RANK[status] <= _RANK[delivery.status]:
            return False
        delivery.status = status
        delivery.error = error[:500] if status == Delivery.Status.FAILED else ""
        delivery.save(update_fields=["status", "error", "updated_at"])
        if status == Delivery.Status.FAILED:
            Notification.objects.filter(pk=delivery.notification_id).update(
                status=Notification.Status.PENDING, channel=""
            )
            pk = delivery.notification_id
            transaction.on_commit(lambda: _enqueue(pk))
        else:
            Notification.objects.filter(
                pk=delivery.notification_id, channel=channel
            ).exclude(status=Notification.Status.READ).update(status=status)
    return True


def by_hand_reachable(*, user_ids) -> set[int]:
    """Of `user_ids`, those a trainer or manager may message by hand from
    their own WhatsApp (a `wa.me` link): active accounts with a phone who
    have not stopped WhatsApp or by-hand messages. The one rule behind the
    ladder's by-hand rung, the reminder links and the by-hand list."""
    from django.contrib.auth import get_user_model

    ids = set(
        get_user_model()
        .objects.filter(pk__in=list(user_ids), is_active=True, phone__isnull=False)
        .exclude(phone="")
        .values_list("pk", flat=True)
    )
    stopped = ChannelConsent.objects.filter(
        user_id__in=ids,
        channel__in=[Channel.WHATSAPP, Channel.HAND],
        allowed=False,
    ).values_list("user_id", flat=True)
    return ids - set(stopped)


def hand_mark_sent(*, delivery_id: int, by) -> bool:
    """A trainer or manager sent a by-hand message from their own phone.
    Returns False when it was already marked (idempotent). The caller
    checks `by` may see the notification's cohort."""
    owner = (
        Delivery.objects.filter(pk=delivery_id)
        .values_list("notification__user_id", flat=True)
        .first()
    )
    if owner is None or not by_hand_reachable(user_ids=[owner]):
        return False  # the person stopped WhatsApp since: never send it
    with transaction.atomic():
        marked = Delivery.objects.filter(
            pk=delivery_id, channel=Channel.HAND, status=Delivery.Status.WAITING
        ).update(status=Delivery.Status.SENT, marked_by=by, updated_at=timezone.now())
        if marked:
            Notification.objects.filter(
                deliveries__pk=delivery_id, status=Notification.Status.BY_HAND
            ).update(status=Notification.Status.SENT)
    return bool(marked)


def notifications_read(*, user, ids=None) -> int:
    """Mark `user`'s notifications read in Sinau (all unread, or those of
    `ids`). Returns how many changed. Never touches another person's."""
    rows = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    now = timezone.now()
    count = rows.update(read_at=now)
    Notification.objects.filter(
        user=user, read_at=now, status=Notification.Status.NO_CHANNEL
    ).update(status=Notification.Status.READ)
    return count


def notifications_due(*, now=None, older_than: timedelta | None = None) -> list[int]:
    """Pending notifications to (re)send: those whose quiet hours are over,
    and those pending longer than `older_than` (a lost message)."""
    now = now or timezone.now()
    older_than = older_than or timedelta(
        seconds=settings.SINAU_NOTIFICATION_SWEEP_AFTER
    )
    from django.db.models import Q

    return list(
        Notification.objects.filter(status=Notification.Status.PENDING)
        .filter(
            Q(not_before__lte=now)
            | Q(not_before__isnull=True, updated_at__lt=now - older_than)
        )
        .values_list("pk", flat=True)[:5000]
    )


def notifications_sweep(*, now=None) -> int:
    """Enqueue every due notification (`notifications_due`). Returns how
    many."""
    due = notifications_due(now=now)
    for pk in due:
        _enqueue(pk)
    return len(due)


def estimate(*, users, message: Message, kind: str) -> dict[str, dict[str, int]]:
    """What a send to `users` would cost before it is made: channel ->
    {"count": people, "cost": rupiah}, by the first rung each person's
    ladder reaches (no failure assumed); 'sinau' counts people reached in
    Sinau only. Rates: `settings.SINAU_NOTIFICATION_RATES`."""
    result: dict[str, dict[str, int]] = {}
    senders = ladder()
    users = list(users)
    consents: dict[int, dict[str, bool]] = {}
    for user_id, channel, allowed in ChannelConsent.objects.filter(
        user__in=users
    ).values_list("user_id", "channel", "allowed"):
        consents.setdefault(user_id, {})[channel] = allowed
    for user in users:
        if not may_receive(user=user, kind=kind):
            continue
        chosen = str(Channel.SINAU)
        rate = 0
        for sender in senders:
            if not sender.takes(message):
                continue
            if sender.address(user=user, allowed=consents.get(user.pk, {})):
                chosen, rate = str(sender.channel), sender.rate()
                break
        row = result.setdefault(chosen, {"count": 0, "cost": 0})
        row["count"] += 1
        row["cost"] += rate
    return result
