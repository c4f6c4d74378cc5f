"""The cohort dashboard's bulk figures (`cohort_progress`: a few aggregated
queries for everyone) agree with what the one-trainee paths say about each
trainee (`courses.steps.steps_done`, the trainee page's
`cohort_trainee_detail`, and plain Python over the rows), on a cohort whose
trainees did varied things: lessons, retaken and failed quizzes, attempts
in progress and waiting for marking, fractional scores, pre/post-tests
taken more than once, task versions assessed, released or not, a withdrawn
enrolment, a finished course and a withdrawn member. A change that makes
the bulk reads faster must not change what they return."""

import datetime as dt
import gc
import random
from decimal import Decimal

import pytest
from django.db.models import Max
from django.utils import timezone

from assessments.models import Attempt, Submission, TaskAssessment
from courses.models import Enrollment, LessonCompletion
from courses.selectors import course_outlines
from courses.steps import steps_by_model, steps_done
from lms.cohorts.models import CohortMembership
from lms.cohorts.selectors import (
    BUCKETS,
    cohort_courses,
    cohort_progress,
    cohort_trainee_detail,
)
from lms.common.rows import plain_rows
from tests.factories import trainer
from tests.factories.assessments import question, quiz_in
from tests.factories.cohorts import cohort_with, trainees_bulk
from tests.factories.courses import course_tree, lessons_of
from tests.factories.practice import task_in

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def _varied_cohort():
    rng = random.Random(21)  # noqa: S311 - test data
    first = course_tree(modules=2, lessons=3, title="Pemasaran", slug="pemasaran")
    second = course_tree(modules=1, lessons=2, title="Foto", slug="foto")
    quizzes = {
        first: [
            quiz_in(first, [question("single")], slug="pre", test_role="pre"),
            quiz_in(first, [question("single")], slug="kuis-a"),
            quiz_in(first, [question("single")], slug="post", test_role="post"),
        ],
        second: [quiz_in(second, [question("single")], slug="kuis-b")],
    }
    tasks = [
        task_in(first),
        task_in(second, slug="tugas-foto", title="Tugas foto", release_marks=True),
    ]
    cohort = cohort_with(courses=[first, second], at_risk_after_days=5)
    people = trainees_bulk(cohort, 24)
    assessors = [trainer(), trainer()]
    for person in people:
        for course in (first, second):
            for lesson in lessons_of(course):
                if rng.random() < 0.5:
                    LessonCompletion.objects.create(user=person, lesson=lesson)
            for quiz in quizzes[course]:
                attempts = rng.randint(0, 3)
                for number in range(1, attempts + 1):
                    # At most one in progress, the last (attempt_one_open).
                    last = ["in_progress"] if number == attempts else []
                    status = rng.choice(["graded"] * 6 + ["marking", *last])
                    score = Decimal(rng.randint(0, 24)) / 2
                    Attempt.objects.create(
                        user=person,
                        quiz=quiz,
                        number=number,
                        status=status,
                        started_at=NOW - dt.timedelta(days=rng.randint(0, 30)),
                        submitted_at=None if status == "in_progress" else NOW,
                        score=None if status == "in_progress" else score,
                        max_score=Decimal(12),
                        passed=(score >= 6) if status == "graded" else None,
                    )
        for task in tasks:
            for number in range(1, rng.randint(0, 3) + 1):
                version = Submission.objects.create(
                    task=task,
                    user=person,
                    number=number,
                    text="Gula semut asli Batu Ampar manis.",
                    submitted_at=NOW - dt.timedelta(days=rng.randint(1, 20)),
                )
                decision = rng.choice(["revision", "passed", None])
                if decision is None:
                    continue
                released = rng.choice([None, NOW - dt.timedelta(days=9)])
                TaskAssessment.objects.create(
                    submission=version,
                    assessor=rng.choice(assessors),
                    decision=decision,
                    score=2,
                    max_score=4,
                    assessed_at=NOW - dt.timedelta(days=rng.randint(0, 12)),
                    released_at=released,
                )
                if not task.release_marks or released is not None:
                    Submission.objects.filter(pk=version.pk).update(status=decision)
    # Some stay put a while; one finished a course; one withdrew from a
    # course; one left the cohort.
    LessonCompletion.objects.filter(user__in=people[:4]).update(
        completed_at=NOW - dt.timedelta(days=40)
    )
    Enrollment.objects.filter(user=people[5], course=second).update(
        completed_at=NOW, status="completed"
    )
    Enrollment.objects.filter(user=people[6], course=first).update(status="withdrawn")
    CohortMembership.objects.filter(cohort=cohort, user=people[7]).update(
        status=CohortMembership.Status.WITHDRAWN, left_at=NOW
    )
    return cohort, people


def _expected_cells(person, courses, outlines):
    enrolments = {e.course_id: e for e in Enrollment.objects.filter(user=person)}
    cells = []
    for course in courses:
        required = [s for s in outlines[course.pk].steps if s.required]
        done = set(steps_done(person, steps_by_model(required))) if required else set()
        enrolment = enrolments.get(course.pk)
        cells.append(
            (
                course.pk,
                enrolment is not None and enrolment.status != "withdrawn",
                len(done),
                len(required),
                enrolment is not None and enrolment.completed_at is not None,
            )
        )
    return cells


def _expected_last_activity(person, page_ids):
    return max(
        (
            when
            for when in (
                LessonCompletion.objects.filter(
                    user=person, lesson_id__in=page_ids
                ).aggregate(at=Max("completed_at"))["at"],
                Attempt.objects.filter(user=person, quiz_id__in=page_ids).aggregate(
                    at=Max("started_at")
                )["at"],
                Submission.objects.filter(user=person, task_id__in=page_ids).aggregate(
                    at=Max("submitted_at")
                )["at"],
            )
            if when is not None
        ),
        default=None,
    )


def test_bulk_figures_match_each_trainees_own(client):
    cohort, people = _varied_cohort()
    progress = cohort_progress(cohort=cohort, now=NOW)
    courses = cohort_courses(cohort=cohort)
    outlines = course_outlines(courses=courses, user=None)
    page_ids = [s.id for o in outlines.values() for s in o.steps]
    rows = {r.user_id: r for r in progress.rows}
    assert set(rows) == {p.pk for p in people}
    for person in people:
        row = rows[person.pk]
        assert [
            (c.course_id, c.enrolled, c.done, c.required, c.completed)
            for c in row.cells
        ] == _expected_cells(person, courses, outlines), person
        assert row.last_activity == _expected_last_activity(person, page_ids)
        membership = CohortMembership.objects.get(cohort=cohort, user=person)
        detail = cohort_trainee_detail(cohort=cohort, membership=membership)
        assert {
            line["course"].pk: (line["pre"], line["post"], line["gain"])
            for line in detail["gains"]
        } == {
            # The trainee page leaves out a course whose pre-test waits for
            # marking and has no graded post-test; the matrix shows it empty.
            course_id: (g.pre, g.post, g.gain)
            for course_id, g in row.gains.items()
            if g != (None, None)
        }, person
        expected_tasks = {}
        for line in detail["tasks"]:
            latest = line["latest"]
            if latest is None:
                continue
            feedback = None
            if latest.status == "revision":
                feedback = (
                    latest.assessment.released_at or latest.assessment.assessed_at
                )
            expected_tasks[line["task"].id] = (
                latest.status,
                latest.number,
                line["revisions"],
                feedback,
            )
        assert {k: tuple(v) for k, v in row.tasks.items()} == expected_tasks, person
    # Some of everything happened, or the comparison proves little.
    assert any(r.at_risk for r in progress.rows)
    assert any(g.gain is not None for r in progress.rows for g in r.gains.values())
    assert any(s.revisions >= 2 for r in progress.rows for s in r.tasks.values())

    active = CohortMembership.objects.filter(cohort=cohort).active().values("user_id")
    graded = Attempt.objects.filter(
        user_id__in=active, status="graded", max_score__gt=0, score__isnull=False
    )
    percents = [a.score * 100 / a.max_score for a in graded]
    distribution = [0] * len(BUCKETS)
    for percent in percents:
        distribution[min(int(percent // 20), len(BUCKETS) - 1)] += 1
    assert [b.value for b in progress.distribution] == distribution
    assert progress.average_score == round(sum(percents) / len(percents))


def test_plain_rows_are_the_querysets_rows():
    _cohort, people = _varied_cohort()
    query = (
        Attempt.objects.filter(user__in=people)
        .values("user_id")
        .annotate(last=Max("started_at"), n=Max("number"))
        .values_list("user_id", "last", "n")
        .order_by("user_id")
    )
    assert plain_rows(query, convert=["last"]) == list(query)
    assert plain_rows(Attempt.objects.filter(pk__in=[]).values_list("pk")) == []
    with pytest.raises(ValueError, match="SQL order"):
        plain_rows(query.values_list("n", "user_id"))


def test_the_garbage_collector_is_left_as_it_was():
    """The dashboard pauses the cyclic collector while it builds its rows;
    afterwards it runs again (or stays off when it was off)."""
    cohort = cohort_with()
    trainees_bulk(cohort, 3, done_lessons=1)
    assert gc.isenabled()
    cohort_progress(cohort=cohort)
    assert gc.isenabled()
    gc.disable()
    try:
        cohort_progress(cohort=cohort)
        assert not gc.isenabled()
    finally:
        gc.enable()
