"""Attempts: a trainee's sitting of a quiz (django-quiz-app's Sitting), with
one AttemptQuestion per question asked.

An attempt freezes what the trainee saw: `AttemptQuestion.snapshot` holds
the question's text, choices (in the order shown) and answer key at the
time the attempt started (assessments.snapshots), so editing a question
never rewrites history (a regrade is an explicit task)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.common.limits import SMALL_MAX, at_most

from ..kinds import Kind, kind_for
from .bank import Question, QuestionCategory


class Attempt(models.Model):
    """A trainee's sitting of a quiz.

    Online, an attempt starts `in_progress` and is submitted into `marking`
    (an essay waits for a trainer) or `graded`. Saved for offline
    (assessments/offline, docs/decisions/0027-offline.md), it starts
    `downloaded`: a package on the trainee's phone that counts towards no
    limit until its answers arrive; a submission whose answering time the
    server cannot prove was within the time limit is held in `review` for a
    trainer to accept or refuse, and one that may not count (the quiz
    closed before it could have been answered) is kept as `not_counted`.
    Only `marking` and `graded` attempts count (`COUNTED`): for limits,
    scores, completion and every report."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        DOWNLOADED = "downloaded", _("Saved for offline")
        MARKING = "marking", _("Waiting for marking")
        GRADED = "graded", _("Graded")
        REVIEW = "review", _("Waiting for a trainer's review")
        NOT_COUNTED = "not_counted", _("Not counted")

    class Flag(models.TextChoices):
        """Why staff should look at an offline attempt (it may still count)."""

        NONE = "", _("none")
        AFTER_CLOSE = "after_close", _("Synced after the quiz closed")
        TIME_UNPROVEN = "time_unproven", _("Answering time could not be proven")
        CLOSED = "closed", _("Answered after the quiz closed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts"
    )
    # By name: the quiz page (models/quizzes.py) reads its attempts.
    quiz = models.ForeignKey(
        "QuizPage", on_delete=models.CASCADE, related_name="attempts"
    )
    number = models.PositiveSmallIntegerField(
        _("attempt number"), validators=at_most(SMALL_MAX)
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.IN_PROGRESS
    )
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    deadline_at = models.DateTimeField(_("deadline"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    score = models.DecimalField(
        _("score"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    max_score = models.DecimalField(_("maximum score"), max_digits=8, decimal_places=2)
    passed = models.BooleanField(_("passed"), null=True, blank=True)
    downloaded_at = models.DateTimeField(
        _("saved for offline at"), null=True, blank=True
    )
    flag = models.CharField(
        _("flag"), max_length=16, choices=Flag.choices, default="", blank=True
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    # The statuses that count: for attempt limits, scores, completion and
    # reports. Every other status is an attempt not (yet) submitted, or one
    # kept but not counted.
    COUNTED = (Status.MARKING, Status.GRADED)
    # The statuses of an attempt that is still open: at most one per trainee
    # and quiz (the constraint below).
    OPEN = (Status.IN_PROGRESS, Status.DOWNLOADED)

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "quiz", "number"],
                name="attempt_number_once",
                violation_error_message=_(
                    "This trainee already has an attempt with this number on this quiz."
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "quiz"],
                condition=Q(status__in=["in_progress", "downloaded"]),
                name="attempt_one_open",
                violation_error_message=_(
                    "This trainee already has an attempt in progress on this quiz."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.quiz} #{self.number}"

    @property
    def is_expired(self) -> bool:
        """Open, with a deadline that has passed (server time)."""
        return (
            self.status == self.Status.IN_PROGRESS
            and self.deadline_at is not None
            and timezone.now() > self.deadline_at
        )

    @property
    def percent(self) -> int | None:
        if self.score is None or not self.max_score:
            return None
        return int(self.score * 100 / self.max_score)


class AttemptQuestion(models.Model):
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="items")
    question = models.ForeignKey(
        Question, null=True, on_delete=models.SET_NULL, related_name="attempt_items"
    )
    category = models.ForeignKey(
        QuestionCategory, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    order = models.PositiveSmallIntegerField(validators=at_most(SMALL_MAX))
    snapshot = models.JSONField(_("the question as shown"))
    response = models.JSONField(_("answer"), null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    max_points = models.DecimalField(max_digits=6, decimal_places=2)
    points = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    is_correct = models.BooleanField(null=True, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    marked_at = models.DateTimeField(null=True, blank=True)
    feedback = models.TextField(_("feedback"), blank=True)

    class Meta:
        verbose_name = _("attempt question")
        ordering = ["attempt", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "order"],
                name="attempt_order_once",
                violation_error_message=_(
                    "This attempt already has a question at this position."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.attempt} · {self.order}"

    @property
    def question_kind(self) -> Kind:
        """The kind of the question as it was asked (kinds/), for its
        template and what it asks."""
        return kind_for(self.snapshot.get("kind"))

    @property
    def outcome(self) -> str:
        """The result of this answer by its score, as every page labels it
        (`ItemOutcome`): full marks "right", some "partial", none "wrong";
        "pending" while it waits for marking (or the attempt is open);
        "info" for a description item, which asks nothing."""
        if not self.question_kind.asks:
            return ItemOutcome.INFO
        if self.points is None:
            return ItemOutcome.PENDING
        if self.max_points and self.points >= self.max_points:
            return ItemOutcome.RIGHT
        if self.points > 0:
            return ItemOutcome.PARTIAL
        return ItemOutcome.WRONG


class ItemOutcome(models.TextChoices):
    """What one answer earned, by its score (see AttemptQuestion.outcome)."""

    RIGHT = "right", _("right")
    PARTIAL = "partial", _("partly right")
    WRONG = "wrong", _("wrong")
    PENDING = "pending", _("waiting for marking")
    INFO = "info", _("information only")
