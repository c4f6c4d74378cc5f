"""Reads for cohorts. Staff scope first: every cohort view, export and file
is filtered through `cohorts_visible_to` (read) or `cohorts_managed_by`
(change). The dashboard selector runs a fixed number of SQL queries whatever
the number of trainees, courses, modules or quizzes."""

from __future__ import annotations

import gc
import statistics
from collections import Counter
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from assessments.models import (
    Attempt,
    AttemptQuestion,
    QuestionKind,
    QuizPage,
    Submission,
    SyncItem,
    TaskPage,
    TestRole,
)
from assessments.offline.selectors import UNSYNCED_LATE, unsynced_late
from assessments.practice.reports import (
    Heatmap,
    TaskState,
    TrainerFeedback,
    feedback_medians,
    task_criterion_heatmap,
)
from courses.models import (
    CoursePage,
    Enrollment,
    LearningPathCourse,
    LessonCompletion,
)
from courses.selectors import CourseProgress, Step, course_outlines

from .coverage import certificates_issued, memberships_covering
from .facts import (
    BUCKETS,
    Gain,
    MemberFacts,
    MemberStamp,
    facts_version,
    member_facts,
)
from .models import Cohort, CohortExport, CohortMembership

# -- staff scope -------------------------------------------------------------


def cohorts_managed_by(*, user) -> QuerySet[Cohort]:
    """Cohorts `user` may change (import trainees, remove them, edit the
    cohort): those they manage; a superuser all. Anyone else: none."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Cohort.objects.none()
    if user.is_superuser:
        return Cohort.objects.all()
    return Cohort.objects.filter(
        pk__in=Cohort.managers.through.objects.filter(user_id=user.pk).values(
            "cohort_id"
        )
    )


def cohorts_visible_to(*, user) -> QuerySet[Cohort]:
    """Cohorts whose dashboard, trainees and exports `user` may see: those
    they manage or teach; a superuser all. Trainees and strangers: none."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Cohort.objects.none()
    if user.is_superuser:
        return Cohort.objects.all()
    return Cohort.objects.filter(
        Q(
            pk__in=Cohort.managers.through.objects.filter(user_id=user.pk).values(
                "cohort_id"
            )
        )
        | Q(
            pk__in=Cohort.trainers.through.objects.filter(user_id=user.pk).values(
                "cohort_id"
            )
        )
    )


def cohort_exports_visible_to(*, user) -> QuerySet[CohortExport]:
    return CohortExport.objects.filter(
        cohort__in=cohorts_visible_to(user=user)
    ).select_related("cohort", "created_by")


def cohort_members(*, cohort: Cohort, active_only: bool = False) -> QuerySet:
    """User ids of the cohort's members, as a subquery: everyone who is or
    was one (`CohortMembership.objects.members()`), or with `active_only`
    the active and graduated ones who count in every figure. Invitations
    are never in either."""
    memberships = CohortMembership.objects.filter(cohort=cohort)
    memberships = memberships.active() if active_only else memberships.members()
    return memberships.values("user_id")


def _quiz_ids(outlines: dict) -> list[int]:
    """The quizzes of the outlines (course id -> CourseProgress): what a
    cohort's figures may count."""
    return [
        s.id for o in outlines.values() for s in o.steps if s.kind == QuizPage.step_kind
    ]


def cohort_course_ids(*, cohorts: QuerySet[Cohort]) -> QuerySet:
    """Ids of the courses of `cohorts` (chosen ones and their learning
    paths'), as one subquery: `cohort_courses` for many cohorts at once."""
    chosen = Cohort.courses.through.objects.filter(cohort__in=cohorts).values(
        "coursepage_id"
    )
    on_path = LearningPathCourse.objects.filter(
        path_id__in=cohorts.filter(learning_path__isnull=False).values(
            "learning_path_id"
        )
    ).values("course_id")
    return CoursePage.objects.filter(Q(pk__in=chosen) | Q(pk__in=on_path)).values("pk")


def cohort_people_in_scope(*, user) -> QuerySet:
    """User ids of the active members of the cohorts `user` manages or
    teaches (`cohorts_visible_to`), as a subquery: the people staff may act
    for (password links). Invited, declined and withdrawn people are not."""
    return (
        CohortMembership.objects.active()
        .filter(cohort__in=cohorts_visible_to(user=user))
        .values("user_id")
    )


def cohort_courses(*, cohort: Cohort) -> list[CoursePage]:
    """The live courses of the cohort (chosen ones and its learning path's),
    in catalogue order. One query."""
    query = Q(cohorts=cohort)
    if cohort.learning_path_id:
        query |= Q(
            pk__in=LearningPathCourse.objects.filter(
                path_id=cohort.learning_path_id
            ).values("course_id")
        )
    return list(CoursePage.objects.live().filter(query).distinct().order_by("path"))


def cohort_invitations_of(*, user) -> QuerySet[CohortMembership]:
    """The invitations waiting for `user` to accept or decline, with their
    cohort, oldest first (one query)."""
    if not getattr(user, "is_authenticated", False):
        return CohortMembership.objects.none()
    return (
        CohortMembership.objects.filter(
            user=user, status=CohortMembership.Status.INVITED
        )
        .select_related("cohort")
        .order_by("joined_at", "pk")
    )


# -- dashboard -----------------------------------------------------------------

SORTS = ("name", "-name", "progress", "-progress", "activity", "-activity")
FILTERS = ("all", "at_risk", "completed", "not_started", "withdrawn")


@dataclass(slots=True)
class Cell:
    course_id: int
    enrolled: bool = False
    done: int = 0
    required: int = 0
    completed: bool = False
    certificate: bool = False

    @property
    def percent(self) -> int:
        if self.completed:
            return 100
        return round(100 * self.done / self.required) if self.required else 0


@dataclass
class TraineeRow:
    user_id: int
    name: str
    phone: str
    email: str
    village: str
    status: str
    status_label: str
    joined_at: datetime
    cells: list[Cell]
    last_activity: datetime | None = None
    reasons: list[str] = field(default_factory=list)
    # task id -> the latest version's state (no entry: nothing submitted)
    tasks: dict[int, TaskState] = field(default_factory=dict)
    # course id -> the pre-test, post-test and learning gain (`Gain`)
    gains: dict[int, Gain] = field(default_factory=dict)
    # the gains in `CohortProgress.gains` order (None: no test taken)
    gain_cells: list[Gain | None] = field(default_factory=list)
    # quiz attempts saved for offline and not sent back: how many, and when
    # the oldest was saved (assessments.offline.selectors.unsynced_of)
    unsynced: int = 0
    unsynced_since: datetime | None = None

    @property
    def at_risk(self) -> bool:
        return bool(self.reasons)

    def tasks_in(self, status: str) -> int:
        """How many tasks' latest version has `status`."""
        return sum(1 for state in self.tasks.values() if state.status == status)

    @property
    def tasks_passed(self) -> int:
        return self.tasks_in(Submission.Status.PASSED)

    @property
    def tasks_waiting(self) -> int:
        return self.tasks_in(Submission.Status.WAITING)

    @property
    def tasks_revision(self) -> int:
        return self.tasks_in(Submission.Status.REVISION)

    @property
    def percent(self) -> int:
        enrolled = [c for c in self.cells if c.enrolled]
        if not enrolled:
            return 0
        return round(sum(c.percent for c in enrolled) / len(enrolled))

    @property
    def completed_all(self) -> bool:
        enrolled = [c for c in self.cells if c.enrolled]
        return bool(enrolled) and all(c.completed for c in enrolled)

    @property
    def started(self) -> bool:
        return any(c.done or c.completed for c in self.cells)


@dataclass
class Bar:
    label: str
    value: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.value / self.total) if self.total else 0


@dataclass
class CourseGain:
    """A course with a pre-test and/or post-test: the cohort's learning
    gain over the active members who have both (`trainees` of them): mean
    and median, percentage points (None: nobody yet)."""

    course: CoursePage
    trainees: int = 0
    mean: float | None = None
    median: float | None = None


@dataclass
class TaskSummary:
    """A practical task of the cohort's courses and where the active
    members' latest versions stand: `submitted` (anything), `waiting` for
    a trainer or for release, `passed`, `revision` (needs revision)."""

    id: int
    title: str
    course: CoursePage
    submitted: int = 0
    waiting: int = 0
    passed: int = 0
    revision: int = 0


@dataclass
class TrainerRow:
    """A trainer's median time to feedback (`TrainerFeedback`) with the
    median as words ("3 jam") for the page."""

    name: str
    assessed: int
    median: timedelta
    median_hours: Decimal
    median_text: str


@dataclass
class CohortProgress:
    cohort: Cohort
    courses: list[CoursePage]
    rows: list[TraineeRow]
    enrolled: int
    active_7d: int
    completed: int
    course_completions: int
    certificates: int
    average_score: int | None
    funnel: list[tuple[CoursePage, list[Bar]]]
    distribution: list[Bar]
    at_risk: list[TraineeRow]
    tasks: list[TaskSummary] = field(default_factory=list)
    feedback: list[TrainerRow] = field(default_factory=list)
    gains: list[CourseGain] = field(default_factory=list)


def _name(values: dict) -> str:
    full = (
        values["user__display_name"]
        or f"{values['user__first_name']} {values['user__last_name']}".strip()
    )
    return full or values["user__email"] or values["user__phone"] or ""


class AtRiskReasons:
    """The one rule for "at risk", used by the dashboard (`cohort_progress`)
    and the staff start page (`cohorts_summary`): an active member (not
    graduated, not withdrawn) who has not finished every course they are
    enrolled in, and
    - has done nothing for `cohort.at_risk_after_days` days (counted from
      joining when they never did anything), or
    - failed a required quiz twice without passing it, or
    - has a practical task whose latest version needs revision and whose
      feedback reached them more than `cohort.at_risk_after_days` days ago
      (no newer version since), or
    - has a practical task assessed "needs revision" on two or more
      versions and not passed, or
    - has a quiz saved for offline whose answers have not been sent back
      for more than three days (`UNSYNCED_LATE`, counted from the save).
    Calling it returns the reasons (translated once per instance), [] for
    nobody at risk."""

    def __init__(self, *, cohort: Cohort, now: datetime) -> None:
        self.now = now
        self.limit = now - timedelta(days=cohort.at_risk_after_days or 7)
        self.idle = str(_("no activity for %(days)s days"))
        self.failed = str(_("failed a required quiz twice"))
        self.stale = str(_('task "%(task)s" waiting for revision for %(days)s days'))
        self.task_failed = str(_('task "%(task)s" needed revision twice'))
        self.unsynced = str(_("offline answers unsynced > %(days)s days")) % {
            "days": UNSYNCED_LATE.days
        }

    def __call__(
        self,
        *,
        status: str,
        completed_all: bool,
        last_activity: datetime | None,
        joined_at: datetime,
        failed_twice: bool,
        tasks: Iterable[tuple[str, TaskState]] = (),
        unsynced_since: datetime | None = None,
    ) -> list[str]:
        """`tasks`: (title, the latest version's state) of each task the
        trainee submitted to, in the order to report them;
        `unsynced_since`: when the oldest quiz they saved for offline and
        have not sent back was saved (None: nothing waits)."""
        if status != CohortMembership.Status.ACTIVE or completed_all:
            return []
        reasons = []
        since = last_activity or joined_at
        if since < self.limit:
            reasons.append(self.idle % {"days": (self.now - since).days})
        if failed_twice:
            reasons.append(self.failed)
        for title, state in tasks:
            if (
                state.status == Submission.Status.REVISION
                and state.feedback_at is not None
                and state.feedback_at < self.limit
            ):
                days = (self.now - state.feedback_at).days
                reasons.append(self.stale % {"task": title, "days": days})
            if state.revisions >= 2 and state.status != Submission.Status.PASSED:
                reasons.append(self.task_failed % {"task": title})
        if unsynced_late(unsynced_since, now=self.now):
            reasons.append(self.unsynced)
        return reasons


def member_reasons(
    rule: AtRiskReasons,
    *,
    status: str,
    joined_at: datetime,
    found: MemberFacts,
    tasks: dict[int, Step],
) -> list[str]:
    """`rule`'s reasons for one member from their kept facts (`found`), for
    the dashboard and the staff start page alike. `tasks`: the cohort's
    practical tasks (`_tasks`); only those that can give a reason are
    passed, in outline order."""
    enrolled = found.enrolled
    revision = Submission.Status.REVISION
    return rule(
        status=status,
        completed_all=bool(enrolled) and (enrolled & found.completed) == enrolled,
        last_activity=found.last,
        joined_at=joined_at,
        failed_twice=found.failed_twice,
        tasks=[
            (tasks[task_id].title, state)
            for task_id, state in sorted(
                (
                    (task_id, state)
                    for task_id, state in found.tasks.items()
                    if task_id in tasks
                    and (state.status == revision or state.revisions >= 2)
                ),
                key=lambda item: tasks[item[0]].path,
            )
        ],
        unsynced_since=found.unsynced[1],
    )


@contextmanager
def collection_paused():
    """Run the block with CPython's cyclic garbage collector paused (as it
    was again after); also a view decorator (`@collection_paused()`).
    Building the dashboard of 2,000 trainees allocates some 100,000
    container objects (rows, cells, facts), which triggers a full
    collection of the whole process heap (Django, Wagtail, every loaded
    module: ~100 ms on the 2-core bench machine) in most requests. Those
    objects hold no reference cycles and are freed by reference counting;
    anything cyclic made meanwhile is collected at the next collection
    after the block. Pausing around the whole view rather than only the
    selector matters: objects still alive when the collector is enabled
    again count towards its next young collection (~25 ms for the
    dashboard's), while those already freed do not. gc.disable() is
    process-wide, so this assumes one request at a time per process
    (gunicorn's sync workers)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def cohort_progress(*, cohort: Cohort, now: datetime | None = None) -> CohortProgress:
    """Everything the dashboard and the matrix export show, for every trainee
    of the cohort (withdrawn ones too, marked). Each member's work comes
    from their kept facts (lms/cohorts/facts.py), counted again only for
    members whose work, membership or courses changed: a fixed number of
    queries whatever the number of trainees, courses and steps (the
    counting queries, one per step type plus nine, only when anyone's facts
    changed). Steps are counted through
    courses/steps.py, so every step type counts.

    A trainee is at risk (active members only) by `AtRiskReasons`, judged
    per call with `now` (`member_reasons`): e.g. they have done nothing for
    `cohort.at_risk_after_days` days (counted from joining when they never
    did anything), failed a required quiz twice without passing, or saved a
    quiz for offline more than three days ago and not sent it back."""
    with collection_paused():
        return _cohort_progress(cohort=cohort, now=now or timezone.now())


def _cohort_progress(*, cohort: Cohort, now: datetime) -> CohortProgress:
    # Read before the outline: facts counted with this outline are stamped
    # with the version it was read under, never a newer one (a publish
    # landing meanwhile, e.g. during an export task, only costs a recount).
    version = facts_version()
    courses = cohort_courses(cohort=cohort)
    outlines = course_outlines(courses=courses, user=None)
    rows, stamps = _matrix(cohort=cohort, outlines=outlines)
    facts = member_facts(
        cohort=cohort,
        outlines=outlines,
        members=stamps,
        everyone=cohort_members(cohort=cohort),
        version=version,
    )
    for user_id, row in rows.items():
        found = facts[user_id]
        enrolled, completed, certificates = (
            found.enrolled,
            found.completed,
            found.certificates,
        )
        for i, (cell, done) in enumerate(zip(row.cells, found.done, strict=True)):
            cell.done = done
            if enrolled >> i & 1:
                cell.enrolled = True
            if completed >> i & 1:
                cell.completed = True
            if certificates >> i & 1:
                cell.certificate = True
        row.last_activity = found.last
        row.tasks = found.tasks
        row.gains = found.gains
        row.unsynced, row.unsynced_since = found.unsynced
    all_rows = list(rows.values())
    active_rows = [r for r in all_rows if r.status in CohortMembership.ACTIVE_STATUSES]
    active = [facts[r.user_id] for r in active_rows]
    tasks = _tasks(outlines)
    reasons = AtRiskReasons(cohort=cohort, now=now)
    for row in active_rows:
        row.reasons = member_reasons(
            reasons,
            status=row.status,
            joined_at=row.joined_at,
            found=facts[row.user_id],
            tasks=tasks,
        )
    gains = _course_gains(active_rows, outlines=outlines)
    gain_courses = [g.course.pk for g in gains]
    for row in all_rows:
        mine = row.gains
        row.gain_cells = (
            [mine.get(pk) for pk in gain_courses] if mine else [None] * len(gains)
        )
    scores = _quiz_scores(active)
    week = now - timedelta(days=7)
    return CohortProgress(
        cohort=cohort,
        courses=courses,
        rows=all_rows,
        enrolled=len(active_rows),
        active_7d=sum(
            1 for r in active_rows if r.last_activity and r.last_activity >= week
        ),
        completed=sum(1 for r in active_rows if r.completed_all),
        course_completions=sum(
            1 for r in active_rows for c in r.cells if c.completed and c.enrolled
        ),
        certificates=sum(1 for r in active_rows for c in r.cells if c.certificate),
        average_score=scores.average,
        funnel=_funnel(
            active_rows,
            outlines=outlines,
            reached=Counter(m for f in active for m in f.reached),
        ),
        distribution=[
            Bar(
                label=f"{low}-{min(high, 100)}%",
                value=scores.distribution[i],
                total=scores.graded,
            )
            for i, (low, high) in enumerate(BUCKETS)
        ],
        at_risk=sorted(
            (r for r in active_rows if r.at_risk),
            key=lambda r: r.last_activity or r.joined_at,
        ),
        tasks=_task_summaries(active_rows, tasks=tasks, outlines=outlines),
        feedback=[
            _trainer_row(t)
            for t in feedback_medians(pair for f in active for pair in f.feedback)
        ],
        gains=gains,
    )


def _matrix(
    *, cohort: Cohort, outlines: dict[int, CourseProgress]
) -> tuple[dict[int, TraineeRow], dict[int, MemberStamp]]:
    """A row for everyone who is or was a member, by name, with an empty
    cell (its required steps counted) per course of `outlines`, and each
    one's `MemberStamp` (what their facts depend on). One query."""
    memberships = (
        CohortMembership.objects.members()
        .filter(cohort=cohort)
        .order_by("user__display_name", "user_id")
        .values(
            "user_id",
            "status",
            "village",
            "joined_at",
            "left_at",
            "user__display_name",
            "user__first_name",
            "user__last_name",
            "user__email",
            "user__phone",
        )
    )
    # Translated once, not once per trainee (gettext per call costs ~20 us).
    labels = {k: str(v) for k, v in CohortMembership.Status.choices}
    required = {pk: outline.required_count for pk, outline in outlines.items()}
    rows = {
        m["user_id"]: TraineeRow(
            user_id=m["user_id"],
            name=_name(m),
            phone=m["user__phone"] or "",
            email=m["user__email"] or "",
            village=m["village"],
            status=m["status"],
            status_label=labels.get(m["status"], m["status"]),
            joined_at=m["joined_at"],
            cells=[Cell(pk, False, 0, n) for pk, n in required.items()],
        )
        for m in memberships
    }
    stamps = {
        m["user_id"]: MemberStamp(m["status"], m["joined_at"], m["left_at"])
        for m in memberships
    }
    return rows, stamps


def _tasks(outlines: dict[int, CourseProgress]) -> dict[int, Step]:
    """Practical task id -> its outline step, for every course of
    `outlines`, in course and outline order."""
    return {
        s.id: s
        for outline in outlines.values()
        for s in outline.steps
        if s.kind == TaskPage.step_kind
    }


def _task_summaries(
    active_rows: list[TraineeRow],
    *,
    tasks: dict[int, Step],
    outlines: dict[int, CourseProgress],
) -> list[TaskSummary]:
    """Per task (outline order): the active members' latest versions
    counted by status."""
    course_of = {
        s.id: outline.course
        for outline in outlines.values()
        for s in outline.steps
        if s.id in tasks
    }
    summaries = {
        pk: TaskSummary(id=pk, title=step.title, course=course_of[pk])
        for pk, step in tasks.items()
    }
    counted = Counter(
        (task_id, state.status)
        for row in active_rows
        for task_id, state in row.tasks.items()
    )
    for (task_id, status), n in counted.items():
        summary = summaries.get(task_id)
        if summary is None:
            continue
        summary.submitted += n
        if status == Submission.Status.WAITING:
            summary.waiting += n
        elif status == Submission.Status.PASSED:
            summary.passed += n
        elif status == Submission.Status.REVISION:
            summary.revision += n
    return list(summaries.values())


def duration_text(value: timedelta) -> str:
    """A delay in words for a page: minutes under an hour, hours under two
    days, days (one decimal) beyond."""
    minutes = int(value.total_seconds() // 60)
    if minutes < 60:
        return ngettext("%(n)s minute", "%(n)s minutes", minutes) % {"n": minutes}
    hours = minutes // 60
    if hours < 48:
        return ngettext("%(n)s hour", "%(n)s hours", hours) % {"n": hours}
    days = round(value.total_seconds() / 86400, 1)
    return ngettext("%(n)s day", "%(n)s days", int(days)) % {
        "n": number_format(days, 1)
    }


def _trainer_row(feedback: TrainerFeedback) -> TrainerRow:
    return TrainerRow(
        name=feedback.name,
        assessed=feedback.assessed,
        median=feedback.median,
        median_hours=feedback.median_hours,
        median_text=duration_text(feedback.median),
    )


def _course_gains(
    active_rows: list[TraineeRow], *, outlines: dict[int, CourseProgress]
) -> list[CourseGain]:
    """Per course that any trainee took a pre-test or post-test of: the
    mean and median learning gain of the active members with both."""
    found: dict[int, list[Gain]] = {}
    for row in active_rows:
        for course_id, gain in row.gains.items():
            found.setdefault(course_id, []).append(gain)
    gains = []
    for course_id, outline in outlines.items():
        if course_id not in found:
            continue
        values = [v for g in found[course_id] if (v := g.gain) is not None]
        gains.append(
            CourseGain(
                course=outline.course,
                trainees=len(values),
                mean=round(sum(values) / len(values), 1) if values else None,
                median=round(statistics.median(values), 1) if values else None,
            )
        )
    return gains


@dataclass
class _Scores:
    """The graded quiz attempts of active members: how many fall in each of
    BUCKETS, how many in all, and their mean percentage (None: none)."""

    distribution: list[int] = field(default_factory=lambda: [0] * len(BUCKETS))
    graded: int = 0
    average: int | None = None


def _quiz_scores(facts: Iterable[MemberFacts]) -> _Scores:
    """`_Scores` of the graded quiz attempts in `facts` (the active
    members'): their buckets summed, and the mean of every percentage."""
    scores = _Scores()
    distribution = scores.distribution
    percent_sum = Decimal(0)
    for found in facts:
        if found.graded:
            for i, n in enumerate(found.buckets):
                distribution[i] += n
            scores.graded += found.graded
            percent_sum += found.percent_sum
    if scores.graded:
        scores.average = round(percent_sum / scores.graded)
    return scores


def _funnel(
    active_rows: list[TraineeRow],
    *,
    outlines: dict[int, CourseProgress],
    reached: dict[int, int],
) -> list[tuple[CoursePage, list[Bar]]]:
    """Per course: enrolled, each module reached (`reached`), completed; of
    the active members."""
    total = len(active_rows)
    funnel = []
    for index, outline in enumerate(outlines.values()):
        bars = [
            Bar(
                label=str(_("Enrolled")),
                value=sum(1 for r in active_rows if r.cells[index].enrolled),
                total=total,
            )
        ]
        bars += [
            Bar(label=m.title, value=reached.get(m.id, 0), total=total)
            for m in outline.modules
        ]
        bars.append(
            Bar(
                label=str(_("Completed")),
                value=sum(1 for r in active_rows if r.cells[index].completed),
                total=total,
            )
        )
        funnel.append((outline.course, bars))
    return funnel


@dataclass
class CohortSummary:
    """One cohort on the staff start page."""

    cohort: Cohort
    trainees: int  # active and graduated members
    at_risk: int
    manages: bool  # False: the person teaches it (or sees it as superuser)


def cohorts_summary(
    *, user, now: datetime | None = None, limit: int = 20
) -> list[CohortSummary]:
    """The cohorts `user` manages or teaches (`cohorts_visible_to`), running
    and recent first (at most `limit`), each with its trainee count and how
    many are at risk by the dashboard's rule (`AtRiskReasons` over the
    same kept facts as `cohort_progress`, lms/cohorts/facts.py). Five
    queries whatever the number of cohorts, trainees, courses and steps
    when every member's facts are kept; counting the members whose facts
    changed takes the dashboard's counting queries (twelve at most) for
    each cohort that has any."""
    now = now or timezone.now()
    cohorts = list(
        cohorts_visible_to(user=user)
        .annotate(
            manages=Exists(
                Cohort.managers.through.objects.filter(
                    cohort_id=OuterRef("pk"), user_id=user.pk
                )
            )
        )
        .order_by(F("ends_on").desc(nulls_first=True), "-starts_on", "name")[:limit]
    )
    if not cohorts:
        return []
    ids = [c.pk for c in cohorts]
    courses_of: dict[int, set[int]] = {pk: set() for pk in ids}
    for cohort_id, course_id in Cohort.courses.through.objects.filter(
        cohort_id__in=ids
    ).values_list("cohort_id", "coursepage_id"):
        courses_of[cohort_id].add(course_id)
    paths = {c.learning_path_id for c in cohorts if c.learning_path_id}
    if paths:
        on_path: dict[int, set[int]] = {}
        for path_id, course_id in LearningPathCourse.objects.filter(
            path_id__in=paths
        ).values_list("path_id", "course_id"):
            on_path.setdefault(path_id, set()).add(course_id)
        for c in cohorts:
            courses_of[c.pk] |= on_path.get(c.learning_path_id, set())
    all_ids = set().union(*courses_of.values())
    version = facts_version()  # before the outline (see _cohort_progress)
    courses = (
        list(CoursePage.objects.live().filter(pk__in=all_ids).order_by("path"))
        if all_ids
        else []
    )
    outlines = course_outlines(courses=courses, user=None)
    members: dict[int, dict[int, MemberStamp]] = {pk: {} for pk in ids}
    for cohort_id, user_id, status, joined_at, left_at in (
        CohortMembership.objects.active()
        .filter(cohort_id__in=ids)
        .values_list("cohort_id", "user_id", "status", "joined_at", "left_at")
    ):
        members[cohort_id][user_id] = MemberStamp(status, joined_at, left_at)
    counts = {pk: [0, 0] for pk in ids}
    for c in cohorts:
        own = {pk: o for pk, o in outlines.items() if pk in courses_of[c.pk]}
        found = member_facts(
            cohort=c, outlines=own, members=members[c.pk], version=version
        )
        rule, tasks = AtRiskReasons(cohort=c, now=now), _tasks(own)
        for user_id, member in members[c.pk].items():
            counts[c.pk][0] += 1
            if member_reasons(
                rule,
                status=member.status,
                joined_at=member.joined_at,
                found=found[user_id],
                tasks=tasks,
            ):
                counts[c.pk][1] += 1
    return [
        CohortSummary(
            cohort=c,
            trainees=counts[c.pk][0],
            at_risk=counts[c.pk][1],
            manages=c.manages,
        )
        for c in cohorts
    ]


def progress_rows(*, progress: CohortProgress, params) -> list[TraineeRow]:
    """The matrix rows for the dashboard's filter and sort (`params`: a
    QueryDict with `show` in FILTERS, `sort` in SORTS, `q` a name)."""
    show = params.get("show", "all")
    rows = progress.rows
    if show == "withdrawn":
        rows = [r for r in rows if r.status == CohortMembership.Status.WITHDRAWN]
    else:
        rows = [r for r in rows if r.status != CohortMembership.Status.WITHDRAWN]
    if show == "at_risk":
        rows = [r for r in rows if r.at_risk]
    elif show == "completed":
        rows = [r for r in rows if r.completed_all]
    elif show == "not_started":
        rows = [r for r in rows if not r.started]
    query = (params.get("q") or "").strip().lower()
    if query:
        rows = [r for r in rows if query in r.name.lower() or query in r.phone]
    sort = params.get("sort", "name")
    never = datetime.min.replace(tzinfo=UTC)
    keys = {
        "name": lambda r: r.name.lower(),
        "progress": lambda r: r.percent,
        "activity": lambda r: r.last_activity or never,
    }
    key = keys.get(sort.lstrip("-"), keys["name"])
    return sorted(rows, key=key, reverse=sort.startswith("-"))


# -- trainee detail ------------------------------------------------------------


def cohort_trainee_detail(*, cohort: Cohort, membership: CohortMembership) -> dict:
    """One trainee's work in the cohort's courses: enrolments, lessons done,
    quiz attempts, essay feedback and certificates. For a member who left,
    only what they did before leaving (`left_at`): later work is no longer
    the cohort's business, whatever courses it adds. Fixed number of
    queries."""
    courses = cohort_courses(cohort=cohort)
    until = membership.left_at
    course_ids = [c.pk for c in courses]
    user = membership.user
    outlines = course_outlines(courses=courses, user=user)
    titles = {c.pk: c.title for c in courses}
    enrollments = {
        e.course_id: e
        for e in Enrollment.objects.filter(user=user, course_id__in=course_ids)
    }
    step_ids = [s.id for o in outlines.values() for s in o.steps]
    completions = LessonCompletion.objects.filter(user=user, lesson_id__in=step_ids)
    attempts = Attempt.objects.filter(user=user, quiz_id__in=step_ids)
    essays = AttemptQuestion.objects.filter(
        attempt__user=user,
        attempt__quiz_id__in=step_ids,
        snapshot__kind=QuestionKind.ESSAY,
    )
    if until is not None:
        completions = completions.filter(completed_at__lte=until)
        attempts = attempts.filter(started_at__lte=until)
        essays = essays.filter(attempt__started_at__lte=until)
    task_steps = [
        (c, s)
        for c in courses
        for s in outlines[c.pk].steps
        if s.kind == TaskPage.step_kind
    ]
    submissions = Submission.objects.filter(
        user=user, task_id__in=[s.id for _c, s in task_steps]
    )
    if until is not None:
        submissions = submissions.filter(submitted_at__lte=until)
    completions = list(completions.select_related("lesson").order_by("-completed_at"))
    attempts = list(attempts.select_related("quiz").order_by("-started_at"))
    versions: dict[int, list[Submission]] = {}
    for version in submissions.select_related("assessment").order_by("-number"):
        versions.setdefault(version.task_id, []).append(version)
    essays = list(
        essays.select_related("attempt__quiz", "marked_by").order_by(
            "-attempt__started_at", "order"
        )
    )
    offline = _trainee_offline(user=user, attempts=attempts, until=until)
    return {
        "courses": [
            {
                "course": c,
                "progress": outlines[c.pk],
                "enrollment": enrollments.get(c.pk),
            }
            for c in courses
        ],
        "completions": completions,
        "attempts": attempts,
        "essays": essays,
        "tasks": [
            _task_line(course, step, versions.get(step.id, []))
            for course, step in task_steps
        ],
        "gains": _trainee_gains(courses, outlines=outlines, attempts=attempts),
        "offline": offline,
        "certificates": [
            {**cert, "course_title": titles.get(cert["course_id"], "")}
            for cert in certificates_issued(cohort=cohort, user_ids=[user.pk])
        ],
    }


def _trainee_offline(*, user, attempts: list[Attempt], until) -> dict:
    """The trainee's offline work in `attempts` (the cohort's quizzes, their
    quiz loaded): `unsynced`, quizzes saved for offline and not sent back
    (oldest first), `since` when the oldest was saved and `late` whether
    that is longer than the dashboard's at-risk limit; `held`, attempts
    waiting for a trainer's review or kept without counting, each with
    `server_points` (the items' points; None while an answer waits for
    marking); `kept`, answers sent from the phone after the attempt was
    submitted elsewhere (`SyncItem`s, not counted). At most two queries,
    none without offline work."""
    unsynced = sorted(
        (a for a in attempts if a.status == Attempt.Status.DOWNLOADED),
        key=lambda a: a.downloaded_at or a.started_at,
    )
    since = (unsynced[0].downloaded_at or unsynced[0].started_at) if unsynced else None
    held = [
        a
        for a in attempts
        if a.status in (Attempt.Status.REVIEW, Attempt.Status.NOT_COUNTED)
    ]
    if held:
        points = {
            attempt_id: (total, pending)
            for attempt_id, total, pending in AttemptQuestion.objects.filter(
                attempt_id__in=[a.pk for a in held]
            )
            .values("attempt_id")
            .annotate(
                total=Sum("points"), pending=Count("pk", filter=Q(points__isnull=True))
            )
            .values_list("attempt_id", "total", "pending")
            .order_by()
        }
        for a in held:
            total, pending = points.get(a.pk, (None, 1))
            a.server_points = None if pending else (total or Decimal(0))
    kept = []
    quiz_ids = {a.quiz_id for a in attempts}
    if quiz_ids and any(a.status not in Attempt.OPEN for a in attempts):
        rows = SyncItem.objects.filter(
            user=user,
            attempt__quiz_id__in=quiz_ids,
            outcome=SyncItem.Outcome.NOT_COUNTED,
            reason=SyncItem.Reason.ALREADY_SUBMITTED,
        )
        if until is not None:
            rows = rows.filter(received_at__lte=until)
        kept = list(rows.select_related("attempt__quiz").order_by("-received_at"))
    return {
        "unsynced": unsynced,
        "since": since,
        "late": unsynced_late(since),
        "held": held,
        "kept": kept,
    }


def _task_line(course: CoursePage, step: Step, versions: list[Submission]) -> dict:
    """One task on the trainee page: its latest version (None: nothing
    submitted), how many versions and how many needed revision."""
    return {
        "course": course,
        "task": step,
        "latest": versions[0] if versions else None,
        "versions": len(versions),
        "revisions": sum(
            1
            for v in versions
            if getattr(v, "assessment", None) is not None
            and v.assessment.decision == v.assessment.Decision.REVISION
        ),
    }


def _trainee_gains(
    courses: list[CoursePage], *, outlines: dict[int, CourseProgress], attempts
) -> list[dict]:
    """Per course with a pre-test or post-test attempt of the trainee
    (`attempts`, their quiz loaded): {course, pre, post, gain} by the
    dashboard's rule (the pre-test's first submitted attempt, the
    post-test's best graded one), percents or None."""
    done = [a for a in attempts if a.status in Attempt.COUNTED]
    lines = []
    for course in courses:
        quiz_ids = [
            s.id for s in outlines[course.pk].steps if s.kind == QuizPage.step_kind
        ]
        pre = post = None
        for quiz_id in quiz_ids:
            mine = [a for a in done if a.quiz_id == quiz_id]
            if not mine:
                continue
            role = mine[0].quiz.test_role
            if role == TestRole.PRE and pre is None:
                first = min(mine, key=lambda a: a.number)
                pre = _attempt_percent(first)
            elif role == TestRole.POST and post is None:
                graded = [
                    p
                    for a in mine
                    if a.status == Attempt.Status.GRADED
                    and (p := _attempt_percent(a)) is not None
                ]
                post = max(graded) if graded else None
        gain = Gain(pre, post)
        if gain.pre is not None or gain.post is not None:
            lines.append(
                {
                    "course": course,
                    "pre": gain.pre,
                    "post": gain.post,
                    "gain": gain.gain,
                }
            )
    return lines


def _attempt_percent(attempt: Attempt) -> float | None:
    if (
        attempt.status != Attempt.Status.GRADED
        or attempt.score is None
        or not attempt.max_score
    ):
        return None
    return round(float(attempt.score) * 100 / float(attempt.max_score), 1)


def quiz_results_rows(*, cohort: Cohort):
    """Every graded or marking attempt of the cohort's active members in the
    cohort's quizzes, for the export (an iterator of dicts, one query)."""
    courses = cohort_courses(cohort=cohort)
    outlines = course_outlines(courses=courses, user=None)
    quiz_course = {
        s.id: c.title
        for c in courses
        for s in outlines[c.pk].steps
        if s.kind == QuizPage.step_kind
    }
    query = (
        Attempt.objects.filter(
            user_id__in=cohort_members(cohort=cohort, active_only=True),
            quiz_id__in=list(quiz_course),
        )
        .filter(status__in=Attempt.COUNTED)
        .order_by("user__display_name", "user_id", "quiz__path", "number")
        .values(
            "user_id",
            "user__display_name",
            "user__first_name",
            "user__last_name",
            "user__email",
            "user__phone",
            "quiz_id",
            "quiz__title",
            "number",
            "status",
            "submitted_at",
            "score",
            "max_score",
            "passed",
        )
    )
    count = query.count()
    return count, (
        {**row, "name": _name(row), "course": quiz_course.get(row["quiz_id"], "")}
        for row in query.iterator(chunk_size=2000)
    )


def certificates_earned_in_cohorts_q(*, user) -> Q:
    """A filter on Certificate: earned in a course of a cohort `user` may
    see, while the person was a member of it (`memberships_covering`), and
    through a cohort enrolment: a course the person took on their own stays
    theirs, even if a cohort of theirs adds it later."""
    covering = memberships_covering(
        user_id=OuterRef("user_id"),
        course_id=OuterRef("course_id"),
        at=OuterRef("completed_at"),
        cohorts=cohorts_visible_to(user=user),
    )
    return Q(Exists(covering), enrollment__source=Enrollment.Source.COHORT)


# -- practical tasks -------------------------------------------------------------


def cohort_task(*, cohort: Cohort, task_id: int) -> TaskPage | None:
    """The live task `task_id` if it is in one of the cohort's courses,
    with its rubric; None otherwise (the view's 404). Three queries."""
    courses = cohort_courses(cohort=cohort)
    if not courses:
        return None
    return (
        TaskPage.objects.live()
        .filter(
            Q(*[Q(path__startswith=c.path) for c in courses], _connector=Q.OR),
            pk=task_id,
        )
        .select_related("rubric")
        .first()
    )


def cohort_task_heatmap(*, cohort: Cohort, task: TaskPage) -> Heatmap:
    """The criterion heatmap of `task` over the cohort's active members'
    latest assessed submissions (`task_criterion_heatmap`)."""
    return task_criterion_heatmap(
        task=task, user_ids=cohort_members(cohort=cohort, active_only=True)
    )
