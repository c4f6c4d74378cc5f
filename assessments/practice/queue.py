"""Reads for the marking queue's practical tasks (`/penilaian/`, next to
essays) and the assess page. Everything goes through the one staff scope
(`submissions_assessable_by`: tasks in the person's scope, never their
own work) and leaves out tasks under an unpublished page. The lists are
querysets, filtered in SQL, for the queue to paginate (LIMIT/OFFSET and a
COUNT); the number of queries never grows with the number of
submissions."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    QuerySet,
    Value,
    When,
)

from courses.access import visible_page_ids

from ..models import RubricCriterion, Submission, TaskAssessment
from .selectors import submissions_assessable_by, tasks_assessable_by


def _latest(submissions: QuerySet[Submission]) -> QuerySet[Submission]:
    """Only each trainee's latest version of each task."""
    newer = Submission.objects.filter(
        user=OuterRef("user"), task=OuterRef("task"), number__gt=OuterRef("number")
    )
    return submissions.filter(~Exists(newer))


def _published(rows: list[Submission]) -> list[Submission]:
    """Staff keep their own scope, but nothing under an unpublished page
    (no query: the page tree's rules are cached)."""
    shown = visible_page_ids(request=None, pages={s.task for s in rows})
    return [s for s in rows if s.task_id in shown]


def _visible(submissions: QuerySet[Submission], user) -> QuerySet[Submission]:
    """`submissions` without those under an unpublished page, in SQL: the
    task pages of `user`'s scope are read (one query, as many rows as
    tasks, not submissions), the page rules (cached) keep the published
    ones, and the queryset is narrowed to them."""
    tasks = tasks_assessable_by(user=user).values("id", "path")
    return submissions.filter(task_id__in=visible_page_ids(request=None, pages=tasks))


def _for(submissions: QuerySet[Submission], trainees) -> QuerySet[Submission]:
    if trainees is not None:
        submissions = submissions.filter(user_id__in=trainees)
    return submissions


def task_queue(*, user, trainees=None) -> QuerySet[Submission]:
    """Submissions waiting for an assessment that `user` may give: the
    latest version of each trainee's work on each task, not assessed yet,
    none under an unpublished page. Those allocated to `user` first, then
    unallocated ones, then others', each oldest first. `trainees` (user
    ids, e.g. a cohort's, as a subquery) narrows it to them. A queryset
    (one query to read, plus one for the task pages in scope)."""
    return (
        _latest(_visible(_for(submissions_assessable_by(user=user), trainees), user))
        .filter(status=Submission.Status.WAITING, assessment__isnull=True)
        .select_related("task", "user", "assessor")
        .annotate(
            allocation=Case(
                When(assessor_id=user.pk, then=Value(0)),
                When(assessor__isnull=True, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("allocation", "submitted_at", "pk")
    )


def tasks_waiting_count(*, user) -> int:
    """How many submissions `task_queue` holds for `user`, reading only
    counts per task (for the start page and Belajarku). One query."""
    counts = (
        _latest(submissions_assessable_by(user=user))
        .filter(status=Submission.Status.WAITING, assessment__isnull=True)
        .values("task_id", "task__path")
        .annotate(waiting=Count("pk"))
        .order_by()
    )
    rows = [
        {"id": row["task_id"], "path": row["task__path"], "n": row["waiting"]}
        for row in counts
    ]
    shown = visible_page_ids(request=None, pages=rows)
    return sum(row["n"] for row in rows if row["id"] in shown)


def tasks_unreleased(*, user, trainees=None) -> QuerySet[Submission]:
    """Submissions in `user`'s scope assessed but not yet released to their
    trainees (tasks with the release workflow), none under an unpublished
    page, oldest assessment first, with their assessment and assessor. A
    queryset (one query, plus one for the task pages in scope)."""
    return (
        _visible(_for(submissions_assessable_by(user=user), trainees), user)
        .filter(assessment__isnull=False, assessment__released_at__isnull=True)
        .select_related("task", "user", "assessment__assessor")
        .order_by("assessment__assessed_at", "pk")
    )


def tasks_assessed(*, user, trainees=None) -> QuerySet[Submission]:
    """Released assessments of submissions in `user`'s scope, none under an
    unpublished page, newest first; each can be opened and assessed again.
    A queryset (one query, plus one for the task pages in scope)."""
    return (
        _visible(_for(submissions_assessable_by(user=user), trainees), user)
        .filter(assessment__released_at__isnull=False)
        .select_related("task", "user", "assessment__assessor")
        .order_by("-assessment__assessed_at", "-pk")
    )


@dataclass
class CriterionRow:
    """One criterion on the assess page: its levels (lowest first), its
    comment bank and what the current assessment chose (or None)."""

    criterion: RubricCriterion
    levels: list[dict]
    bank: list[str]
    chosen: int | None
    comment: str
    error: bool = False  # the page's refusal is about this criterion


@dataclass
class AssessPage:
    submission: Submission
    assessment: TaskAssessment | None
    earlier: list[Submission]
    criteria: list[CriterionRow]


def task_assess_detail(*, user, submission_id: int) -> AssessPage | None:
    """What the assess page shows: the submission (task, rubric, trainee,
    files) in `user`'s scope, its assessment with its results, the earlier
    versions with theirs, and the rubric's criteria with the current
    choices. None when out of scope, own work or under an unpublished page.
    A fixed number of queries whatever the number of versions and files."""
    submission = (
        submissions_assessable_by(user=user)
        .select_related("task__rubric", "user", "assessor", "assessment__assessor")
        .prefetch_related("files", "assessment__results")
        .filter(pk=submission_id)
        .first()
    )
    if submission is None or not _published([submission]):
        return None
    try:
        assessment = submission.assessment
    except TaskAssessment.DoesNotExist:
        assessment = None
    earlier = list(
        Submission.objects.filter(
            task_id=submission.task_id,
            user_id=submission.user_id,
            number__lt=submission.number,
        )
        .select_related("user", "assessment__assessor")
        .prefetch_related("files", "assessment__results")
        .order_by("-number")
    )
    chosen = {}
    if assessment is not None:
        chosen = {r.criterion_id: r for r in assessment.results.all()}
    criteria = [
        CriterionRow(
            criterion=criterion,
            levels=criterion.level_rows(),
            bank=criterion.comments(),
            chosen=chosen[criterion.pk].level_index if criterion.pk in chosen else None,
            comment=chosen[criterion.pk].comment if criterion.pk in chosen else "",
        )
        for criterion in submission.task.rubric.criteria.order_by("sort_order", "pk")
    ]
    return AssessPage(
        submission=submission,
        assessment=assessment,
        earlier=earlier,
        criteria=criteria,
    )
