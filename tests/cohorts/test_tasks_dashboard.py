"""Practical tasks and pre/post-tests on the cohort dashboard: counts per
state, median time to feedback per trainer, the task at-risk reasons, the
criterion heatmap (and who may see it), learning gain, the exports, and a
query count that does not grow with trainees or submissions."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import Attempt, CriterionResult, Submission, TaskAssessment
from lms.cohorts.models import CohortExport, CohortMembership
from lms.cohorts.selectors import cohort_progress, cohorts_summary
from lms.cohorts.services import cohort_export_build
from tests.factories import trainee, trainer
from tests.factories.assessments import question, quiz_in
from tests.factories.cohorts import cohort_with, trainees_bulk
from tests.factories.courses import course_tree
from tests.factories.practice import submission, task_in

pytestmark = pytest.mark.django_db

# The dashboard with a task, a pre-test and a post-test in its course (no
# certificates issued): test_dashboard.py's budget plus the task step count,
# the tasks' latest states, the feedback medians and the pre/post-test
# scores.
# 17 + the header's unread-message count + the unsynced offline quizzes
# (unsynced_of, the at-risk reason "offline answers unsynced > 3 days").
DASHBOARD_QUERIES = 19

NOW = timezone.now()


@pytest.fixture
def course(home):
    return course_tree(modules=1, lessons=2)


@pytest.fixture
def task(course):
    return task_in(course)


@pytest.fixture
def cohort(course, task):
    return cohort_with(courses=[course])


def _ago(**delta):
    return NOW - dt.timedelta(**delta)


def _assess(sub, decision, *, assessor, at, released=None, levels=(2, 2)):
    """An assessment of `sub` as the assessing service stores it: one
    result per criterion of the factory rubric (levels 0-2, 0 the lowest),
    the submission's status the decision once the trainee can see it."""
    assessment = TaskAssessment.objects.create(
        submission=sub,
        assessor=assessor,
        decision=decision,
        score=sum(levels),
        max_score=4,
        assessed_at=at,
        released_at=released,
    )
    criteria = list(sub.task.rubric.criteria.all())
    for position, (criterion, level) in enumerate(zip(criteria, levels, strict=True)):
        CriterionResult.objects.create(
            assessment=assessment,
            criterion=criterion,
            position=position,
            criterion_title=criterion.title,
            level_index=level,
            level_title=criterion.level_rows()[level]["title"],
            points=level,
            max_points=2,
            lowest=level == 0,
        )
    if not sub.task.release_marks or released is not None:
        Submission.objects.filter(pk=sub.pk).update(status=decision)
    return assessment


def _dashboard(client, cohort, query="") -> str:
    client.force_login(cohort.managers.get())
    response = client.get(reverse("cohorts:dashboard", args=[cohort.pk]) + query)
    assert response.status_code == 200
    return response.content.decode()


# -- counts per state ------------------------------------------------------------


def test_tasks_are_counted_by_each_trainees_latest_version(client, cohort, task):
    passed, revision, waiting, idle, gone = trainees_bulk(cohort, 5, done_lessons=1)
    marker = cohort.trainers.get()
    first = submission(task, passed, submitted_at=_ago(days=3))
    _assess(first, "revision", assessor=marker, at=_ago(days=2))
    _assess(
        submission(task, passed, submitted_at=_ago(days=1)),
        "passed",
        assessor=marker,
        at=_ago(hours=1),
    )
    _assess(
        submission(task, revision, submitted_at=_ago(days=1)),
        "revision",
        assessor=marker,
        at=_ago(hours=2),
    )
    submission(task, waiting)
    submission(task, gone)
    CohortMembership.objects.filter(user=gone).update(status="withdrawn")

    progress = cohort_progress(cohort=cohort)

    [summary] = progress.tasks
    assert (summary.id, summary.title) == (task.pk, "Tugas daftar produk")
    assert (
        summary.submitted,
        summary.waiting,
        summary.passed,
        summary.revision,
    ) == (3, 1, 1, 1)
    rows = {r.user_id: r for r in progress.rows}
    assert rows[passed.pk].tasks[task.pk].status == "passed"
    assert rows[passed.pk].tasks[task.pk].number == 2
    assert rows[revision.pk].tasks[task.pk].status == "revision"
    assert rows[waiting.pk].tasks[task.pk].status == "waiting"
    assert rows[idle.pk].tasks == {}
    page = _dashboard(client, cohort)
    table = page.split('id="tasks"')[1].split('id="feedback"')[0]
    assert "<td>3</td><td>1</td><td>1</td><td>1</td>" in table
    assert reverse("cohorts:task_heatmap", args=[cohort.pk, task.pk]) in table
    matrix = page.split('id="matrix"')[1].split('id="tasks"')[0]
    assert "1 dari 1 lulus" in matrix
    assert "1 perlu revisi" in matrix


def test_trainee_page_shows_each_tasks_state(client, cohort, task):
    [person] = trainees_bulk(cohort, 1)
    _assess(
        submission(task, person, submitted_at=_ago(days=2)),
        "revision",
        assessor=cohort.trainers.get(),
        at=_ago(days=1),
        levels=(0, 1),
    )
    client.force_login(cohort.managers.get())
    page = client.get(
        reverse("cohorts:trainee", args=[cohort.pk, person.pk])
    ).content.decode()
    tasks = page.split('id="tasks-caption"')[1].split("</table>")[0]
    assert "Tugas daftar produk" in tasks
    assert "Perlu revisi" in tasks
    assert "25%" in tasks  # 1 of 4 points


# -- time to feedback ------------------------------------------------------------------


def test_median_time_to_feedback_per_trainer(cohort, task, course):
    people = trainees_bulk(cohort, 6)
    ani = trainer(display_name="Ani Pelatih")
    budi = trainer(display_name="Budi Pelatih")
    for person, hours in zip(people[:3], (1, 3, 10), strict=True):
        _assess(
            submission(task, person, submitted_at=_ago(days=1)),
            "passed",
            assessor=ani,
            at=_ago(days=1) + dt.timedelta(hours=hours),
        )
    # Budi's task holds marks back: the time runs until release.
    held = task_in(course, slug="tugas-foto", title="Tugas foto", release_marks=True)
    for person, hours in zip(people[3:5], (2, 4), strict=True):
        _assess(
            submission(held, person, submitted_at=_ago(days=2)),
            "revision",
            assessor=budi,
            at=_ago(days=2) + dt.timedelta(minutes=30),
            released=_ago(days=2) + dt.timedelta(hours=hours),
        )
    # Assessed but not released: no feedback reached the trainee yet.
    _assess(
        submission(held, people[5], submitted_at=_ago(days=9)),
        "revision",
        assessor=budi,
        at=_ago(days=1),
    )

    feedback = {t.name: t for t in cohort_progress(cohort=cohort).feedback}

    assert set(feedback) == {"Ani Pelatih", "Budi Pelatih"}
    assert (feedback["Ani Pelatih"].assessed, feedback["Ani Pelatih"].median) == (
        3,
        dt.timedelta(hours=3),
    )
    assert (feedback["Budi Pelatih"].assessed, feedback["Budi Pelatih"].median) == (
        2,
        dt.timedelta(hours=3),
    )
    assert feedback["Ani Pelatih"].median_text == "3 jam"
    assert feedback["Budi Pelatih"].median_hours == Decimal("3.0")


# -- at risk -----------------------------------------------------------------------


def test_task_at_risk_reasons_show_with_the_trainee(client, cohort, task):
    stale, twice, fresh, recovered = trainees_bulk(cohort, 4, done_lessons=1)
    marker = cohort.trainers.get()
    # Feedback "needs revision" 10 days ago, no new version (limit: 7 days).
    _assess(
        submission(task, stale, submitted_at=_ago(days=12)),
        "revision",
        assessor=marker,
        at=_ago(days=10),
    )
    # Two versions needed revision, the third waits.
    for days in (6, 4):
        _assess(
            submission(task, twice, submitted_at=_ago(days=days)),
            "revision",
            assessor=marker,
            at=_ago(days=days - 1),
        )
    submission(task, twice, submitted_at=_ago(days=1))
    # Needs revision since 2 days only.
    _assess(
        submission(task, fresh, submitted_at=_ago(days=3)),
        "revision",
        assessor=marker,
        at=_ago(days=2),
    )
    # Twice revision, then passed: no longer at risk.
    for days, decision in ((6, "revision"), (4, "revision"), (2, "passed")):
        _assess(
            submission(task, recovered, submitted_at=_ago(days=days)),
            decision,
            assessor=marker,
            at=_ago(days=days - 1),
        )

    reasons = {r.user_id: r.reasons for r in cohort_progress(cohort=cohort).rows}

    assert reasons == {
        stale.pk: ['tugas "Tugas daftar produk" menunggu revisi selama 10 hari'],
        twice.pk: ['tugas "Tugas daftar produk" dua kali perlu revisi'],
        fresh.pk: [],
        recovered.pk: [],
    }
    page = _dashboard(client, cohort)
    at_risk = page.split('id="at-risk"')[1].split('id="matrix"')[0]
    assert (
        f"{stale.display_name}</a>: tugas &quot;Tugas daftar produk&quot; "
        "menunggu revisi selama 10 hari." in at_risk
    )
    assert (
        f"{twice.display_name}</a>: tugas &quot;Tugas daftar produk&quot; "
        "dua kali perlu revisi." in at_risk
    )
    assert fresh.display_name not in at_risk
    assert recovered.display_name not in at_risk
    # The staff start page counts the same people.
    [summary] = cohorts_summary(user=cohort.managers.get())
    assert summary.at_risk == 2


# -- heatmap ----------------------------------------------------------------------


def test_heatmap_shares_at_each_level_with_examples(client, cohort, task):
    people = trainees_bulk(cohort, 5)
    marker = cohort.trainers.get()
    # CTA jelas at the lowest level for 2 of 5; Judul jelas for none.
    levels = [(2, 0), (1, 0), (2, 2), (2, 1), (1, 2)]
    for person, pair in zip(people, levels, strict=True):
        _assess(
            submission(task, person, submitted_at=_ago(days=3)),
            "revision",
            assessor=marker,
            at=_ago(days=2),
            levels=pair,
        )
    # An older version at the lowest level, superseded: not counted.
    old = people[2]
    Submission.objects.filter(user=old).update(number=2)
    _assess(
        submission(task, old, number=1, submitted_at=_ago(days=5)),
        "revision",
        assessor=marker,
        at=_ago(days=4),
        levels=(0, 0),
    )
    # A newer version not assessed yet: the latest assessed one counts.
    submission(task, people[0], number=2, submitted_at=_ago(hours=1))

    client.force_login(cohort.managers.get())
    response = client.get(reverse("cohorts:task_heatmap", args=[cohort.pk, task.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    heatmap = response.context["heatmap"]
    assert heatmap.assessed == 5
    assert [(r.title, [c.share for c in r.cells]) for r in heatmap.rows] == [
        ("Judul jelas", [0, 40, 60]),
        ("CTA jelas", [40, 20, 40]),
    ]
    assert "<strong>CTA jelas: 40 % di tingkat terendah</strong>" in page
    assert "Judul jelas: 0 % di tingkat terendah" in page
    cta = heatmap.rows[1]
    assert [e.name for e in cta.examples] == [
        people[0].display_name,
        people[1].display_name,
    ]
    assert f"{people[0].display_name} (versi 1)" in page
    assert '<th scope="col">Tingkat 1 (terendah)</th>' in page
    assert '<th scope="row">CTA jelas</th>' in page
    assert "heat--lowest" in page


def test_heatmap_only_for_the_cohorts_staff_and_tasks(client, cohort, task, home):
    url = reverse("cohorts:task_heatmap", args=[cohort.pk, task.pk])
    other = cohort_with(code="angkatan-lain", courses=[course_tree()])
    elsewhere = task_in(other.courses.get(), slug="tugas-lain")
    for user, status in (
        (cohort.managers.get(), 200),
        (cohort.trainers.get(), 200),
        (other.managers.get(), 404),
        (trainee(), 404),
    ):
        visitor = Client()
        visitor.force_login(user)
        assert visitor.get(url).status_code == status
    client.force_login(cohort.managers.get())
    assert (
        client.get(
            reverse("cohorts:task_heatmap", args=[cohort.pk, elsewhere.pk])
        ).status_code
        == 404
    )
    assert (
        client.get(
            reverse("cohorts:task_heatmap", args=[cohort.pk, 999999])
        ).status_code
        == 404
    )
    assert Client().get(url).status_code == 302  # to log in


# -- learning gain ------------------------------------------------------------------


def _attempt(user, quiz, number, percent, status="graded"):
    return Attempt.objects.create(
        user=user,
        quiz=quiz,
        number=number,
        status=status,
        submitted_at=timezone.now(),
        score=Decimal(percent),
        max_score=Decimal(100),
        passed=percent >= 50,
    )


@pytest.fixture
def tests_of(course):
    pre = quiz_in(course, [question("single")], slug="pre", test_role="pre")
    post = quiz_in(course, [question("single")], slug="post", test_role="post")
    return pre, post


def test_learning_gain_per_trainee_and_cohort(client, cohort, course, tests_of):
    pre, post = tests_of
    a, b, c, d = trainees_bulk(cohort, 4)
    _attempt(a, pre, 1, 30)
    _attempt(a, pre, 2, 80)  # a later pre-test attempt does not count
    _attempt(a, post, 1, 60)
    _attempt(a, post, 2, 90)  # the best post-test does
    _attempt(b, pre, 1, 50)
    _attempt(b, post, 1, 70)
    _attempt(c, pre, 1, 40)
    _attempt(c, post, 1, 50)
    _attempt(d, pre, 1, 20)  # no post-test yet

    progress = cohort_progress(cohort=cohort)

    rows = {r.user_id: r for r in progress.rows}
    assert rows[a.pk].gains[course.pk].gain == 60.0
    assert rows[b.pk].gains[course.pk].gain == 20.0
    assert rows[c.pk].gains[course.pk].gain == 10.0
    assert rows[d.pk].gains[course.pk].pre == 20.0
    assert rows[d.pk].gains[course.pk].gain is None
    [gain] = progress.gains
    assert (gain.course, gain.trainees, gain.mean, gain.median) == (
        course,
        3,
        30.0,
        20.0,
    )
    page = _dashboard(client, cohort)
    figures = page.split('id="gain"')[1].split('id="funnel"')[0]
    assert "<td>3</td>" in figures
    assert "+30,0 poin" in figures
    assert "+20,0 poin" in figures
    matrix = page.split('id="matrix"')[1].split('id="gain"')[0]
    assert "+60,0 poin" in matrix
    assert "pra-tes 20%" in matrix


# -- exports ------------------------------------------------------------------------


def _export(cohort, kind) -> list[list[str]]:
    export = CohortExport.objects.create(cohort=cohort, kind=kind, format="csv")
    cohort_export_build(export_id=export.pk)
    export.refresh_from_db()
    with export.file.open("rb") as f:
        return list(csv.reader(io.StringIO(f.read().decode("utf-8-sig"))))


def test_exports_carry_tasks_feedback_and_learning_gain(cohort, task, tests_of):
    pre, post = tests_of
    done, waiting = trainees_bulk(cohort, 2)
    _assess(
        submission(task, done, submitted_at=_ago(hours=5)),
        "passed",
        assessor=cohort.trainers.get(),
        at=_ago(hours=2),
    )
    submission(task, waiting)
    _attempt(done, pre, 1, 40)
    _attempt(done, post, 1, 75)

    matrix = _export(cohort, "matrix")
    header = matrix[0]
    # The last column counts quizzes saved offline and not sent back.
    assert header[-5:] == [
        "Tugas: Tugas daftar produk",
        f"{cohort.courses.get().title}: pra-tes (%)",
        f"{cohort.courses.get().title}: pasca-tes (%)",
        f"{cohort.courses.get().title}: peningkatan belajar (poin)",
        "Kuis tersimpan offline, belum dikirim",
    ]
    lines = {line[0]: line for line in matrix[1:]}
    assert lines[done.display_name][-5:] == ["Lulus", "40.0", "75.0", "35.0", "0"]
    assert lines[waiting.display_name][-5:] == [
        "Menunggu penilaian",
        "",
        "",
        "",
        "0",
    ]

    tasks = _export(cohort, "tasks")
    assert tasks[1] == [
        cohort.courses.get().title,
        "Tugas daftar produk",
        "2",
        "1",
        "1",
        "0",
    ]
    feedback = _export(cohort, "feedback")
    assert feedback[0] == ["Pelatih", "Dinilai", "Median waktu umpan balik (jam)"]
    assert feedback[1] == [cohort.trainers.get().display_name, "1", "3.0"]


# -- query count --------------------------------------------------------------------


def _busy(cohort, task, tests_of, n, prefix):
    """`n` trainees with two versions of the task (assessed, the second
    released) and a pre-test and post-test each."""
    pre, post = tests_of
    marker = cohort.trainers.get()
    for person in trainees_bulk(cohort, n, prefix=prefix, done_lessons=1):
        _assess(
            submission(task, person, submitted_at=_ago(days=3)),
            "revision",
            assessor=marker,
            at=_ago(days=2),
            levels=(0, 1),
        )
        _assess(
            submission(task, person, submitted_at=_ago(days=1)),
            "passed",
            assessor=marker,
            at=_ago(hours=5),
        )
        _attempt(person, pre, 1, 30)
        _attempt(person, post, 1, 80)


def _queries(client, cohort) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("cohorts:dashboard", args=[cohort.pk]))
    assert response.status_code == 200
    return len(queries)


def test_dashboard_queries_do_not_grow_with_trainees_or_submissions(
    client, cohort, task, tests_of
):
    client.force_login(cohort.managers.get())
    _busy(cohort, task, tests_of, 3, "p")
    client.get(reverse("cohorts:dashboard", args=[cohort.pk]))  # warm caches
    small = _queries(client, cohort)
    _busy(cohort, task, tests_of, 27, "q")
    progress = cohort_progress(cohort=cohort)
    assert progress.tasks[0].passed == 30
    assert progress.gains[0].trainees == 30

    assert _queries(client, cohort) == small
    assert small <= DASHBOARD_QUERIES
