"""What a trainee's assessed work proves, read for their certificate: the
latest passed, released submission of every practical task of a course with
its rubric result, the best passed attempt of every quiz, and the work the
trainee chose to publish on their portfolio.

Plain data (frozen dataclasses), read in a constant number of queries. The
certificate app (above assessments) turns it into Open Badges 3.0
``evidence`` and ``result`` entries and the public pages; nothing here knows
about certificates. Who assessed the work is never read: a certificate names
the assessor by role only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, Q, QuerySet
from wagtail.models import Page

from courses.access import pages_visible_filter, visible_page_ids
from courses.models import CoursePage

from ..models import (
    Attempt,
    CriterionResult,
    QuizPage,
    Submission,
    SubmissionFile,
    TaskPage,
)


@dataclass(frozen=True)
class LevelEvidence:
    """One level of a rubric criterion: its name, points and descriptor."""

    title: str
    points: int
    descriptor: str


@dataclass(frozen=True)
class CriterionEvidence:
    """The level a criterion was assessed at. `levels` are the criterion's
    levels lowest first, as they were when assessed where the rubric still
    says so (the chosen level at `level_index` has the recorded title and
    points); otherwise the recorded level alone (`level_index` 0)."""

    position: int
    title: str
    level_index: int
    level_title: str
    points: int
    max_points: int
    levels: tuple[LevelEvidence, ...]


@dataclass(frozen=True)
class TaskEvidence:
    """The latest passed, released submission of one task, assessed."""

    task_id: int
    task_title: str
    required: bool
    submission_id: int
    number: int  # version
    score: int
    max_score: int
    percent: int
    assessed_at: datetime
    public: bool  # on the trainee's portfolio
    criteria: tuple[CriterionEvidence, ...]


@dataclass(frozen=True)
class QuizEvidence:
    """The best passed attempt of one quiz. `percent` is whole percent, as
    every quiz page shows it (rounded down)."""

    quiz_id: int
    quiz_title: str
    required: bool
    percent: int
    pass_mark: int
    submitted_at: datetime | None


@dataclass(frozen=True)
class CourseEvidence:
    tasks: tuple[TaskEvidence, ...]
    quizzes: tuple[QuizEvidence, ...]

    def __bool__(self) -> bool:
        return bool(self.tasks or self.quizzes)


def _released() -> Q:
    """A passed submission whose assessment the trainee can see: passed is
    set only then (assessments/models/practice.py), and with the release
    workflow on, the assessment carries its release time."""
    return Q(status=Submission.Status.PASSED, assessment__isnull=False) & (
        Q(task__release_marks=False) | Q(assessment__released_at__isnull=False)
    )


def _criteria(assessment) -> tuple[CriterionEvidence, ...]:
    rows = []
    for result in assessment.results.all():
        levels: tuple[LevelEvidence, ...] = ()
        index = result.level_index
        if result.criterion is not None:
            current = tuple(
                LevelEvidence(
                    title=row["title"],
                    points=int(row["points"]),
                    descriptor=row.get("descriptor", ""),
                )
                for row in result.criterion.level_rows()
            )
            if (
                index < len(current)
                and current[index].title == result.level_title
                and current[index].points == result.points
            ):
                levels = current
        if not levels:  # the rubric changed since: keep what was recorded
            levels = (LevelEvidence(result.level_title, result.points, ""),)
            index = 0
        rows.append(
            CriterionEvidence(
                position=result.position,
                title=result.criterion_title,
                level_index=index,
                level_title=result.level_title,
                points=result.points,
                max_points=result.max_points,
                levels=levels,
            )
        )
    return tuple(rows)


def course_evidence(*, user, course: CoursePage) -> CourseEvidence:
    """The evidence of `user`'s work in `course` (`user` a user or its id):
    for each live task of the course (in course order) the latest passed,
    released submission (highest version) with its rubric result per
    criterion; for each live quiz the best passed graded attempt. Tasks and
    quizzes without one are left out. One query for a course without
    tasks or quizzes, at most four whatever their number and that of the
    criteria. Reads only; never the assessor."""
    rows = (
        Page.objects.live()
        .descendant_of(course)
        .type(TaskPage, QuizPage)
        .order_by("path")
        .values("id", "path", "title", "content_type__model")
    )
    # The access rule's publication check (every ancestor live, as the
    # portfolio's files: `submission_on_portfolio`), from its cached tree.
    shown = visible_page_ids(request=None, pages=rows)
    steps = [
        (row["id"], row["title"], row["content_type__model"])
        for row in rows
        if row["id"] in shown
    ]
    task_ids = [pk for pk, _title, model in steps if model == "taskpage"]
    quiz_ids = [pk for pk, _title, model in steps if model == "quizpage"]
    titles = {pk: title for pk, title, _model in steps}

    latest: dict[int, Submission] = {}
    if task_ids:
        submissions = (
            Submission.objects.filter(user=user, task_id__in=task_ids)
            .filter(_released())
            .select_related("assessment", "task")
            .prefetch_related(
                Prefetch(
                    "assessment__results",
                    queryset=CriterionResult.objects.select_related(
                        "criterion"
                    ).order_by("position", "pk"),
                )
            )
            .order_by("task_id", "-number")
        )
        for row in submissions:
            latest.setdefault(row.task_id, row)
    task_rows = []
    for task_id in task_ids:
        row = latest.get(task_id)
        if row is None:
            continue
        assessment = row.assessment
        task_rows.append(
            TaskEvidence(
                task_id=task_id,
                task_title=titles[task_id],
                required=row.task.required,
                submission_id=row.pk,
                number=row.number,
                score=assessment.score,
                max_score=assessment.max_score,
                percent=assessment.percent,
                assessed_at=assessment.assessed_at,
                public=row.public,
                criteria=_criteria(assessment),
            )
        )

    best: dict[int, Attempt] = {}
    if quiz_ids:
        attempts = (
            Attempt.objects.filter(
                user=user,
                quiz_id__in=quiz_ids,
                status=Attempt.Status.GRADED,
                passed=True,
                max_score__gt=0,
            )
            .select_related("quiz")
            .order_by("quiz_id", "-score", "-submitted_at")
        )
        for attempt in attempts:
            best.setdefault(attempt.quiz_id, attempt)
    quiz_rows = tuple(
        QuizEvidence(
            quiz_id=quiz_id,
            quiz_title=titles[quiz_id],
            required=best[quiz_id].quiz.required,
            percent=best[quiz_id].percent or 0,
            pass_mark=best[quiz_id].quiz.pass_mark,
            submitted_at=best[quiz_id].submitted_at,
        )
        for quiz_id in quiz_ids
        if quiz_id in best
    )
    return CourseEvidence(tasks=tuple(task_rows), quizzes=quiz_rows)


def portfolio_submissions(*, user, course: CoursePage) -> QuerySet[Submission]:
    """The work `user` published on their portfolio for `course`: public,
    passed and released submissions of the course's live tasks, in course
    order (then newest version first), with their task, assessment, rubric
    results and ready files (photos, voice notes, PDFs). Four queries
    however many there are."""
    return (
        Submission.objects.filter(
            user=user,
            public=True,
            task__in=pages_visible_filter(
                request=None, queryset=TaskPage.objects.live().descendant_of(course)
            ),
        )
        .filter(_released())
        .select_related("task", "assessment")
        .prefetch_related(
            Prefetch(
                "assessment__results",
                queryset=CriterionResult.objects.order_by("position", "pk"),
            ),
            Prefetch(
                "files",
                queryset=SubmissionFile.objects.filter(ready=True).order_by(
                    "kind", "position", "pk"
                ),
            ),
        )
        .order_by("task__path", "-number")
    )
