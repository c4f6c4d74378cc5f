"""Practical tasks in the marking queue (`/penilaian/`, next to essays):
the latest version per trainee, waiting and not assessed, in the person's
scope; allocated to them first, then unallocated, then others', oldest
first; a cohort filter; nothing under an unpublished page; a constant
number of queries; and the staff start page counting what waits."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.demo import attempt_take
from assessments.practice.queue import (
    task_queue,
    tasks_assessed,
    tasks_unreleased,
    tasks_waiting_count,
)
from courses.models import ModulePage
from courses.services import enrollment_create
from lms.cohorts.models import CohortMembership
from tests.assessments.test_staff_scope import course_trainer
from tests.factories import trainee
from tests.factories.assessments import question, quiz_in
from tests.factories.cohorts import cohort_with
from tests.factories.courses import course_tree
from tests.factories.practice import submission

from .test_assess import assess, task_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return task_world()


def _trainees(world, n):
    people = []
    for _ in range(n):
        person = trainee()
        enrollment_create(user=person, course=world.course)
        people.append(person)
    return people


def test_the_queue_orders_mine_then_unallocated_then_others_oldest_first(world):
    now = timezone.now()
    colleague = course_trainer(world.course)
    a, b, c, d = _trainees(world, 4)
    others_old = submission(
        world.task, a, assessor=colleague, submitted_at=now - timedelta(days=9)
    )
    mine_new = submission(world.task, b, assessor=world.trainer, submitted_at=now)
    mine_old = submission(
        world.task, c, assessor=world.trainer, submitted_at=now - timedelta(days=1)
    )
    free = submission(world.task, d, submitted_at=now - timedelta(days=5))
    world_first = world.submission  # unallocated, submitted now-ish
    queue = [s.pk for s in task_queue(user=world.trainer)]
    assert queue[:2] == [mine_old.pk, mine_new.pk]
    assert queue[2:4] == [free.pk, world_first.pk]
    assert queue[4:] == [others_old.pk]


def test_only_the_latest_version_waiting_and_not_assessed_is_queued(world):
    assess(world, 0, 0)  # version 1 needs revision
    assert list(task_queue(user=world.trainer)) == []
    second = submission(world.task, world.trainee)
    assert [s.pk for s in task_queue(user=world.trainer)] == [second.pk]
    third = submission(world.task, world.trainee)
    assert [s.pk for s in task_queue(user=world.trainer)] == [third.pk]


def test_the_queue_leaves_out_other_courses_own_work_and_unpublished_tasks(world):
    outsider = course_trainer(course_tree(modules=1, lessons=1, title="Kursus Lain"))
    assert list(task_queue(user=outsider)) == []
    assert tasks_waiting_count(user=outsider) == 0
    assert list(task_queue(user=world.trainee)) == []
    enrollment_create(user=world.trainer, course=world.course)
    submission(world.task, world.trainer)  # the trainer's own work
    assert [s.pk for s in task_queue(user=world.trainer)] == [world.submission.pk]
    assert tasks_waiting_count(user=world.trainer) == 1
    ModulePage.objects.child_of(world.course).get().unpublish()
    assert list(task_queue(user=world.trainer)) == []
    assert tasks_waiting_count(user=world.trainer) == 0


def test_the_unreleased_and_assessed_tabs(world):
    world.task.release_marks = True
    world.task.save_revision().publish()
    assessment = assess(world, 2, 2)
    assert [s.pk for s in tasks_unreleased(user=world.trainer)] == [world.submission.pk]
    assert list(tasks_assessed(user=world.trainer)) == []
    assert list(task_queue(user=world.trainer)) == []
    from assessments.practice.assessing import task_assessments_release

    task_assessments_release(user=world.trainer, assessment_ids=[assessment.pk])
    assert list(tasks_unreleased(user=world.trainer)) == []
    assert [s.pk for s in tasks_assessed(user=world.trainer)] == [world.submission.pk]


def test_the_cohort_filter_narrows_the_task_queue(world, client):
    other = _trainees(world, 1)[0]
    theirs = submission(world.task, other)
    cohort = cohort_with(code="desa-a", courses=[world.course], teacher=world.trainer)
    CohortMembership.objects.create(cohort=cohort, user=other)
    client.force_login(world.trainer)
    everyone = client.get(reverse("assessments:marking")).content.decode()
    mine = client.get(
        reverse("assessments:marking") + f"?cohort={cohort.pk}"
    ).content.decode()
    url = reverse("assessments:task_assess", args=[world.submission.pk])
    theirs_url = reverse("assessments:task_assess", args=[theirs.pk])
    assert url in everyone
    assert theirs_url in everyone
    assert theirs_url in mine
    assert url not in mine


def test_the_queue_shows_tasks_next_to_essays(world, client):
    quiz = quiz_in(world.course, [question("essay", points=4)], slug="kuis-esai")
    attempt = attempt_take(user=world.trainee, quiz=quiz, right=True)
    essay = attempt.items.get(snapshot__kind="essay")
    client.force_login(world.trainer)
    html = client.get(reverse("assessments:marking")).content.decode()
    assert "<h2>Tugas praktik</h2>" in html
    assert "<h2>Esai</h2>" in html
    assert reverse("assessments:task_assess", args=[world.submission.pk]) in html
    assert reverse("assessments:mark", args=[essay.pk]) in html
    assert html.index("Tugas praktik") < html.index(
        reverse("assessments:mark", args=[essay.pk])
    )


def _queue_queries(client, world, *, adding: int, total: int) -> int:
    for person in _trainees(world, adding):
        submission(world.task, person)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("assessments:marking"))
    assert response.status_code == 200
    assert response.content.decode().count('href="/penilaian/tugas/') == total
    return len(queries)


def test_the_queue_takes_as_many_queries_for_3_as_for_30_submissions(
    world, client, django_assert_max_num_queries
):
    client.force_login(world.trainer)
    client.get(reverse("assessments:marking"))  # warm the page rules' cache
    few = _queue_queries(client, world, adding=2, total=3)
    many = _queue_queries(client, world, adding=27, total=30)
    assert few == many
    with django_assert_max_num_queries(few):
        client.get(reverse("assessments:marking"))


def test_the_start_page_counts_the_tasks_waiting(world, client):
    _trainees_with_work = _trainees(world, 2)
    for person in _trainees_with_work:
        submission(world.task, person)
    client.force_login(world.trainer)
    html = client.get("/").content.decode()
    assert "3 tugas praktik menunggu penilaian Anda" in html
    assess(world, 2, 2)
    html = client.get("/").content.decode()
    assert "2 tugas praktik menunggu penilaian Anda" in html
