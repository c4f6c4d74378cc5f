"""Each member's figures on the cohort dashboard, kept between views.

The dashboard of a 2,000-trainee cohort aggregates some 140,000 rows
(lesson completions, quiz attempts, task versions, enrolments) into one row
per trainee. Counted afresh on every view that is ~300 ms of SQL on its own,
over the dashboard's budget (docs/benchmarks.md, "Cohort dashboard"). So what
each member has done (`MemberFacts`: their enrolments, steps done, last
activity, quiz scores, tasks, tests, certificates, offline work) is kept in
the shared cache, per cohort and member, and counted again only for the
members whose work changed since.

A member's facts are valid while all of these are unchanged (the *stamp*
stored with them):
- their progress token (courses/progress.py): every write to what the facts
  hold replaces it: saves and deletes of enrolments, lesson completions,
  attempts, certificates, task submissions and task assessments by signal,
  and writes that send no signal (`update()`, `bulk_create`) by calling
  `progress_changed` (the walk in tests/courses/test_progress_snapshot.py
  holds every such write to it);
- the content version (content/cache.py), read before the outline the
  facts are counted with (`facts_version`): the outline, which steps are
  required, pre-test and post-test roles, a task's release rule;
- the cohort's courses, in order;
- their membership's status, joining and leaving times (which certificates
  count for the cohort).

Tokens are read *before* the facts of the members that need counting, as
the progress snapshot does: a write that commits after the read replaces
the token again, so facts read before it are never served after it. What
depends on the clock (who is at risk, "active in 7 days") is worked out per
view from the facts' timestamps, never kept. With the shared cache
unreachable nothing is read from it or stored: every member is counted, as
before. Each process also keeps the facts it last used (`_memo`, bounded),
checked against the same stamps.

Counting is one fixed set of queries (twelve with tasks, quizzes and
certificates) for any number of members, run only for those whose facts
are missing or stale. Decision 0028 says why facts are kept rather than
counters maintained on write."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import NamedTuple

from django.core.cache import cache
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When

from assessments.models import Attempt, QuizPage, TaskPage
from assessments.offline.selectors import unsynced_of
from assessments.practice.reports import (
    TaskState,
    feedback_delays,
    pre_post_rows,
    task_latest_states,
)
from content.cache import content_version
from courses.models import Enrollment, LessonPage
from courses.progress import TIMEOUT, progress_tokens
from courses.selectors import CourseProgress
from courses.steps import step_done_counts, step_done_rows
from lms.common.rows import plain_rows

from .coverage import certificates_issued
from .models import Cohort

# Part of every key: change it when the stored form (`_pack`) changes, so a
# process never reads facts an older release stored. (The stored form holds
# only ints, strs, floats, bytes and tuples, so even an old entry unpickles:
# no class of ours is looked up; `_unpack` refusing it is a miss.)
FACTS_FORMAT = 2


class Gain(NamedTuple):
    """One trainee's pre-test and post-test percents in a course and the
    learning gain (post - pre, percentage points; None unless both). A
    named tuple, like `TaskState`: the dashboard makes one per trainee and
    course (18,000 for 2,000 trainees in 9 courses)."""

    pre: float | None = None
    post: float | None = None

    @property
    def gain(self) -> float | None:
        if self.pre is None or self.post is None:
            return None
        return round(self.post - self.pre, 1)


class MemberFacts(NamedTuple):
    """What one member has done in the cohort's courses: everything the
    dashboard and its exports show of them that does not depend on the
    clock or on their membership row. Courses are the cohort's, in order:
    bit i of a mask and item i of `done` are the i-th course's.

    enrolled, completed, certificates: bit masks: enrolled (and not
        withdrawn); completed; a certificate that counts for the cohort
        (`coverage.certificates_issued`).
    done: required steps finished, per course.
    last: when they last worked on any step of the courses (None: never).
    failed_twice: failed a required quiz twice without passing it.
    tasks: task id -> the latest version's `TaskState`.
    gains: course id -> `Gain` (pre-test and post-test percents).
    unsynced: (quizzes saved for offline and not sent back, when the oldest
        was saved; None for none).
    buckets, graded, percent_sum: their graded quiz attempts: how many fall
        in each of `BUCKETS` (percent ranges), how many in all, and the sum
        of their percentages (exact, Decimal).
    reached: ids of the modules whose first lesson they finished.
    feedback: (assessor id, microseconds from submitting to seeing the
        feedback) of each of their task versions whose assessment they can
        see."""

    enrolled: int
    completed: int
    certificates: int
    done: tuple[int, ...]
    last: datetime | None
    failed_twice: bool
    tasks: dict[int, TaskState]
    gains: dict[int, Gain]
    unsynced: tuple[int, datetime | None]
    buckets: tuple[int, ...]
    graded: int
    percent_sum: Decimal
    reached: tuple[int, ...]
    feedback: tuple[tuple[int, int], ...]


# Quiz percent ranges of the score distribution: [low, high), 20 wide.
BUCKETS = ((0, 20), (20, 40), (40, 60), (60, 80), (80, 101))
BUCKET_WIDTH = 20  # percentage points; BUCKETS above are its multiples


class MemberStamp(NamedTuple):
    """A member's membership as the facts depend on it (see the module
    docstring)."""

    status: str
    joined_at: datetime
    left_at: datetime | None


def facts_version() -> str:
    """The content version to stamp facts with: read it before the outline
    they are counted with. "" when the shared cache is unreachable (then
    nothing is kept)."""
    return content_version()


def _key(cohort_id: int, user_id: int) -> str:
    return f"sinau:cohort-facts:v{FACTS_FORMAT}:{cohort_id}:{user_id}"


# -- the stored form ---------------------------------------------------------------
# Facts are stored as plain tuples of ints, strs and floats: no class to look
# up and no object to rebuild per value when 2,000 are read (about a quarter
# of the bytes and time of pickling the named tuples, datetimes and Decimals).

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def _micros(when: datetime | None) -> int | None:
    return None if when is None else (when - _EPOCH) // _MICROSECOND


def _pack(facts: MemberFacts) -> tuple:
    return (
        facts.enrolled,
        facts.completed,
        facts.certificates,
        facts.done,
        _micros(facts.last),
        facts.failed_twice,
        tuple(
            (task_id, s.status, s.number, s.revisions, _micros(s.feedback_at))
            for task_id, s in facts.tasks.items()
        ),
        tuple((course_id, g.pre, g.post) for course_id, g in facts.gains.items()),
        facts.unsynced[0],
        _micros(facts.unsynced[1]),
        facts.buckets,
        facts.graded,
        str(facts.percent_sum),
        facts.reached,
        facts.feedback,
    )


def _unpack(stored: tuple) -> MemberFacts:
    (
        enrolled,
        completed,
        certificates,
        done,
        last,
        failed,
        tasks,
        gains,
        unsynced,
        unsynced_since,
        buckets,
        graded,
        percent_sum,
        reached,
        feedback,
    ) = stored
    epoch, micro = _EPOCH, _MICROSECOND
    return MemberFacts(
        enrolled,
        completed,
        certificates,
        done,
        None if last is None else epoch + micro * last,
        failed,
        {
            task_id: TaskState(
                status, number, revisions, None if at is None else epoch + micro * at
            )
            for task_id, status, number, revisions, at in tasks
        },
        {course_id: Gain(pre, post) for course_id, pre, post in gains},
        (unsynced, None if unsynced_since is None else epoch + micro * unsynced_since),
        buckets,
        graded,
        Decimal(percent_sum),
        reached,
        feedback,
    )


def _stamp(token: str, shape: str, member: MemberStamp) -> bytes:
    """A short digest of everything a member's facts depend on."""
    status, joined_at, left_at = member
    text = f"{token}|{shape}|{status}|{_micros(joined_at)}|{_micros(left_at)}"
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


# The facts this process read or counted last, by (cohort id, user id):
# (stamp, facts), least recently used first. A view whose members' stamps
# all match reads nothing from the shared cache and rebuilds no object
# (about 40 ms for 2,000 members). Validated by the same stamps as the
# shared cache, so it is never staler than it; bounded to MEMO_MEMBERS
# entries (a few KB each). The facts in it are shared between views: read
# them, never change them.
MEMO_MEMBERS = 20_000
_memo: OrderedDict[tuple[int, int], tuple[bytes, MemberFacts]] = OrderedDict()
_memo_lock = threading.Lock()


def _memo_get(keys: list[tuple[int, int]]) -> list:
    with _memo_lock:
        found = [_memo.get(key) for key in keys]
        for key, entry in zip(keys, found, strict=True):
            if entry is not None:
                _memo.move_to_end(key)
    return found


def _memo_put(entries: dict[tuple[int, int], tuple[bytes, MemberFacts]]) -> None:
    with _memo_lock:
        _memo.update(entries)
        for key in entries:
            _memo.move_to_end(key)
        while len(_memo) > MEMO_MEMBERS:
            _memo.popitem(last=False)


def member_facts(
    *,
    cohort: Cohort,
    outlines: dict[int, CourseProgress],
    members: dict[int, MemberStamp],
    everyone: QuerySet | None = None,
    version: str | None = None,
) -> dict[int, MemberFacts]:
    """user id -> `MemberFacts` for each of `members` (user id -> their
    `MemberStamp`), in `outlines`' courses (course id -> outline, the
    cohort's courses in order): from this process's memo or the shared
    cache where still valid, counted (`facts_read`) for the rest and
    stored. `everyone`, a subquery of all the members' ids, is used instead
    of a list of ids when nobody's facts were found (fewer parameters to
    send). `version`: the content version `outlines` were read under
    (`facts_version()`, read before them); read now when not given. The
    facts returned may be shared: never change them."""
    if not members:
        return {}
    if version is None:
        version = facts_version()
    tokens = progress_tokens(members) if version else {}
    if not tokens:  # the shared cache is unreachable: count, keep nothing
        return facts_read(
            cohort=cohort, outlines=outlines, user_ids=members, everyone=everyone
        )
    shape = f"{version}|{','.join(map(str, outlines))}"
    stamps = {
        user_id: _stamp(token, shape, members[user_id])
        for user_id, token in tokens.items()
        if user_id in members
    }
    facts: dict[int, MemberFacts] = {}
    memo_keys = [(cohort.pk, user_id) for user_id in stamps]
    for (_cohort, user_id), entry in zip(memo_keys, _memo_get(memo_keys), strict=True):
        if entry is not None and entry[0] == stamps[user_id]:
            facts[user_id] = entry[1]
    keys = {
        user_id: _key(cohort.pk, user_id) for user_id in stamps if user_id not in facts
    }
    found = cache.get_many(list(keys.values())) if keys else {}
    fetched = {}
    for user_id, key in keys.items():
        entry = found.get(key)
        if type(entry) is tuple and len(entry) == 2 and entry[0] == stamps[user_id]:
            try:
                fetched[user_id] = _unpack(entry[1])
            except (TypeError, ValueError):  # another release's form
                continue
    facts.update(fetched)
    missing = [user_id for user_id in members if user_id not in facts]
    read = (
        facts_read(
            cohort=cohort,
            outlines=outlines,
            user_ids=missing,
            everyone=everyone if len(missing) == len(members) else None,
        )
        if missing
        else {}
    )
    if read:
        cache.set_many(
            {
                _key(cohort.pk, user_id): (stamps[user_id], _pack(found))
                for user_id, found in read.items()
                if user_id in stamps
            },
            TIMEOUT,
        )
        facts.update(read)
    fresh = {**fetched, **read}
    if fresh:
        _memo_put(
            {
                (cohort.pk, user_id): (stamps[user_id], found)
                for user_id, found in fresh.items()
                if user_id in stamps
            }
        )
    return facts


def facts_read(
    *,
    cohort: Cohort,
    outlines: dict[int, CourseProgress],
    user_ids: Iterable[int],
    everyone: QuerySet | None = None,
) -> dict[int, MemberFacts]:
    """Count `MemberFacts` for `user_ids` from the database (never the
    cache): a fixed number of queries whatever their number, each filtered
    by `everyone` (a subquery) when given, else by the ids."""
    user_ids = list(user_ids)
    people = everyone if everyone is not None else user_ids
    column = {course_id: i for i, course_id in enumerate(outlines)}
    found = {user_id: _Found(len(column)) for user_id in user_ids}
    withdrawn = Enrollment.Status.WITHDRAWN
    # The driver's tuples (18,000 rows for 2,000 trainees in 9 courses);
    # "completed" comes back as 1 or 0.
    for user_id, course_id, status, completed in plain_rows(
        Enrollment.objects.filter(user_id__in=people, course_id__in=list(column))
        .annotate(
            completed=Case(
                When(completed_at__isnull=False, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .values_list("user_id", "course_id", "status", "completed")
        .order_by()
    ):
        if (f := found.get(user_id)) is not None:
            bit = 1 << column[course_id]
            if status != withdrawn:
                f.enrolled |= bit
            if completed == 1:
                f.completed |= bit
    counts = step_done_counts(
        people, {pk: outline.steps for pk, outline in outlines.items()}
    )
    for user_id, when in counts.last.items():
        if (f := found.get(user_id)) is not None:
            f.last = when
    for (user_id, course_id), n in counts.done.items():
        if (f := found.get(user_id)) is not None:
            f.done[column[course_id]] = n
    for user_id, _course in failed_twice(user_ids=people, outlines=outlines):
        if (f := found.get(user_id)) is not None:
            f.failed_twice = True
    for cert in certificates_issued(cohort=cohort, user_ids=people):
        f = found.get(cert["user_id"])
        if f is not None and cert["course_id"] in column:
            f.certificates |= 1 << column[cert["course_id"]]
    quizzes = {
        s.id: course_id
        for course_id, outline in outlines.items()
        for s in outline.steps
        if s.kind == QuizPage.step_kind
    }
    tasks = [
        s.id
        for outline in outlines.values()
        for s in outline.steps
        if s.kind == TaskPage.step_kind
    ]
    for (user_id, task_id), state in task_latest_states(
        user_ids=people, task_ids=tasks
    ).items():
        if (f := found.get(user_id)) is not None:
            f.tasks[task_id] = state
    for user_id, course_id, pre, post in pre_post_rows(
        user_ids=people, quizzes=quizzes
    ):
        if (f := found.get(user_id)) is not None:
            f.gains[course_id] = Gain(pre, post)
    for user_id, unsynced in unsynced_of(
        user_ids=people, quiz_ids=list(quizzes)
    ).items():
        if (f := found.get(user_id)) is not None:
            f.unsynced = unsynced
    if quizzes:
        _scores_fill(found, people=people, quiz_ids=list(quizzes))
    first_lessons = {}
    for outline in outlines.values():
        for module in outline.modules:
            lesson = next(
                (s for s in module.steps if s.kind == LessonPage.step_kind), None
            )
            if lesson is not None:
                first_lessons[lesson.id] = module.id
    if first_lessons:
        for user_id, page_id in step_done_rows(
            people, {LessonPage: list(first_lessons)}
        ):
            if (f := found.get(user_id)) is not None:
                f.reached.append(first_lessons[page_id])
    for user_id, assessor_id, delay in feedback_delays(user_ids=people, task_ids=tasks):
        if (f := found.get(user_id)) is not None:
            f.feedback.append((assessor_id, delay // _MICROSECOND))
    return {user_id: f.facts() for user_id, f in found.items()}


def _scores_fill(found: dict, *, people, quiz_ids: list[int]) -> None:
    """Each member's graded quiz attempts into `BUCKETS` and a sum of
    percentages, from one query counted per (trainee, score, maximum): each
    pair's percentage is worked out here in Decimal, not per attempt in
    SQL."""
    for user_id, score, max_score, n in (
        Attempt.objects.filter(
            user_id__in=people,
            quiz_id__in=quiz_ids,
            status=Attempt.Status.GRADED,
            max_score__gt=0,
            score__isnull=False,
        )
        .values("user_id", "score", "max_score")
        .annotate(n=Count("pk"))
        .values_list("user_id", "score", "max_score", "n")
        .order_by()
    ):
        if (f := found.get(user_id)) is not None:
            percent = score * 100 / max_score
            bucket = min(max(int(percent // BUCKET_WIDTH), 0), len(BUCKETS) - 1)
            f.buckets[bucket] += n
            f.graded += n
            f.percent_sum += percent * n


class _Found:
    """One member's facts while `facts_read` collects them."""

    __slots__ = (
        "buckets",
        "certificates",
        "completed",
        "done",
        "enrolled",
        "failed_twice",
        "feedback",
        "gains",
        "graded",
        "last",
        "percent_sum",
        "reached",
        "tasks",
        "unsynced",
    )

    def __init__(self, courses: int) -> None:
        self.enrolled = self.completed = self.certificates = 0
        self.done = [0] * courses
        self.last = None
        self.failed_twice = False
        self.tasks: dict[int, TaskState] = {}
        self.gains: dict[int, Gain] = {}
        self.unsynced: tuple[int, datetime | None] = (0, None)
        self.buckets = [0] * len(BUCKETS)
        self.graded = 0
        self.percent_sum = Decimal(0)
        self.reached: list[int] = []
        self.feedback: list[tuple[int, int]] = []

    def facts(self) -> MemberFacts:
        return MemberFacts(
            enrolled=self.enrolled,
            completed=self.completed,
            certificates=self.certificates,
            done=tuple(self.done),
            last=self.last,
            failed_twice=self.failed_twice,
            tasks=self.tasks,
            gains=self.gains,
            unsynced=self.unsynced,
            buckets=tuple(self.buckets),
            graded=self.graded,
            percent_sum=self.percent_sum,
            reached=tuple(sorted(set(self.reached))),
            feedback=tuple(self.feedback),
        )


def failed_twice(
    *, user_ids, outlines: dict[int, CourseProgress]
) -> set[tuple[int, int]]:
    """(user id, course id) for each of `user_ids` (ids or a subquery) who
    failed a required quiz of a course of `outlines` twice without passing
    it (graded attempts). One query; none without required quizzes."""
    course_of_quiz = {
        s.id: course_id
        for course_id, outline in outlines.items()
        for s in outline.steps
        if s.kind == QuizPage.step_kind and s.required
    }
    if not course_of_quiz:
        return set()
    return {
        (user_id, course_of_quiz[quiz_id])
        for user_id, quiz_id in Attempt.objects.filter(
            user_id__in=user_ids,
            quiz_id__in=list(course_of_quiz),
            status=Attempt.Status.GRADED,
        )
        .values("user_id", "quiz_id")
        .annotate(
            fails=Count("pk", filter=Q(passed=False)),
            passes=Count("pk", filter=Q(passed=True)),
        )
        .filter(fails__gte=2, passes=0)
        .values_list("user_id", "quiz_id")
        .order_by()
    }
