"""The release workflow of practical tasks (a task with `release_marks`):
assessments stay hidden from the trainee until a trainer releases them, in
bulk and idempotently; a release tells the trainee in Sinau (Belajarku,
until they open the task) and by email, once however often the task is
delivered."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from assessments.models import Submission, TaskAssessment
from assessments.practice.assessing import task_assessments_release
from assessments.practice.notify import (
    feedback_unseen,
    submission_feedback_seen,
    task_feedback_notify,
)
from assessments.tasks import task_feedback_notify_task
from courses.models import Enrollment
from courses.services import enrollment_create
from lms.notifications.models import Notification
from tests.assessments.test_staff_scope import course_trainer
from tests.factories import trainee
from tests.factories.courses import course_tree
from tests.factories.practice import submission
from tests.support.notifications import (
    notifications_deliver_pending,
    quiet_hours_off,
)

from .test_assess import assess, task_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_quiet_hours(settings):
    quiet_hours_off(settings)


@pytest.fixture
def world():
    return task_world(release_marks=True)


def test_an_unreleased_assessment_leaves_the_trainee_waiting(world, client):
    assessment = assess(world, 2, 2, feedback="Rahasia sampai dirilis.")
    assert assessment.released_at is None
    world.submission.refresh_from_db()
    assert world.submission.status == "waiting"
    enrollment = Enrollment.objects.get(user=world.trainee, course=world.course)
    assert enrollment.completed_at is None
    assert feedback_unseen(user=world.trainee) == []
    client.force_login(world.trainee)
    assert (
        "Umpan balik baru"
        not in client.get(reverse("courses:my_learning")).content.decode()
    )


@pytest.fixture
def enqueued(monkeypatch):
    """The assessment ids the email task is enqueued with (a spy on
    `.apply_async`; the task itself is tested by calling it)."""
    ids = []
    monkeypatch.setattr(
        task_feedback_notify_task,
        "apply_async",
        lambda args, task_id=None: ids.append(args[0]),
    )
    return ids


def test_without_the_workflow_an_assessment_is_released_at_once(
    django_capture_on_commit_callbacks, enqueued
):
    world = task_world()
    with django_capture_on_commit_callbacks(execute=True):
        assessment = assess(world, 2, 2)
        assert enqueued == []  # only once the transaction commits
    assert assessment.released_at is not None
    assert enqueued == [assessment.pk]
    world.submission.refresh_from_db()
    assert world.submission.status == "passed"


def test_bulk_release_shows_the_decisions_and_completes_a_pass(
    world, django_capture_on_commit_callbacks, enqueued
):
    other = trainee()
    enrollment_create(user=other, course=world.course)
    second = submission(world.task, other)
    passed = assess(world, 2, 2)
    revision = assess(world, 0, 0, submission_=second)
    assert enqueued == []
    with django_capture_on_commit_callbacks(execute=True):
        released = task_assessments_release(
            user=world.trainer, assessment_ids=[str(passed.pk), revision.pk, "x"]
        )
    assert released == 2
    assert sorted(enqueued) == sorted([passed.pk, revision.pk])
    world.submission.refresh_from_db()
    second.refresh_from_db()
    assert (world.submission.status, second.status) == ("passed", "revision")
    assert TaskAssessment.objects.filter(released_at__isnull=True).count() == 0
    enrollment = Enrollment.objects.get(user=world.trainee, course=world.course)
    assert enrollment.completed_at is not None
    assert Enrollment.objects.get(user=other, course=world.course).completed_at is None


def test_releasing_again_changes_nothing(
    world, django_capture_on_commit_callbacks, enqueued
):
    assessment = assess(world, 2, 2)
    with django_capture_on_commit_callbacks(execute=True):
        task_assessments_release(user=world.trainer, assessment_ids=[assessment.pk])
    first = TaskAssessment.objects.get().released_at
    with django_capture_on_commit_callbacks(execute=True):
        again = task_assessments_release(
            user=world.trainer, assessment_ids=[assessment.pk]
        )
    assert again == 0
    assert enqueued == [assessment.pk]
    assert TaskAssessment.objects.get().released_at == first


def test_release_outside_the_scope_does_nothing(world):
    assessment = assess(world, 2, 2)
    outsider = course_trainer(course_tree(modules=1, lessons=1, title="Kursus Lain"))
    assert task_assessments_release(user=outsider, assessment_ids=[assessment.pk]) == 0
    assert (
        task_assessments_release(user=world.trainee, assessment_ids=[assessment.pk])
        == 0
    )
    assert TaskAssessment.objects.get().released_at is None
    world.submission.refresh_from_db()
    assert world.submission.status == "waiting"


def test_the_release_tab_releases_the_checked_ones_with_one_post(world, client):
    other = trainee()
    enrollment_create(user=other, course=world.course)
    kept_back = assess(world, 1, 1, submission_=submission(world.task, other))
    chosen = assess(world, 2, 2)
    client.force_login(world.trainer)
    page = client.get(reverse("assessments:marking") + "?tab=release").content.decode()
    assert f'name="assessment" value="{chosen.pk}"' in page
    assert f'name="assessment" value="{kept_back.pk}"' in page
    response = client.post(
        reverse("assessments:task_release"), {"assessment": [chosen.pk]}
    )
    assert response.status_code == 302
    assert TaskAssessment.objects.get(pk=chosen.pk).released_at is not None
    assert TaskAssessment.objects.get(pk=kept_back.pk).released_at is None
    assessed = client.get(
        reverse("assessments:marking") + "?tab=assessed"
    ).content.decode()
    assert reverse("assessments:task_assess", args=[world.submission.pk]) in assessed


def test_reassessing_a_released_assessment_keeps_it_released(world):
    # (From "needs revision" to passed: a released pass that completed the
    # course is not taken back, see below.)
    assessment = assess(world, 0, 0)
    task_assessments_release(user=world.trainer, assessment_ids=[assessment.pk])
    released_at = TaskAssessment.objects.get().released_at
    submission_feedback_seen(user=world.trainee, task=world.task)
    again = assess(world, 2, 2)
    assert again.released_at == released_at
    world.submission.refresh_from_db()
    assert world.submission.status == "passed"
    assert world.submission.feedback_seen_at is None  # "new feedback" again


def test_the_trainee_sees_new_feedback_until_they_open_the_task(world, client):
    assessment = assess(world, 2, 2)
    task_assessments_release(user=world.trainer, assessment_ids=[assessment.pk])
    assert [s.pk for s in feedback_unseen(user=world.trainee)] == [world.submission.pk]
    client.force_login(world.trainee)
    page = client.get(reverse("courses:my_learning")).content.decode()
    assert "Umpan balik baru untuk Tugas daftar produk" in page
    assert submission_feedback_seen(user=world.trainee, task=world.task) == 1
    assert submission_feedback_seen(user=world.trainee, task=world.task) == 0
    assert feedback_unseen(user=world.trainee) == []
    page = client.get(reverse("courses:my_learning")).content.decode()
    assert "Umpan balik baru" not in page


def test_the_email_is_sent_once_when_the_task_is_delivered_twice(world):
    assessment = assess(world, 2, 2)
    assert task_feedback_notify_task(assessment.pk) is False  # not released yet
    assert notifications_deliver_pending() == []
    task_assessments_release(user=world.trainer, assessment_ids=[assessment.pk])
    assert task_feedback_notify_task(assessment.pk) is True
    assert task_feedback_notify_task(assessment.pk) is False
    assert notifications_deliver_pending() == ["sent"]
    assert notifications_deliver_pending() == []
    notification = Notification.objects.get()
    assert (notification.user, notification.key) == (
        world.trainee,
        f"task_feedback:{assessment.pk}",
    )
    assert notification.template == "feedback_released"
    assert notification.params[1:] == ["Tugas daftar produk", notification.url]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [world.trainee.email]
    assert message.subject == "Umpan balik baru untuk tugas Anda “Tugas daftar produk”"
    assert "tugas ini lulus" in message.body
    assert world.task.url in message.body
    assert TaskAssessment.objects.get().notified_at is not None


def test_no_email_without_an_address_but_a_message_in_sinau(world):
    world.trainee.email = ""
    world.trainee.phone = "+6281311119999"
    world.trainee.save(update_fields=["email", "phone"])
    assessment = assess(world, 0, 0)
    task_assessments_release(user=world.trainer, assessment_ids=[assessment.pk])
    assert task_feedback_notify(assessment_id=assessment.pk) is True
    assert task_feedback_notify(assessment_id=assessment.pk) is False
    notifications_deliver_pending()
    assert mail.outbox == []
    notification = Notification.objects.get(user=world.trainee)
    assert notification.kind == "task_feedback"
    assert notification.read_at is None
    Submission.objects.filter(pk=world.submission.pk).update(
        feedback_seen_at=timezone.now()
    )
    assert feedback_unseen(user=world.trainee) == []


def test_opening_the_task_page_clears_the_new_feedback_notice(world, client):
    assessment = assess(world, 2, 2)
    task_assessments_release(user=world.trainer, assessment_ids=[assessment.pk])
    client.force_login(world.trainer)  # staff opening the page clear nothing
    assert client.get(world.task.url).status_code == 200
    assert feedback_unseen(user=world.trainee) != []
    client.force_login(world.trainee)
    assert client.head(world.task.url).status_code == 200  # not a GET
    assert feedback_unseen(user=world.trainee) != []
    assert client.get(world.task.url).status_code == 200
    assert feedback_unseen(user=world.trainee) == []
    page = client.get(reverse("courses:my_learning")).content.decode()
    assert "Umpan balik baru" not in page


def test_a_released_pass_that_completed_the_course_is_not_taken_back(world):
    """Found by the review: turning a released pass into "needs revision"
    left the course complete and its certificate issued while the status
    said revision. Refused, and nothing changes."""
    from assessments.errors import Refused

    passed = assess(world, 2, 2)
    task_assessments_release(user=world.trainer, assessment_ids=[passed.pk])
    enrollment = Enrollment.objects.get(user=world.trainee, course=world.course)
    assert enrollment.completed_at is not None
    with pytest.raises(Refused) as refused:
        assess(world, 0, 0)
    assert refused.value.field == "decision"
    world.submission.refresh_from_db()
    assert world.submission.status == "passed"
    assert TaskAssessment.objects.get().decision == "passed"
    assert TaskAssessment.objects.get().score == 4


def test_release_of_ids_that_name_nothing_says_so(world, client):
    """Found by the final break pass: unreadable or unknown ids were
    answered "already released"."""
    client.force_login(world.trainer)
    url = reverse("assessments:task_release")
    for junk in ("abc", "\x00", "99999999999999999999999", "-1", "424242"):
        response = client.post(url, {"assessment": junk}, follow=True)
        texts = [str(m) for m in response.context["messages"]]
        assert texts == ["Pilih sedikitnya satu penilaian untuk dirilis."], junk
    assert TaskAssessment.objects.count() == 0
