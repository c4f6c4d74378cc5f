"""Assessing practical tasks: a trainer's levels, comments and decision
on a submission, the release workflow, and reallocation to another
trainer. Who may assess what is one staff scope
(`submissions_assessable_by`); nobody assesses their own work.

Telling the trainee (in Sinau and by email) is notify.py; the email goes
out from a Celery task enqueued when the transaction commits."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import Enrollment
from courses.selectors import course_of
from courses.services import enrollment_refresh_completion
from lms.common.http import whole_number
from lms.common.queue import task_enqueue_on_commit

from ..errors import Refused
from ..models import (
    CriterionResult,
    RubricCriterion,
    Submission,
    TaskAssessment,
    TaskPage,
)
from ..tasks import task_feedback_notify_task
from ..text import text_storable
from .selectors import submissions_assessable_by, tasks_assessable_by

COMMENT_MAX = 2_000  # characters of one criterion's comment
FEEDBACK_MAX = 5_000  # characters of the overall feedback


class SubmissionNotFound(Refused):
    """No such submission in the person's scope (or it is their own): the
    page answers as if it did not exist."""

    status = 404


@dataclass(frozen=True)
class Verdict:
    """What the rubric says of chosen levels: points out of the maximum,
    whether any criterion sits at its lowest level, and the pass rule's
    verdict (`passed`)."""

    score: int
    max_score: int
    any_lowest: bool
    passed: bool


def rubric_verdict(*, rubric, picks: list[tuple[list[dict], int]]) -> Verdict:
    """The pass rule on `picks`: one (level rows lowest first, chosen
    index) per criterion. Passed when score >= pass_percent % of the
    maximum (the maximum being the sum of each criterion's highest level)
    and, with `no_lowest_level`, no criterion at its lowest level."""
    score = sum(rows[index]["points"] for rows, index in picks)
    max_score = sum(max(row["points"] for row in rows) for rows, _index in picks)
    any_lowest = any(index == 0 for _rows, index in picks)
    passed = score * 100 >= rubric.pass_percent * max_score
    if rubric.no_lowest_level and any_lowest:
        passed = False
    return Verdict(score, max_score, any_lowest, passed)


def _submission_locked(*, user, submission_id: int) -> Submission:
    """The submission in `user`'s scope, locked until the transaction ends;
    SubmissionNotFound otherwise (own work included)."""
    submission = (
        submissions_assessable_by(user=user)
        .select_for_update(of=("self",))
        .select_related("task__rubric", "user")
        .filter(pk=submission_id)
        .first()
    )
    if submission is None:
        raise SubmissionNotFound(_("This submission does not exist."))
    return submission


def task_assess(
    *,
    assessor,
    submission_id: int,
    levels: dict[int, int],
    comments: dict[int, str],
    feedback: str,
    decision: str | None,
) -> TaskAssessment:
    """Assess a submission against its task's rubric, or assess it again.

    `levels`: {criterion id: level index, 0 = the lowest}; every criterion
    of the rubric needs one. `comments`: {criterion id: text}, optional.
    `decision`: "passed" or "revision"; None or "" takes the rubric's
    verdict (`rubric_verdict`). Creates or replaces the TaskAssessment and
    its CriterionResult rows (criterion and level copied, so later rubric
    edits never rewrite it). Without the task's release workflow the
    assessment is released at once (`task_assessment_release`); an
    assessment released earlier stays released and the submission's
    status follows the new decision (the trainee sees "new feedback"
    again, with no second email).

    Raises SubmissionNotFound (404) outside `assessor`'s scope or on their
    own work; Refused with `field` ("level_<id>", "comment_<id>",
    "feedback", "decision") for bad input. Nothing changes when refused."""
    with transaction.atomic():
        submission = _submission_locked(user=assessor, submission_id=submission_id)
        task = submission.task
        criteria = list(task.rubric.criteria.order_by("sort_order", "pk"))
        picks = []
        for criterion in criteria:
            rows = criterion.level_rows()
            index = levels.get(criterion.pk)
            if not isinstance(index, int) or not 0 <= index < len(rows):
                raise Refused(
                    _("Choose a level for “%(criterion)s”.")
                    % {"criterion": criterion.title},
                    field=f"level_{criterion.pk}",
                )
            picks.append((rows, index))
        notes = {}
        for criterion in criteria:
            text = (comments.get(criterion.pk) or "").strip()
            if not text_storable(text) or len(text) > COMMENT_MAX:
                raise Refused(
                    _(
                        "The comment on “%(criterion)s” is too long or contains "
                        "characters that cannot be saved (at most %(max)s "
                        "characters)."
                    )
                    % {"criterion": criterion.title, "max": COMMENT_MAX},
                    field=f"comment_{criterion.pk}",
                )
            notes[criterion.pk] = text
        feedback = (feedback or "").strip()
        if not text_storable(feedback) or len(feedback) > FEEDBACK_MAX:
            raise Refused(
                _(
                    "The feedback is too long or contains characters that cannot "
                    "be saved (at most %(max)s characters)."
                )
                % {"max": FEEDBACK_MAX},
                field="feedback",
            )
        verdict = rubric_verdict(rubric=task.rubric, picks=picks)
        if decision in (None, ""):
            decision = (
                TaskAssessment.Decision.PASSED
                if verdict.passed
                else TaskAssessment.Decision.REVISION
            )
        if decision not in TaskAssessment.Decision.values:
            raise Refused(_("Choose passed or needs revision."), field="decision")
        assessment = TaskAssessment.objects.filter(submission=submission).first()
        if (
            assessment is not None
            and assessment.released_at is not None
            and assessment.decision == TaskAssessment.Decision.PASSED
            and decision != TaskAssessment.Decision.PASSED
            and Enrollment.objects.filter(
                user_id=submission.user_id,
                course=course_of(step=task),
                completed_at__isnull=False,
            ).exists()
        ):
            # The pass completed the course (and its certificate records
            # it): taking it back is a revocation, not a re-assessment.
            raise Refused(
                _(
                    "This pass completed the trainee's course, so it cannot be "
                    "changed to needs revision. Ask an administrator to revoke "
                    "the certificate if it was a mistake."
                ),
                field="decision",
            )
        if assessment is None:
            assessment = TaskAssessment(submission=submission)
        assessment.assessor = assessor
        assessment.decision = decision
        assessment.score = verdict.score
        assessment.max_score = verdict.max_score
        assessment.rubric_passed = verdict.passed
        assessment.feedback = feedback
        assessment.assessed_at = timezone.now()
        assessment.save()
        assessment.results.all().delete()
        CriterionResult.objects.bulk_create(
            _results(assessment=assessment, criteria=criteria, picks=picks, notes=notes)
        )
        if not task.release_marks or assessment.released_at is not None:
            _release(assessment=assessment, submission=submission, task=task)
    return assessment


def _results(
    *,
    assessment: TaskAssessment,
    criteria: list[RubricCriterion],
    picks: list[tuple[list[dict], int]],
    notes: dict[int, str],
) -> list[CriterionResult]:
    return [
        CriterionResult(
            assessment=assessment,
            criterion=criterion,
            position=position,
            criterion_title=criterion.title,
            level_index=index,
            level_title=rows[index]["title"][:60],
            points=rows[index]["points"],
            max_points=max(row["points"] for row in rows),
            lowest=index == 0,
            comment=notes[criterion.pk],
        )
        for position, (criterion, (rows, index)) in enumerate(
            zip(criteria, picks, strict=True)
        )
    ]


def _release(
    *, assessment: TaskAssessment, submission: Submission, task: TaskPage
) -> None:
    """Show `assessment` to the trainee (call inside `transaction.atomic`,
    the submission locked): released_at (kept when already set), the
    submission's status from the decision, "new feedback" until they open
    the task, the course completion refreshed on a pass, and the email
    task enqueued after commit (it sends once per assessment)."""
    if assessment.released_at is None:
        assessment.released_at = timezone.now()
        assessment.save(update_fields=["released_at"])
    submission.status = assessment.decision
    submission.feedback_seen_at = None
    submission.save(update_fields=["status", "feedback_seen_at"])
    if assessment.decision == TaskAssessment.Decision.PASSED:
        enrollment_refresh_completion(user=submission.user, course=course_of(step=task))
    # A broker that is down costs nothing: notify.feedback_notices_sweep
    # sends it later.
    task_enqueue_on_commit(task_feedback_notify_task, args=(assessment.pk,))


def task_assessments_release(*, user, assessment_ids: Iterable) -> int:
    """Release assessments to their trainees (the release workflow's bulk
    button). `assessment_ids`: ids (ints or digit strings; anything else is
    ignored). Only assessments of submissions in `user`'s scope are
    touched; those already released stay as they are (idempotent).
    Returns how many this call released."""
    ids = [n for n in (whole_number(str(i)) for i in assessment_ids) if n is not None]
    if not ids:
        return 0
    released = 0
    with transaction.atomic():
        submissions = list(
            submissions_assessable_by(user=user)
            .select_for_update(of=("self",))
            .filter(assessment__pk__in=ids, assessment__released_at__isnull=True)
            .select_related("task", "user")
            .order_by("pk")
        )
        assessments = {
            a.submission_id: a
            for a in TaskAssessment.objects.filter(
                submission__in=[s.pk for s in submissions], released_at__isnull=True
            )
        }
        for submission in submissions:
            assessment = assessments.get(submission.pk)
            if assessment is None:
                continue
            _release(assessment=assessment, submission=submission, task=submission.task)
            released += 1
    return released


def submission_reassign(*, user, submission_id: int, assessor_id) -> Submission:
    """Allocate a submission to another trainer. `user` must have it in
    their scope; `assessor_id` (an id, or digits) must be someone whose
    scope holds its task and who is not its trainee. Idempotent.
    Raises SubmissionNotFound (404) or Refused (field "assessor")."""
    with transaction.atomic():
        submission = _submission_locked(user=user, submission_id=submission_id)
        pk = whole_number(str(assessor_id))
        person = None
        if pk is not None and pk != submission.user_id:
            person = get_user_model().objects.filter(pk=pk, is_active=True).first()
        if (
            person is None
            or not tasks_assessable_by(user=person)
            .filter(pk=submission.task_id)
            .exists()
        ):
            raise Refused(
                _("Choose a trainer who may assess this task."), field="assessor"
            )
        if submission.assessor_id != person.pk:
            submission.assessor = person
            submission.save(update_fields=["assessor"])
    return submission
