"""The cohort dashboard keeps each member's facts between views
(lms/cohorts/facts.py). What it shows from kept facts must always be what a
fresh count shows: after every kind of write a trainee's work, their
membership, the cohort's courses or the content can see, after a write that
lands while a view is counting, and for any number of trainees in a fixed
number of queries, counted or kept."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import Attempt, QuizPage, TaskAssessment
from assessments.offline.services import package_make
from courses.models import Enrollment, LessonCompletion
from courses.services import enrollment_withdraw, lesson_complete
from lms.certificates.models import Certificate
from lms.certificates.services import certificate_issue
from lms.cohorts import facts
from lms.cohorts.models import CohortMembership
from lms.cohorts.selectors import cohort_progress, cohorts_summary
from lms.cohorts.services import cohort_member_remove
from tests.factories import trainer
from tests.factories.assessments import question, quiz_in
from tests.factories.cohorts import cohort_with, trainees_bulk
from tests.factories.courses import course_tree, lessons_of
from tests.factories.practice import submission, task_in

pytestmark = pytest.mark.django_db

NOW = timezone.now()

# The dashboard's queries when every member's facts are counted (the same as
# before facts were kept: 16, see test_dashboard.py) and when all are kept:
# session, user, cohort, courses, memberships, the staff check and the
# header's unread count.
COUNTED = 19
KEPT = 7


def _cell(c) -> tuple:
    return (c.course_id, c.enrolled, c.done, c.required, c.completed, c.certificate)


def _figures(progress) -> dict:
    """Everything the dashboard and its exports show, as plain data."""
    return {
        "rows": [
            (
                r.user_id,
                r.status,
                [_cell(c) for c in r.cells],
                r.last_activity,
                r.reasons,
                sorted(r.tasks.items()),
                sorted(r.gains.items()),
                r.gain_cells,
                r.unsynced,
                r.unsynced_since,
            )
            for r in progress.rows
        ],
        "totals": (
            progress.enrolled,
            progress.active_7d,
            progress.completed,
            progress.course_completions,
            progress.certificates,
            progress.average_score,
        ),
        "funnel": [
            (course.pk, [(b.label, b.value, b.total) for b in bars])
            for course, bars in progress.funnel
        ],
        "distribution": [(b.label, b.value, b.total) for b in progress.distribution],
        "at_risk": [r.user_id for r in progress.at_risk],
        "tasks": [
            (t.id, t.submitted, t.waiting, t.passed, t.revision) for t in progress.tasks
        ],
        "feedback": [(t.name, t.assessed, t.median) for t in progress.feedback],
        "gains": [(g.course.pk, g.trainees, g.mean, g.median) for g in progress.gains],
    }


@pytest.fixture
def counted(monkeypatch):
    """`counted(cohort)`: the figures counted from the database, as with the
    shared cache unreachable (nothing read from it or stored)."""

    def count(cohort) -> dict:
        with monkeypatch.context() as patch:
            patch.setattr(facts, "content_version", lambda: "")
            return _figures(cohort_progress(cohort=cohort, now=NOW))

    return count


def _kept(cohort) -> dict:
    return _figures(cohort_progress(cohort=cohort, now=NOW))


class World:
    """A cohort of three trainees over two courses (a required quiz, a
    post-test, a practical task) with a little done by each."""

    def __init__(self):
        self.first = course_tree(modules=2, lessons=2, title="Pemasaran")
        self.second = course_tree(modules=1, lessons=1, title="Foto", slug="foto")
        self.quiz = quiz_in(self.first, [question("single")], pass_mark=50)
        self.post = quiz_in(self.first, [question("single")], slug="akhir")
        self.task = task_in(self.first)
        self.cohort = cohort_with(courses=[self.first, self.second])
        self.a, self.b, self.c = trainees_bulk(self.cohort, 3, done_lessons=1)
        self.assessor = trainer()
        self.cohort.trainers.add(self.assessor)
        self.attempt(self.b, self.quiz, 1, 30)
        self.version = submission(self.task, self.b)

    def attempt(self, user, quiz, number, percent) -> Attempt:
        return Attempt.objects.create(
            user=user,
            quiz=quiz,
            number=number,
            status=Attempt.Status.GRADED,
            started_at=NOW - dt.timedelta(hours=1),
            submitted_at=NOW - dt.timedelta(minutes=30),
            score=Decimal(percent),
            max_score=Decimal(100),
            passed=percent >= 50,
        )

    def assess(self, version, decision, *, released=True) -> TaskAssessment:
        assessment = TaskAssessment.objects.create(
            submission=version,
            assessor=self.assessor,
            decision=decision,
            score=2,
            max_score=4,
            assessed_at=NOW - dt.timedelta(minutes=5),
            released_at=NOW - dt.timedelta(minutes=5) if released else None,
        )
        if released:
            version.status = decision
            version.save(update_fields=["status"])
        return assessment


def _certificate(w: World) -> None:
    for lesson in lessons_of(w.second):
        lesson_complete(user=w.c, lesson=lesson)
    enrollment = Enrollment.objects.get(user=w.c, course=w.second)
    certificate = certificate_issue(enrollment_id=enrollment.pk)
    assert certificate.status == Certificate.Status.ISSUED


def _post_test(w: World) -> None:
    w.attempt(w.a, w.post, 1, 80)
    quiz = QuizPage.objects.get(pk=w.post.pk)
    quiz.test_role = "post"
    quiz.save_revision().publish()


# A write, or (what to do before the facts are kept, the write).
WRITES = {
    "a lesson marked done": lambda w: lesson_complete(
        user=w.a, lesson=lessons_of(w.first)[1]
    ),
    "a quiz attempt graded": lambda w: w.attempt(w.a, w.quiz, 1, 90),
    "a second failed attempt": lambda w: w.attempt(w.b, w.quiz, 2, 10),
    "a lesson completion deleted": lambda w: (
        LessonCompletion.objects.filter(user=w.c).first().delete()
    ),
    "an enrolment withdrawn": lambda w: enrollment_withdraw(user=w.a, course=w.first),
    "a task version sent": lambda w: submission(w.task, w.a),
    "a task version assessed and released": lambda w: w.assess(w.version, "passed"),
    "an assessment held back (no submission write)": lambda w: w.assess(
        w.version, "revision", released=False
    ),
    "an assessment deleted": (
        lambda w: w.assess(w.version, "revision", released=False),
        lambda w: TaskAssessment.objects.get(submission=w.version).delete(),
    ),
    "a quiz saved for offline": lambda w: package_make(user=w.c, quiz=w.quiz),
    "a certificate issued": _certificate,
    "a member left": lambda w: cohort_member_remove(cohort=w.cohort, user=w.c),
    "a member's joining moved past their certificate": (
        _certificate,
        lambda w: CohortMembership.objects.filter(user=w.c).update(
            joined_at=timezone.now() + dt.timedelta(days=1)
        ),
    ),
    "a course added to the cohort": lambda w: w.cohort.courses.add(
        course_tree(modules=1, lessons=1, title="Keuangan", slug="keuangan")
    ),
    "a quiz made the post-test": _post_test,
}


@pytest.mark.parametrize("write", WRITES, ids=list(WRITES))
def test_kept_figures_follow_every_kind_of_write(home, counted, write):
    w = World()
    prepare, write = (
        WRITES[write] if isinstance(WRITES[write], tuple) else (None, WRITES[write])
    )
    if prepare:
        prepare(w)
    before = _kept(w.cohort)  # the facts are kept now
    assert _kept(w.cohort) == before == counted(w.cohort)
    write(w)
    after = counted(w.cohort)
    assert after != before, "the write must change what the dashboard shows"
    assert _kept(w.cohort) == after


def test_facts_counted_before_a_write_are_not_served_after_it(home, monkeypatch):
    """A view counts the facts, a write lands, then the view stores what it
    counted: the next view still shows the write (the token was read
    before the count, and the write replaced it)."""
    w = World()
    read = facts.facts_read
    lesson = lessons_of(w.first)[1]

    def slow_read(**kwargs):
        found = read(**kwargs)
        lesson_complete(user=w.a, lesson=lesson)  # lands while counting
        return found

    monkeypatch.setattr(facts, "facts_read", slow_read)
    cohort_progress(cohort=w.cohort, now=NOW)
    monkeypatch.setattr(facts, "facts_read", read)
    row = next(
        r for r in cohort_progress(cohort=w.cohort, now=NOW).rows if r.user_id == w.a.pk
    )
    assert row.cells[0].done == 2


def test_only_the_members_whose_work_changed_are_counted_again(home, monkeypatch):
    w = World()
    cohort_progress(cohort=w.cohort, now=NOW)
    asked = []
    read = facts.facts_read

    def spy(**kwargs):
        asked.append(sorted(kwargs["user_ids"]))
        return read(**kwargs)

    monkeypatch.setattr(facts, "facts_read", spy)
    lesson_complete(user=w.b, lesson=lessons_of(w.first)[1])
    cohort_progress(cohort=w.cohort, now=NOW)
    cohort_progress(cohort=w.cohort, now=NOW)
    assert asked == [[w.b.pk]]


def test_the_clock_is_applied_per_view_not_kept(home):
    """Who is at risk for doing nothing depends on today: kept facts hold
    timestamps, and each view judges them with its own clock."""
    w = World()
    idle = w.c.pk
    today = cohort_progress(cohort=w.cohort, now=NOW)
    assert idle not in [r.user_id for r in today.at_risk]
    later = cohort_progress(cohort=w.cohort, now=NOW + dt.timedelta(days=30))
    assert idle in [r.user_id for r in later.at_risk]


def _dashboard_queries(client, cohort, *, forget: bool) -> int:
    url = reverse("cohorts:dashboard", args=[cohort.pk])
    client.get(url)
    if forget:
        from django.core.cache import cache

        cache.delete_many(
            [facts._key(cohort.pk, m.user_id) for m in cohort.memberships.all()]
        )
        facts._memo.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url + "?show=at_risk")
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("size", [10, 300])
def test_a_fixed_number_of_queries_counted_or_kept(client, home, size):
    w = World()
    trainees_bulk(w.cohort, size, prefix="q", done_lessons=1)
    client.force_login(w.cohort.managers.get())
    assert _dashboard_queries(client, w.cohort, forget=True) == COUNTED
    assert _dashboard_queries(client, w.cohort, forget=False) == KEPT


def test_the_process_memo_is_bounded_and_never_staler_than_the_cache(
    home, counted, monkeypatch
):
    monkeypatch.setattr(facts, "MEMO_MEMBERS", 2)
    w = World()
    assert _kept(w.cohort) == counted(w.cohort)
    assert len(facts._memo) <= 2
    lesson_complete(user=w.a, lesson=lessons_of(w.first)[1])
    assert _kept(w.cohort) == counted(w.cohort)
    assert len(facts._memo) <= 2


def test_facts_from_the_shared_cache_alone_match(home, counted):
    """Another process (an empty memo here) reads what this one stored."""
    w = World()
    _kept(w.cohort)
    facts._memo.clear()
    assert _kept(w.cohort) == counted(w.cohort)


@pytest.mark.parametrize("write", WRITES, ids=list(WRITES))
def test_the_start_page_counts_from_the_same_facts(home, counted, write):
    """The staff start page's at-risk count (`cohorts_summary`) reads the
    same kept facts: after every kind of write it still agrees with a fresh
    count of the dashboard."""
    w = World()
    prepare, write = (
        WRITES[write] if isinstance(WRITES[write], tuple) else (None, WRITES[write])
    )
    if prepare:
        prepare(w)
    manager = w.cohort.managers.get()
    cohorts_summary(user=manager, now=NOW)  # the facts are kept now
    write(w)
    [summary] = cohorts_summary(user=manager, now=NOW)
    fresh = counted(w.cohort)
    assert summary.at_risk == len(fresh["at_risk"])
    assert summary.trainees == fresh["totals"][0]
