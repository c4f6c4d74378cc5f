"""Reads about practical tasks and pre/post-tests for reports on many
trainees at once (the cohort dashboard, its exports, the criterion heatmap:
lms.cohorts builds on these; nothing here knows about cohorts).

Every function takes the trainees as `user_ids` (a list or a subquery) and
runs a fixed number of queries whatever their number, the number of
submissions and of attempts: one query each (window functions and
aggregates in SQL, so a trainee's versions never come back one row each)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.db.models import (
    Case,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Cast, Coalesce, RowNumber

from lms.common.rows import plain_rows

from ..models import (
    Attempt,
    CriterionResult,
    QuizPage,
    Submission,
    TaskAssessment,
    TaskPage,
    TestRole,
)

# When the trainee could see the assessment: released, or assessed when the
# task does not hold marks back (a status other than "waiting" says it is
# visible, so an unreleased assessment never counts as feedback).
FEEDBACK_AT = Coalesce("assessment__released_at", "assessment__assessed_at")
VISIBLE = (Submission.Status.PASSED, Submission.Status.REVISION)


# -- state of each trainee's work ------------------------------------------------


class TaskState(NamedTuple):
    """A trainee's latest version of a task (a named tuple: the dashboard
    makes one per trainee and task, 18,000 for 2,000 trainees in 9 courses,
    and a tuple is built several times faster than a frozen dataclass).

    status: the latest version's `Submission.status` (waiting, passed,
        revision: what the trainee sees).
    number: its version number.
    revisions: how many of the trainee's versions of the task were assessed
        "needs revision" (released or not).
    feedback_at: when the latest version's "needs revision" reached the
        trainee (None unless the status is revision)."""

    status: str
    number: int
    revisions: int
    feedback_at: datetime | None


def task_latest_states(*, user_ids, task_ids) -> dict[tuple[int, int], TaskState]:
    """(user id, task id) -> `TaskState` for every trainee of `user_ids` who
    submitted to a task of `task_ids`. One query (window functions over the
    trainees' submissions); none for no tasks."""
    task_ids = list(task_ids)
    if not task_ids:
        return {}
    per_task = [F("user_id"), F("task_id")]
    rows = (
        Submission.objects.filter(user_id__in=user_ids, task_id__in=task_ids)
        .annotate(
            latest=Window(Max("number"), partition_by=per_task),
            revisions=Window(
                Sum(
                    Case(
                        When(
                            assessment__decision=TaskAssessment.Decision.REVISION,
                            then=Value(1),
                        ),
                        default=Value(0),
                        output_field=IntegerField(),
                    )
                ),
                partition_by=per_task,
            ),
            # Only what the at-risk rule reads: fewer dates to parse.
            feedback_at=Case(
                When(status=Submission.Status.REVISION, then=FEEDBACK_AT),
                default=None,
            ),
        )
        .filter(latest=F("number"))
        .values_list(
            "user_id", "task_id", "status", "number", "revisions", "feedback_at"
        )
        .order_by()
    )
    return {
        (user_id, task_id): TaskState(status, number, int(revisions or 0), feedback_at)
        for user_id, task_id, status, number, revisions, feedback_at in plain_rows(
            rows, convert=["feedback_at"]
        )
    }


# -- time to feedback -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TrainerFeedback:
    """How fast one trainer's feedback reaches trainees: `assessed`
    submissions whose assessment the trainee can see, and the median time
    from submitting to seeing it."""

    assessor_id: int
    name: str
    assessed: int
    median: timedelta

    @property
    def median_hours(self) -> Decimal:
        """The median in hours, one decimal (for exports)."""
        return round(Decimal(self.median.total_seconds()) / 3600, 1)


def _person(display_name, first_name, last_name, email, phone) -> str:
    full = display_name or f"{first_name or ''} {last_name or ''}".strip()
    return full or email or phone or ""


def feedback_delays(*, user_ids, task_ids) -> list[tuple[int, int, timedelta]]:
    """(user id, assessor id, delay) for each submission of `user_ids` (ids
    or a subquery) to `task_ids` whose assessment the trainee can see and
    that has an assessor: the delay runs from `Submission.submitted_at` to
    the assessment reaching the trainee (its `released_at`, or
    `assessed_at` when the task does not hold marks back). One query; none
    for no tasks."""
    task_ids = list(task_ids)
    if not task_ids:
        return []
    delay = ExpressionWrapper(
        Coalesce("released_at", "assessed_at") - F("submission__submitted_at"),
        output_field=DurationField(),
    )
    return list(
        TaskAssessment.objects.filter(
            submission__user_id__in=user_ids,
            submission__task_id__in=task_ids,
            submission__status__in=VISIBLE,
            assessor__isnull=False,
        )
        .annotate(delay=delay)
        .values_list("submission__user_id", "assessor_id", "delay")
        .order_by()
    )


def feedback_medians(delays: Iterable[tuple[int, int]]) -> list[TrainerFeedback]:
    """Per assessor of `delays` ((assessor id, delay in microseconds) pairs,
    e.g. from `feedback_delays`), how many and the median delay (the mean
    of the middle two for an even number), by name. One query (the
    assessors' names); none for no delays."""
    by_assessor: dict[int, list[int]] = {}
    for assessor_id, value in delays:
        by_assessor.setdefault(assessor_id, []).append(value)
    if not by_assessor:
        return []
    names = {
        pk: _person(*person)
        for pk, *person in get_user_model()
        .objects.filter(pk__in=list(by_assessor))
        .values_list("pk", "display_name", "first_name", "last_name", "email", "phone")
        .order_by()
    }
    return sorted(
        (
            TrainerFeedback(
                assessor_id=assessor_id,
                name=names[assessor_id],
                assessed=len(values),
                median=_median(values),
            )
            for assessor_id, values in by_assessor.items()
            # An account deleted since: its assessments no longer name an
            # assessor (`feedback_delays` leaves them out).
            if assessor_id in names
        ),
        key=lambda t: (t.name.lower(), t.assessor_id),
    )


def _median(microseconds: list[int]) -> timedelta:
    values = sorted(microseconds)
    middle = len(values) // 2
    if len(values) % 2:
        return timedelta(microseconds=values[middle])
    # Rounded half to even, as timedelta division rounds.
    return timedelta(microseconds=values[middle - 1] + values[middle]) / 2


# -- pre-test and post-test ---------------------------------------------------------


def pre_post_rows(
    *, user_ids, quizzes: dict[int, int]
) -> list[tuple[int, int, float | None, float | None]]:
    """(user id, group, pre-test percent, post-test percent) for the
    quizzes of `quizzes` (quiz id -> a group, e.g. its course id) marked
    pre-test or post-test (`QuizPage.test_role`): a pre-test's first
    submitted attempt (by number; None while it waits for marking), a
    post-test's best graded attempt (None: none graded). With several
    pre-tests (or post-tests) in a group, the best of their values. Percents
    are floats 0-100 rounded to one decimal. One query, aggregated per
    trainee and group (no row per attempt); none for no quizzes."""
    if not quizzes:
        return []
    by_group: dict[int, list[int]] = {}
    for quiz_id, group in quizzes.items():
        by_group.setdefault(group, []).append(quiz_id)
    group = Case(
        *[When(quiz_id__in=ids, then=Value(key)) for key, ids in by_group.items()],
        output_field=IntegerField(),
    )
    graded = Q(status=Attempt.Status.GRADED, max_score__gt=0, score__isnull=False)
    percent = Cast("score", FloatField()) * 100.0 / Cast("max_score", FloatField())
    earlier = Attempt.objects.filter(
        user_id=OuterRef("user_id"),
        quiz_id=OuterRef("quiz_id"),
        number__lt=OuterRef("number"),
    ).filter(status__in=Attempt.COUNTED)
    rows = (
        Attempt.objects.filter(
            user_id__in=user_ids,
            quiz_id__in=QuizPage.objects.filter(
                pk__in=list(quizzes), test_role__in=(TestRole.PRE, TestRole.POST)
            ).values("pk"),
        )
        .filter(status__in=Attempt.COUNTED)
        .filter(
            Q(quiz__test_role=TestRole.POST, status=Attempt.Status.GRADED)
            # Attempt numbers start at 1 (services/attempts.py): the first
            # needs no look for an earlier one (most rows, and the look is an
            # index probe per row).
            | Q(Q(quiz__test_role=TestRole.PRE), Q(number__lte=1) | ~Exists(earlier))
        )
        .annotate(group=group)
        .values("user_id", "group")
        .annotate(
            pre=Max(
                Case(
                    When(graded & Q(quiz__test_role=TestRole.PRE), then=percent),
                    output_field=FloatField(),
                )
            ),
            post=Max(
                Case(
                    When(graded & Q(quiz__test_role=TestRole.POST), then=percent),
                    output_field=FloatField(),
                )
            ),
        )
        .values_list("user_id", "group", "pre", "post")
        .order_by()
    )
    return [
        (
            user_id,
            key,
            None if pre is None else round(pre, 1),
            None if post is None else round(post, 1),
        )
        # ints and floats: the driver's tuples (one a trainee and group)
        for user_id, key, pre, post in plain_rows(rows)
    ]


# -- criterion heatmap --------------------------------------------------------------


@dataclass(slots=True)
class HeatCell:
    """One level of one criterion: how many of the assessed submissions
    were put there, and their share (whole percent)."""

    index: int
    title: str
    count: int = 0
    share: int = 0

    @property
    def lowest(self) -> bool:
        return self.index == 0

    @property
    def band(self) -> int:
        """0-4: the share in fifths, for shading (the share is also text)."""
        return min(self.share // 20, 4)


@dataclass(slots=True)
class Example:
    submission_id: int
    name: str
    number: int


@dataclass(slots=True)
class HeatRow:
    """One criterion across the trainees: its levels (lowest first), how
    many assessments rated it, the share at the lowest level and a few
    submissions rated there."""

    title: str
    cells: list[HeatCell]
    total: int = 0
    lowest_count: int = 0
    examples: list[Example] = field(default_factory=list)
    # empty cells to the right when other criteria have more levels
    padding: list[int] = field(default_factory=list)

    @property
    def lowest_share(self) -> int:
        return round(100 * self.lowest_count / self.total) if self.total else 0


@dataclass(slots=True)
class Heatmap:
    task: TaskPage
    rows: list[HeatRow]
    assessed: int  # latest assessed submissions counted
    levels: int  # the most levels any criterion has (table columns)

    @property
    def level_numbers(self) -> list[int]:
        """1..levels, for the table's column headings."""
        return list(range(1, self.levels + 1))


def task_criterion_heatmap(*, task: TaskPage, user_ids, examples: int = 3) -> Heatmap:
    """Criteria x levels for `task` over the latest assessed submission of
    each trainee of `user_ids` (assessed: released or not): per criterion,
    the number and share at each level, the share at its lowest level, and
    up to `examples` submissions rated at the lowest level (oldest first).
    Rows follow the rubric's criteria; results copied from criteria since
    removed from the rubric come after them, under their copied title.
    Four queries (rubric criteria, the latest assessed submissions' count,
    the levels, the examples), whatever the number of trainees."""
    latest = Submission.objects.filter(
        task=task, user_id__in=user_ids, assessment__isnull=False
    ).exclude(
        Exists(
            Submission.objects.filter(
                task=task,
                user_id=OuterRef("user_id"),
                number__gt=OuterRef("number"),
                assessment__isnull=False,
            )
        )
    )
    criteria = list(task.rubric.criteria.all()) if task.rubric_id else []
    rows: dict[object, HeatRow] = {}
    for criterion in criteria:
        rows[criterion.pk] = HeatRow(
            title=criterion.title,
            cells=[
                HeatCell(index=i, title=level["title"])
                for i, level in enumerate(criterion.level_rows())
            ],
        )
    results = CriterionResult.objects.filter(
        assessment__submission__in=latest.values("pk")
    )
    for criterion_id, title, position, index, level_title, n, low in (
        results.values(
            "criterion_id", "criterion_title", "position", "level_index", "level_title"
        )
        .annotate(n=Count("pk"), low=Count("pk", filter=Q(lowest=True)))
        .values_list(
            "criterion_id",
            "criterion_title",
            "position",
            "level_index",
            "level_title",
            "n",
            "low",
        )
        .order_by("position", "level_index")
    ):
        key = criterion_id if criterion_id in rows else ("gone", position, title)
        row = rows.setdefault(key, HeatRow(title=title, cells=[]))
        while len(row.cells) <= index:
            row.cells.append(HeatCell(index=len(row.cells), title=""))
        if not row.cells[index].title:
            row.cells[index].title = level_title
        row.cells[index].count += n
        row.total += n
        row.lowest_count += low
    for row in rows.values():
        for cell in row.cells:
            cell.share = round(100 * cell.count / row.total) if row.total else 0
    if examples:
        for criterion_id, title, position, submission_id, number, *person in (
            results.filter(lowest=True)
            .annotate(
                place=Window(
                    RowNumber(),
                    partition_by=[F("criterion_id"), F("position")],
                    order_by=[F("assessment__submission__submitted_at").asc(), "pk"],
                )
            )
            .filter(place__lte=examples)
            .values_list(
                "criterion_id",
                "criterion_title",
                "position",
                "assessment__submission_id",
                "assessment__submission__number",
                "assessment__submission__user__display_name",
                "assessment__submission__user__first_name",
                "assessment__submission__user__last_name",
                "assessment__submission__user__email",
                "assessment__submission__user__phone",
            )
            .order_by("position", "assessment__submission__submitted_at", "pk")
        ):
            key = criterion_id if criterion_id in rows else ("gone", position, title)
            if key in rows:
                rows[key].examples.append(
                    Example(
                        submission_id=submission_id,
                        name=_person(*person),
                        number=number,
                    )
                )
    levels = max((len(r.cells) for r in rows.values()), default=0)
    for row in rows.values():
        row.padding = list(range(levels - len(row.cells)))
    return Heatmap(
        task=task, rows=list(rows.values()), assessed=latest.count(), levels=levels
    )
