"""What was sent to whom, by which channel, and what each person agreed to.

- `Notification`: one per person per event (unique `user` + `key`): the
  unique row is what makes a redelivered task, a second beat run or a
  person in two cohorts send nothing twice. It is also the in-Sinau message
  (the list in the header).
- `Delivery`: one per notification and channel tried (unique), in ladder
  order; its status follows the provider's receipts.
- `ChannelConsent`: a person's yes or no per channel.
- `PushSubscription`: a browser's Web Push subscription (RFC 8030/8291).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lms.common.limits import SMALL_MAX, at_most


class Channel(models.TextChoices):
    """The channels, in the words people see. The ladder's order is
    `settings.SINAU_NOTIFICATION_LADDER`; `sinau` is always on and `hand`
    is the last rung."""

    SINAU = "sinau", _("In Sinau")
    WHATSAPP = "whatsapp", _("WhatsApp")
    SMS = "sms", _("SMS")
    PUSH = "push", _("Phone notification")
    EMAIL = "email", _("Email")
    HAND = "hand", _("Sent by hand")


class Notification(models.Model):
    class Kind(models.TextChoices):
        CERTIFICATE = "certificate", _("Certificate issued")
        ESSAY_FEEDBACK = "essay_feedback", _("Essay marked")
        TASK_FEEDBACK = "task_feedback", _("Task feedback")
        REMINDER = "reminder", _("Reminder")
        DEADLINE = "deadline", _("Deadline coming")
        ANNOUNCEMENT = "announcement", _("Announcement")
        PASSWORD_LINK = "password_link", _("Password link")
        INVITATION = "invitation", _("Invitation")
        SUMMARY = "summary", _("Weekly summary")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        DELIVERED = "delivered", _("Delivered")
        READ = "read", _("Read")
        FAILED = "failed", _("Failed")
        NO_CHANNEL = "no_channel", _("No channel (in Sinau only)")
        BY_HAND = "by_hand", _("Waiting to be sent by hand")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    key = models.CharField(
        max_length=200,
        help_text="The event, unique per person: 'reminder:2026-12-06', "
        "'certificate:12'. A second notify() with the same key is a no-op.",
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"), max_length=4000)
    url = models.CharField(max_length=500, blank=True)
    template = models.CharField(
        max_length=64, blank=True, help_text="WhatsApp template name."
    )
    params = models.JSONField(
        default=list, blank=True, help_text="WhatsApp template body parameters."
    )
    short = models.CharField(max_length=320, blank=True, help_text="SMS text.")
    urgent = models.BooleanField(
        default=False, help_text="Sent in quiet hours too (password links)."
    )
    cohort = models.ForeignKey(
        "cohorts.Cohort",
        verbose_name=_("cohort"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    channel = models.CharField(
        _("channel"), max_length=16, choices=Channel.choices, blank=True
    )
    not_before = models.DateTimeField(
        null=True, blank=True, help_text="Held until then (quiet hours)."
    )
    attempts = models.PositiveSmallIntegerField(
        default=0, validators=at_most(SMALL_MAX)
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    read_at = models.DateTimeField(_("read in Sinau"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"],
                name="notification_once_per_event",
                violation_error_message=_("This person already has this notification."),
            )
        ]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_unread"),
            models.Index(fields=["cohort", "-created_at"], name="notification_cohort"),
            models.Index(fields=["status", "not_before"], name="notification_due"),
        ]

    def __str__(self) -> str:
        return self.subject


class Delivery(models.Model):
    class Status(models.TextChoices):
        SENDING = "sending", _("Sending")
        WAITING = "waiting", _("Waiting to be sent by hand")
        SENT = "sent", _("Sent")
        DELIVERED = "delivered", _("Delivered")
        READ = "read", _("Read")
        FAILED = "failed", _("Failed")

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.SENDING
    )
    provider_id = models.CharField(max_length=200, blank=True, db_index=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    cost = models.PositiveIntegerField(
        _("estimated cost (Rp)"), default=0, validators=at_most(10_000_000)
    )
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who marked a by-hand message as sent.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"],
                name="delivery_once_per_channel",
                violation_error_message=_(
                    "This notification was already sent on this channel."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel}: {self.status}"


class ChannelConsent(models.Model):
    """A person's choice for one channel. No row: WhatsApp and SMS are off
    (they need a yes), email and push are on when there is an address or a
    subscription. `allowed=False` is a stop (a reply STOP/BERHENTI, the
    link in a message, or the settings page)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="channel_consents",
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    allowed = models.BooleanField(_("allowed"))
    source = models.CharField(
        max_length=32,
        help_text="settings, signup, seed, link, reply, bounce",
    )
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("channel consent")
        verbose_name_plural = _("channel consents")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "channel"],
                name="consent_once_per_channel",
                violation_error_message=_(
                    "This person already has a choice for this channel."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.channel}: {self.allowed}"


class PushSubscription(models.Model):
    """One browser's Web Push subscription (the PushSubscription JSON:
    endpoint and the p256dh and auth keys, RFC 8291)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="push_subscriptions",
    )
    endpoint = models.URLField(max_length=1000, unique=True, editable=False)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("push subscription")
        verbose_name_plural = _("push subscriptions")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.endpoint[:40]}"
