"""Marking: a trainer's points and feedback for an essay answer."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lms.common.addresses import public_url
from lms.common.numbers import number_read
from lms.notifications.channels.base import Message
from lms.notifications.models import Notification
from lms.notifications.services import notify

from ..errors import Refused
from ..kinds import KINDS_MARKED_BY_HAND
from ..kinds.essay import ESSAY_MAX_LENGTH
from ..models import Attempt, AttemptQuestion
from ..selectors import answers_markable_by
from ..text import text_storable
from .attempts import attempt_completion, attempt_total


def essay_mark(*, marker, item_id: int, points, feedback: str) -> AttemptQuestion:
    """Mark an essay answer. `points` from 0 to the question's points: a
    Decimal (as the marking form reads it), or text read by the number rule
    (the reading nearest half the maximum).
    When the attempt's last essay is marked, the attempt is graded (and may
    complete the course) and the trainee is told (`essay_marked_notify`,
    once per attempt). Re-marking replaces the earlier mark."""
    with transaction.atomic():
        item = (
            AttemptQuestion.objects.select_for_update(of=("self",))
            .select_related("attempt__quiz", "attempt__user")
            .filter(pk=item_id, snapshot__kind__in=KINDS_MARKED_BY_HAND)
            .first()
        )
        if item is None:
            raise Refused(_("This answer does not exist."))
        attempt = item.attempt
        if attempt.user_id == marker.pk:
            raise Refused(_("Nobody may mark their own answers."))
        if not answers_markable_by(user=marker).filter(pk=item.pk).exists():
            raise Refused(_("Only trainers of this course may mark its answers."))
        if attempt.status in Attempt.OPEN:
            raise Refused(_("The trainee has not submitted this attempt yet."))
        if attempt.status not in Attempt.COUNTED:
            raise Refused(
                _("This attempt does not count: accept it in the review first.")
            )
        if isinstance(points, Decimal):  # read by the marking form (MarkForm)
            value = points
        else:
            reading = number_read(str(points))
            value = reading.closest_to(item.max_points / 2) if reading else None
        if value is None or not 0 <= value <= item.max_points:
            raise Refused(
                _("Give between 0 and %(max)s points.")
                % {"max": item.max_points.normalize()}
            )
        if value != value.quantize(Decimal("0.01")):  # the column keeps 2 places
            raise Refused(_("Give points with at most two decimal places."))
        item.points = value
        # Right means full marks, as for every other kind (grading.py).
        item.is_correct = value >= item.max_points
        if not text_storable(feedback):
            raise Refused(_("The feedback contains characters that cannot be saved."))
        item.feedback = feedback.strip()[:ESSAY_MAX_LENGTH]
        item.marked_by = marker
        item.marked_at = timezone.now()
        item.save(
            update_fields=["points", "is_correct", "feedback", "marked_by", "marked_at"]
        )
        attempt = (
            Attempt.objects.select_for_update(of=("self",))
            .select_related("quiz")
            .get(pk=attempt.pk)
        )
        attempt_total(attempt, list(AttemptQuestion.objects.filter(attempt=attempt)))
        attempt.save(update_fields=["status", "score", "passed"])
        attempt_completion(attempt)
        if attempt.status == Attempt.Status.GRADED:
            essay_marked_notify(attempt=attempt, user=item.attempt.user)
    return item


def essay_marked_notify(*, attempt: Attempt, user) -> Notification | None:
    """Tell the trainee their written answers in `attempt` are marked and
    its result is ready, in their language (`notify`, key
    `essay:<attempt id>`: once per attempt, however often it is re-marked;
    WhatsApp template `feedback_released`: {{1}} name, {{2}} quiz title,
    {{3}} link to the result). Returns the notification, or None when the
    account may not receive it."""
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        quiz = attempt.quiz.title
        url = public_url(reverse("assessments:result", args=[attempt.pk]))
        subject = _("Your answers in “%(quiz)s” are marked") % {"quiz": quiz}
        body = _(
            "Hello %(name)s,\n\nYour trainer has marked your written answers in "
            "“%(quiz)s”. Your result and the trainer's feedback are ready: "
            "%(url)s\n\nSinau"
        ) % {"name": user.get_short_name(), "quiz": quiz, "url": url}
        message = Message(
            subject=subject,
            body=body,
            url=url,
            template="feedback_released",
            params=(user.get_short_name(), quiz, url),
            short=_("Sinau: your answers in “%(quiz)s” are marked. %(url)s")
            % {"quiz": quiz, "url": url},
        )
    return notify(
        user=user,
        kind=Notification.Kind.ESSAY_FEEDBACK,
        key=f"essay:{attempt.pk}",
        message=message,
    )
