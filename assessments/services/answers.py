"""Answers: read a posted answer as its question's kind says
(kinds/<kind>.py) and save it while the attempt is open and in time and
the trainee enrolled."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import Enrollment

from ..errors import Refused
from ..kinds import kind_for
from ..models import Attempt, AttemptQuestion
from .attempts import attempt_open_check, attempt_open_for, quiz_course


def response_is_blank(snapshot: dict, data) -> bool:
    """Nothing was picked, typed or placed for this question (the trainee
    moved on without answering)."""
    return kind_for(snapshot["kind"]).response_blank(snapshot, data)


def response_parse(snapshot: dict, data) -> dict:
    """Turn posted form data into a response for this question, or refuse
    with a message the trainee understands.

    The form names choices by the snapshot's opaque keys
    (`snapshots.snapshot_for`); the response stores the choice ids they
    stand for, so grading and regrades work on ids that never reach the
    page."""
    return kind_for(snapshot["kind"]).response_parse(snapshot, data)


def attempt_answer(*, user, attempt_id: int, order: int, data) -> AttemptQuestion:
    """Save the answer to question number `order` of the trainee's attempt.
    Saving again replaces the answer. Refused, changing nothing, for an
    attempt that is not the trainee's, already submitted, past its deadline
    (server time), by a trainee no longer enrolled in its course, a question
    not in the attempt, or an invalid answer. See `attempt_item_answer`."""
    item = (
        AttemptQuestion.objects.select_related("attempt__quiz")
        .filter(attempt_id=attempt_id, attempt__user=user, order=order)
        .order_by()
        .first()
    )
    if item is None:
        attempt_open_for(user, attempt_id)  # refuses a missing or closed attempt
        raise Refused(_("This question is not part of your attempt."))
    return attempt_item_answer(user=user, item=item, data=data)


def attempt_item_answer(*, user, item: AttemptQuestion, data) -> AttemptQuestion:
    """`attempt_answer` for a question the caller has read with its attempt
    and the attempt's quiz (the attempt pages have them), so nothing is read
    twice: one UPDATE, which saves only while the attempt is open and in
    time and the trainee enrolled, so a submission, the deadline or a
    withdrawal that lands after the caller's read wins (nothing is saved and
    the reason is given). The same answer sent again (a phone retrying)
    writes nothing, after one read of the enrolment: `answered_at` stays the
    time it was first saved."""
    attempt = item.attempt
    if attempt.user_id != user.pk:
        raise Refused(_("This attempt does not exist or is not yours."))
    attempt_open_check(attempt)
    response = response_parse(item.snapshot, data)
    enrolled = Enrollment.objects.filter(
        user=user, course=quiz_course(attempt.quiz)
    ).exclude(status=Enrollment.Status.WITHDRAWN)
    if item.response == response:
        # The same answer again: it is saved already, so nothing is written
        # and there is no commit to wait for.
        if not enrolled.exists():
            raise Refused(_("You left this course: answers can no longer change."))
        return item
    now = timezone.now()
    # The attempt row is locked by the UPDATE's own subquery: a submission
    # holding it makes the answer wait, then the attempt is read again as
    # committed (PostgreSQL re-reads a row it waited for; a plain subquery
    # would see the attempt as it was when the UPDATE began, still open, and
    # store the answer next to points graded from the one before).
    still_open = Attempt.objects.filter(
        Q(deadline_at__isnull=True) | Q(deadline_at__gt=now),
        pk=OuterRef("attempt_id"),
        status=Attempt.Status.IN_PROGRESS,
    ).select_for_update(no_key=True)
    with transaction.atomic(savepoint=False):  # a row lock needs a transaction
        updated = AttemptQuestion.objects.filter(
            Exists(still_open), Exists(enrolled), pk=item.pk
        ).update(response=response, answered_at=now)
    if not updated:  # submitted, timed out or withdrawn since it was read
        attempt_open_for(user, attempt.pk)
        raise Refused(
            _("This attempt has been submitted; answers can no longer change.")
        )
    item.response, item.answered_at = response, now
    return item
