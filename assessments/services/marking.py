"""Marking: a trainer's points and feedback for an essay answer."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.common.numbers import number_read

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
    complete the course). Re-marking replaces the earlier mark."""
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
        if attempt.status == Attempt.Status.IN_PROGRESS:
            raise Refused(_("The trainee has not submitted this attempt yet."))
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
    return item
