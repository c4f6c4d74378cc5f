"""A trainer's review of offline attempts held in `review`
(assessments/offline/review.py): accepted they count, refused they are kept
and shown; who may decide; what the marking queue shows."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.errors import Refused
from assessments.models import Attempt, SyncItem
from assessments.offline.review import (
    attempt_review_decide,
    attempts_to_review,
    offline_not_counted,
)
from assessments.offline.services import package_make
from courses.models import Enrollment
from courses.services import enrollment_create, lesson_complete
from lms.accounts.models import User
from lms.notifications.models import Notification
from tests.assessments.offline.conftest import sync_post
from tests.factories import course_trainer, program_manager, trainee
from tests.factories.assessments import question, quiz_in
from tests.factories.courses import course_tree, lessons_of
from tests.support.offline import saved_at, submit_item

pytestmark = pytest.mark.django_db


def _held(client, user, quiz, *, right=True, elapsed=240) -> Attempt:
    """`user`'s offline attempt at timed `quiz`, saved 3 hours before its
    answers arrive: held for review."""
    quiz.time_limit_minutes = 10
    quiz.save()
    attempt = package_make(user=user, quiz=quiz)
    Attempt.objects.filter(pk=attempt.pk).update(
        **saved_at(timezone.now() - timedelta(hours=3))
    )
    client.force_login(user)
    result = sync_post(
        client, [submit_item(attempt, right=right, elapsed_seconds=elapsed)]
    )
    assert result["items"][0]["outcome"] == "review"
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.REVIEW
    return attempt


@pytest.fixture
def held(client, learner, quiz):
    return _held(client, learner, quiz)


@pytest.fixture
def reviewer(course):
    return course_trainer(course)


def test_accepting_counts_the_attempt_and_may_complete_the_course(
    held, learner, course, reviewer
):
    lesson_complete(user=learner, lesson=lessons_of(course)[0])
    enrollment = Enrollment.objects.get(user=learner, course=course)
    assert enrollment.completed_at is None  # the held attempt does not count
    attempt = attempt_review_decide(reviewer=reviewer, attempt_id=held.pk, accept=True)
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.GRADED
    assert attempt.score == attempt.max_score == 4
    assert attempt.passed is True
    assert attempt.reviewed_by == reviewer
    assert attempt.reviewed_at is not None
    row = SyncItem.objects.get(attempt=attempt)
    assert (row.outcome, row.reason) == ("counted", "time_unproven")
    enrollment.refresh_from_db()
    assert enrollment.completed_at is not None
    note = Notification.objects.get(user=learner, key=f"review:{attempt.pk}")
    assert reverse("assessments:result", args=[attempt.pk]) in note.url


def test_refusing_keeps_the_attempt_not_counted(held, learner, course, reviewer):
    lesson_complete(user=learner, lesson=lessons_of(course)[0])
    attempt = attempt_review_decide(reviewer=reviewer, attempt_id=held.pk, accept=False)
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.NOT_COUNTED
    assert (attempt.score, attempt.passed) == (None, None)
    assert attempt.reviewed_by == reviewer
    assert attempt.items.exclude(points=None).count() == 4  # kept, with points
    assert SyncItem.objects.get(attempt=attempt).outcome == "not_counted"
    enrollment = Enrollment.objects.get(user=learner, course=course)
    assert enrollment.completed_at is None
    assert Notification.objects.filter(key=f"review:{attempt.pk}").count() == 1
    # The trainee sees it on the offline page, with why.
    assert offline_not_counted(user=reviewer)[0].attempt_id == attempt.pk


def test_a_decision_is_idempotent_and_final(held, reviewer):
    first = attempt_review_decide(reviewer=reviewer, attempt_id=held.pk, accept=True)
    again = attempt_review_decide(reviewer=reviewer, attempt_id=held.pk, accept=True)
    assert again.reviewed_at == first.reviewed_at
    assert Notification.objects.filter(key=f"review:{held.pk}").count() == 1
    with pytest.raises(Refused):
        attempt_review_decide(reviewer=reviewer, attempt_id=held.pk, accept=False)
    held.refresh_from_db()
    assert held.status == Attempt.Status.GRADED


def test_an_attempt_not_in_review_is_refused(client, learner, quiz, reviewer):
    attempt = package_make(user=learner, quiz=quiz)
    client.force_login(learner)
    assert sync_post(client, [submit_item(attempt)])["items"][0]["outcome"] == (
        "counted"
    )
    with pytest.raises(Refused) as refused:
        attempt_review_decide(reviewer=reviewer, attempt_id=attempt.pk, accept=False)
    assert refused.value.message
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.GRADED
    assert attempt.reviewed_by is None


def test_an_essay_accepted_waits_for_marking(client, learner, course, reviewer):
    quiz = quiz_in(course, [question("single"), question("essay", points=4)])
    attempt = package_make(user=learner, quiz=quiz)
    quiz.time_limit_minutes = 10
    quiz.save()
    Attempt.objects.filter(pk=attempt.pk).update(
        **saved_at(timezone.now() - timedelta(hours=3))
    )
    client.force_login(learner)
    sync_post(client, [submit_item(attempt)])
    row = attempts_to_review(user=reviewer)[0]
    assert (row.points, row.essays_waiting) == (None, 1)
    attempt_review_decide(reviewer=reviewer, attempt_id=attempt.pk, accept=True)
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.MARKING
    assert attempt.passed is None


def _other_trainer():
    return course_trainer(course_tree(modules=1, lessons=1, title="Kursus Lain"))


@pytest.mark.parametrize(
    "who", ["trainer of another course", "program manager", "the trainee"]
)
def test_only_the_course_trainers_may_review(held, learner, who):
    person = {
        "trainer of another course": _other_trainer,
        "program manager": program_manager,
        "the trainee": lambda: learner,
    }[who]()
    with pytest.raises(Refused):
        attempt_review_decide(reviewer=person, attempt_id=held.pk, accept=True)
    held.refresh_from_db()
    assert held.status == Attempt.Status.REVIEW
    assert attempts_to_review(user=person) == []


def test_nobody_reviews_their_own_attempt(client, course, quiz):
    own = course_trainer(course)
    enrollment_create(user=own, course=course)
    attempt = _held(client, own, quiz)
    with pytest.raises(Refused) as refused:
        attempt_review_decide(reviewer=own, attempt_id=attempt.pk, accept=True)
    assert "own" in refused.value.message or "sendiri" in refused.value.message
    assert attempts_to_review(user=own) == []


def _post(client, attempt, decision="accept"):
    return client.post(
        reverse("assessments:offline_review", args=[attempt.pk]),
        {"decision": decision},
    )


def test_the_queue_shows_the_review_and_its_buttons_accept(client, held, reviewer):
    client.force_login(reviewer)
    page = client.get(reverse("assessments:marking"))
    assert page.status_code == 200
    body = page.content.decode()
    action = reverse("assessments:offline_review", args=[held.pk])
    assert f'action="{action}"' in body
    assert 'value="accept"' in body
    assert 'value="refuse"' in body
    assert "4 menit" in body or "4 minutes" in body  # the phone's 240 seconds
    assert "4 dari 4 poin" in body or "4 of 4 points" in body
    response = _post(client, held, "accept")
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.status == Attempt.Status.GRADED
    # Gone from the queue.
    assert action not in client.get(reverse("assessments:marking")).content.decode()


def test_belajarku_tells_the_trainer_a_review_waits(client, held, reviewer, learner):
    client.force_login(reviewer)
    body = client.get(reverse("courses:my_learning")).content.decode()
    assert "1 percobaan offline menunggu Anda tinjau." in body
    client.force_login(learner)
    body = client.get(reverse("courses:my_learning")).content.decode()
    assert "menunggu Anda tinjau" not in body


def test_refused_in_the_queue_then_listed_as_not_counted(client, held, reviewer):
    client.force_login(reviewer)
    _post(client, held, "refuse")
    held.refresh_from_db()
    assert held.status == Attempt.Status.NOT_COUNTED
    page = client.get(reverse("assessments:marking") + "?tab=offline")
    body = page.content.decode()
    assert str(held.user) in body
    assert held.quiz.title in body
    assert body.count('class="mark-card__who"') == 1  # listed once
    assert '?tab=release">' in body  # the other tabs' links are intact


@pytest.mark.parametrize(
    "who",
    ["anonymous", "trainer of another course", "program manager", "the trainee"],
)
def test_nobody_else_can_post_a_decision(client, held, learner, who):
    person = {
        "anonymous": lambda: None,
        "trainer of another course": _other_trainer,
        "program manager": program_manager,
        "the trainee": lambda: learner,
    }[who]()
    client.logout()
    if person is not None:
        client.force_login(person)
    response = _post(client, held, "accept")
    assert response.status_code in (302, 404)
    if person is not None:
        assert response.status_code == 404
    held.refresh_from_db()
    assert held.status == Attempt.Status.REVIEW
    assert not Notification.objects.filter(key=f"review:{held.pk}").exists()


def test_a_bad_decision_changes_nothing(client, held, reviewer):
    client.force_login(reviewer)
    response = _post(client, held, "maybe")
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.status == Attempt.Status.REVIEW


def _count_queries(user) -> tuple[int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        rows = attempts_to_review(user=User.objects.get(pk=user.pk))
    return len(rows), len(ctx.captured_queries)


def test_the_queue_reads_a_fixed_number_of_queries(client, course, quiz, reviewer):
    def another():
        user = trainee()
        enrollment_create(user=user, course=course)
        _held(client, user, quiz)

    another()
    one, queries = _count_queries(reviewer)
    another()
    another()
    three, queries_three = _count_queries(reviewer)
    assert (one, three) == (1, 3)
    assert queries_three == queries


@pytest.mark.django_db(transaction=True)
def test_two_decisions_at_once_make_one(client):
    """Trainer A accepts while trainer B refuses: B's decision waits for
    A's row lock, then finds the attempt decided and is refused. Needs real
    row locks: PostgreSQL (DATABASE_URL)."""
    import threading

    from django.db import connection, connections, transaction

    if connection.vendor != "postgresql":
        pytest.skip("row locks are tested on PostgreSQL (set DATABASE_URL)")
    course = course_tree(modules=1, lessons=1)
    quiz = quiz_in(course, [question("single"), question("true_false")])
    learner = trainee()
    enrollment_create(user=learner, course=course)
    attempt = _held(client, learner, quiz)
    first, second = course_trainer(course), course_trainer(course)
    holding, release = threading.Event(), threading.Event()
    results: dict[str, object] = {}

    def accept_and_hold():
        try:
            with transaction.atomic():
                attempt_review_decide(
                    reviewer=first, attempt_id=attempt.pk, accept=True
                )
                holding.set()
                release.wait(timeout=20)
            results["first"] = "accepted"
        except Exception as exc:
            results["first"] = exc
            holding.set()
        finally:
            connections.close_all()

    def refuse():
        try:
            attempt_review_decide(reviewer=second, attempt_id=attempt.pk, accept=False)
            results["second"] = "refused it"
        except Refused as refused:
            results["second"] = refused.message
        finally:
            connections.close_all()

    one = threading.Thread(target=accept_and_hold)
    one.start()
    assert holding.wait(timeout=10)
    two = threading.Thread(target=refuse)
    two.start()
    two.join(timeout=1)
    assert two.is_alive()  # waiting for the row lock
    release.set()
    one.join(timeout=30)
    two.join(timeout=30)
    assert results["first"] == "accepted"
    assert results["second"] != "refused it"
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.GRADED
    assert attempt.reviewed_by == first
    assert Notification.objects.filter(key=f"review:{attempt.pk}").count() == 1
