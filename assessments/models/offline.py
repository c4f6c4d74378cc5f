"""What trainees' phones send back from offline (assessments/offline,
docs/decisions/0027-offline.md): one `SyncItem` per piece of work made
offline, under the id the phone made for it, so replaying a sync applies
nothing twice and nothing sent is ever thrown away."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lms.common.limits import at_most

# The longest answering time a phone may report: 30 days, in seconds.
ELAPSED_SECONDS_MAX = 30 * 24 * 3600


class SyncItem(models.Model):
    """One piece of offline work as the phone sent it, and what the server
    made of it. Unique per trainee and client-made id: a replay of the same
    id returns this row's outcome and applies nothing.

    payload: what the phone sent, kept as sent (JSON) whatever the outcome.
    outcome: `counted` (applied), `not_counted` (kept and shown, e.g. the
        same attempt was submitted first elsewhere), `review` (held for a
        trainer) or `refused` (nothing applied: withdrawn, course closed).
    reason: a code naming why it did not simply count (`REASONS`).
    score, max_score: the server's grading of the answers in this item
        (attempt submissions), also when they did not count."""

    class Kind(models.TextChoices):
        LESSON_DONE = "lesson_done", _("Lesson marked done")
        ATTEMPT_SUBMIT = "attempt_submit", _("Quiz answers")

    class Outcome(models.TextChoices):
        COUNTED = "counted", _("Counted")
        NOT_COUNTED = "not_counted", _("Not counted")
        REVIEW = "review", _("Waiting for a trainer's review")
        REFUSED = "refused", _("Not applied")

    class Reason(models.TextChoices):
        NONE = "", _("none")
        ALREADY_SUBMITTED = "already_submitted", _("Already submitted elsewhere")
        QUIZ_CLOSED = "quiz_closed", _("The quiz closed before it was answered")
        AFTER_CLOSE = "after_close", _("Answered before the quiz closed")
        TIME_UNPROVEN = "time_unproven", _("Answering time could not be proven")
        LATE = "late", _("Arrived after the attempt's time ran out")
        NOT_ENROLLED = "not_enrolled", _("Not enrolled in the course")
        WITHDRAWN = "withdrawn", _("Not enrolled in the course any more")
        UNAVAILABLE = "unavailable", _("The course or page is not available")
        NOT_FOUND = "not_found", _("No such lesson or attempt")
        INVALID = "invalid", _("The answers could not be read")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sync_items"
    )
    client_id = models.UUIDField(_("id made by the phone"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    attempt = models.ForeignKey(
        "Attempt",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sync_items",
    )
    lesson = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    payload = models.JSONField(_("what the phone sent"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    reason = models.CharField(
        _("reason"), max_length=24, choices=Reason.choices, default="", blank=True
    )
    score = models.DecimalField(
        _("score"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    max_score = models.DecimalField(
        _("maximum score"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    client_at = models.DateTimeField(_("done at (phone clock)"), null=True, blank=True)
    elapsed_seconds = models.PositiveIntegerField(
        _("answering time on the phone (seconds)"),
        null=True,
        blank=True,
        validators=at_most(ELAPSED_SECONDS_MAX),
    )
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("offline sync item")
        verbose_name_plural = _("offline sync items")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "client_id"],
                name="sync_item_once",
                violation_error_message=_(
                    "This piece of offline work has already been received."
                ),
            )
        ]
        indexes = [models.Index(fields=["user", "-received_at"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.kind} · {self.client_id}"
