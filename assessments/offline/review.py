"""A trainer's review of offline attempts (docs/decisions/0027-offline.md):
an attempt whose answering time the server could not prove was within the
time limit waits in `review`; a trainer who may mark its quiz accepts it
(it counts, like any submitted attempt) or refuses it (kept, shown, never
counted). Also what staff see of offline work: the attempts waiting for
their review and the offline submissions kept without counting.

Kept apart from assessments/offline/services.py (the sync) because it is the
staff side: its scope is the marking scope (`quizzes_markable_by`), the same
rule as essay marking."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lms.common.addresses import public_url
from lms.notifications.channels.base import Message
from lms.notifications.models import Notification
from lms.notifications.services import notify

from ..errors import Refused
from ..models import Attempt, AttemptQuestion, SyncItem
from ..selectors import quiz_ids_published_for, quizzes_markable_by
from ..services.attempts import attempt_completion, attempt_total
from .services import sync_item_message


def attempts_reviewable_by(*, user) -> QuerySet[Attempt]:
    """Attempts `user` may review (any status): in quizzes of their marking
    scope (`quizzes_markable_by`), never their own (nobody reviews their own
    attempt). A queryset; filter it by status for the waiting ones."""
    if not user.is_authenticated:
        return Attempt.objects.none()
    return Attempt.objects.filter(
        quiz__in=quizzes_markable_by(user=user).values("pk")
    ).exclude(user_id=user.pk)


def attempt_review_decide(*, reviewer, attempt_id: int, accept: bool) -> Attempt:
    """Accept or refuse the offline attempt `attempt_id`, held in `review`.

    Accepted, it counts like an attempt submitted online: its score, status
    (`graded`, or `marking` while an essay waits) and result come from its
    items' points (`attempt_total`), it may complete the course
    (`attempt_completion`), and its sync item's outcome becomes `counted`.
    Refused, it becomes `not_counted`: kept with its answers and points,
    shown to the trainee and staff, never counted; its sync item's outcome
    becomes `not_counted`. Either way `reviewed_by`/`reviewed_at` are set
    and the trainee is told (`review_decided_notify`, once per attempt).

    Only a person whose marking scope holds the quiz may decide, never on
    their own attempt. Runs under the attempt's row lock. Idempotent: the
    same decision again returns the attempt unchanged. Raises Refused for
    an attempt that does not exist, is out of scope, is the reviewer's own,
    was decided the other way, or is not waiting for a review."""
    with transaction.atomic():
        attempt = (
            Attempt.objects.select_for_update(of=("self",))
            .select_related("quiz", "user")
            .filter(pk=attempt_id)
            .first()
        )
        if attempt is None:
            raise Refused(_("This attempt does not exist."))
        if attempt.user_id == reviewer.pk:
            raise Refused(_("Nobody may review their own attempt."))
        if not attempts_reviewable_by(user=reviewer).filter(pk=attempt.pk).exists():
            raise Refused(_("Only trainers of this course may review its attempts."))
        if attempt.status != Attempt.Status.REVIEW:
            if attempt.reviewed_at is not None:
                same = (
                    attempt.status in Attempt.COUNTED
                    if accept
                    else attempt.status == Attempt.Status.NOT_COUNTED
                )
                if same:
                    return attempt
                raise Refused(_("This attempt has already been reviewed."))
            raise Refused(_("This attempt is not waiting for a review."))
        now = timezone.now()
        attempt.reviewed_by = reviewer
        attempt.reviewed_at = now
        if accept:
            # Out of review, so that attempt_total decides its status.
            attempt.status = Attempt.Status.GRADED
            attempt_total(
                attempt, list(AttemptQuestion.objects.filter(attempt=attempt))
            )
            outcome = SyncItem.Outcome.COUNTED
        else:
            attempt.status = Attempt.Status.NOT_COUNTED
            attempt.score = attempt.passed = None
            outcome = SyncItem.Outcome.NOT_COUNTED
        attempt.save(
            update_fields=["status", "score", "passed", "reviewed_by", "reviewed_at"]
        )
        SyncItem.objects.filter(
            attempt=attempt, outcome=SyncItem.Outcome.REVIEW
        ).update(outcome=outcome)
        if accept:
            attempt_completion(attempt)
        review_decided_notify(attempt=attempt)
    return attempt


def review_decided_notify(*, attempt: Attempt) -> Notification | None:
    """Tell the trainee whether their offline answers in `attempt` were
    accepted, in their language (`notify`, key `review:<attempt id>`: once
    per attempt; kind `essay_feedback`, a trainer's decision on quiz
    answers; WhatsApp template `feedback_released`: {{1}} name, {{2}} quiz
    title, {{3}} link to the result). Returns the notification, or None
    when the account may not receive it."""
    user = attempt.user
    accepted = attempt.status in Attempt.COUNTED
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        quiz = attempt.quiz.title
        url = public_url(reverse("assessments:result", args=[attempt.pk]))
        if accepted:
            subject = _("Your offline answers in “%(quiz)s” count") % {"quiz": quiz}
            body = _(
                "Hello %(name)s,\n\nYour trainer has checked your answers to "
                "“%(quiz)s” sent from offline and accepted them: they count. "
                "Your result: %(url)s\n\nSinau"
            )
            short = _("Sinau: your offline answers in “%(quiz)s” count. %(url)s")
        else:
            subject = _("Your offline answers in “%(quiz)s” were not counted") % {
                "quiz": quiz
            }
            body = _(
                "Hello %(name)s,\n\nYour trainer has checked your answers to "
                "“%(quiz)s” sent from offline and did not accept them: they "
                "are kept but do not count. See them here: %(url)s\n\nSinau"
            )
            short = _(
                "Sinau: your offline answers in “%(quiz)s” were not counted. %(url)s"
            )
        message = Message(
            subject=subject,
            body=body % {"name": user.get_short_name(), "quiz": quiz, "url": url},
            url=url,
            template="feedback_released",
            params=(user.get_short_name(), quiz, url),
            short=short % {"quiz": quiz, "url": url},
        )
    return notify(
        user=user,
        kind=Notification.Kind.ESSAY_FEEDBACK,
        key=f"review:{attempt.pk}",
        message=message,
    )


# -- what staff see ------------------------------------------------------------


@dataclass
class ReviewRow:
    """An offline attempt waiting for `user`'s review, as the marking queue
    lists it: the attempt (trainee and quiz loaded), the phone's answering
    time in seconds (None: not reported), the server's points from the items
    (None while an essay waits for a mark) and how many essays wait."""

    attempt: Attempt
    elapsed_seconds: int | None
    points: Decimal | None
    essays_waiting: int

    @property
    def elapsed_minutes(self) -> int | None:
        if self.elapsed_seconds is None:
            return None
        return round(self.elapsed_seconds / 60)


def attempts_waiting_review(*, user, trainees=None) -> QuerySet[Attempt]:
    """The offline attempts waiting for a review that `user` may decide
    (`attempts_reviewable_by`), none under an unpublished page, oldest
    synced first, each with the phone's answering time (`phone_seconds`),
    the items' points (`points_sum`) and how many wait for a mark
    (`pending`); only `trainees` (user ids, e.g. a cohort's, as a subquery)
    when given. A queryset (one query to read, plus one for the quizzes in
    scope) for the queue to paginate; `review_rows` turns a page of it
    into rows."""
    elapsed = (
        SyncItem.objects.filter(attempt=OuterRef("pk"))
        .exclude(outcome=SyncItem.Outcome.REFUSED)
        .order_by("received_at", "pk")
        .values("elapsed_seconds")[:1]
    )
    rows = attempts_reviewable_by(user=user).filter(
        status=Attempt.Status.REVIEW, quiz_id__in=quiz_ids_published_for(user=user)
    )
    if trainees is not None:
        rows = rows.filter(user_id__in=trainees)
    return (
        rows.select_related("quiz", "user")
        .annotate(
            phone_seconds=Subquery(elapsed),
            points_sum=Sum("items__points"),
            pending=Count("items", filter=Q(items__points__isnull=True)),
        )
        .order_by("submitted_at", "pk")
    )


def review_rows(attempts) -> list[ReviewRow]:
    """Attempts from `attempts_waiting_review` (all, or a page of them) as
    the queue lists them. No query beyond reading `attempts`."""
    return [
        ReviewRow(
            attempt=a,
            elapsed_seconds=a.phone_seconds,
            points=None if a.pending else (a.points_sum or Decimal(0)),
            essays_waiting=a.pending,
        )
        for a in attempts
    ]


def attempts_to_review(*, user, trainees=None) -> list[ReviewRow]:
    """Every row of `attempts_waiting_review`. Two queries."""
    return review_rows(attempts_waiting_review(user=user, trainees=trainees))


def offline_not_counted(*, user, trainees=None) -> QuerySet[SyncItem]:
    """Offline quiz submissions kept without counting, in quizzes of
    `user`'s marking scope (not their own), none under an unpublished page,
    newest first: those refused in a review, those that arrived after the
    same attempt was submitted elsewhere, after the quiz closed. Each with
    its attempt, quiz and trainee loaded. A queryset (one query to read,
    plus one for the quizzes in scope) for the queue to paginate."""
    if not user.is_authenticated:
        return SyncItem.objects.none()
    rows = SyncItem.objects.filter(
        kind=SyncItem.Kind.ATTEMPT_SUBMIT,
        outcome=SyncItem.Outcome.NOT_COUNTED,
        attempt__quiz_id__in=quiz_ids_published_for(user=user),
    ).exclude(user_id=user.pk)
    if trainees is not None:
        rows = rows.filter(user_id__in=trainees)
    return rows.select_related(
        "attempt__quiz", "attempt__reviewed_by", "user"
    ).order_by("-received_at", "-pk")


# -- what the trainee sees -----------------------------------------------------


def attempt_offline_notes(*, attempt: Attempt) -> list[str]:
    """Answers to `attempt` sent from a phone after it had been submitted
    (online, another tab): kept without counting. Oldest first, each as the
    message the trainee was given (`sync_item_message`), in the request's
    language. One query (none for an open attempt)."""
    if attempt.status in Attempt.OPEN:
        return []
    rows = SyncItem.objects.filter(
        attempt=attempt,
        outcome=SyncItem.Outcome.NOT_COUNTED,
        reason=SyncItem.Reason.ALREADY_SUBMITTED,
    ).order_by("received_at", "pk")
    notes = []
    for row in rows:
        row.attempt = attempt  # its quiz loaded: no query per row
        notes.append(sync_item_message(row))
    return notes
