"""A question edited after its quiz was saved for offline: the phone's
answers are graded against the snapshot frozen at download, and a later
regrade still applies, to a counted (graded) attempt and to one held for a
trainer's review (which stays held; its items' points change)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from assessments.models import Attempt, SyncItem
from assessments.offline.review import attempt_review_decide
from assessments.offline.services import package_make
from assessments.services import question_regrade, regrade_request
from courses.services import enrollment_create
from tests.assessments.offline.conftest import sync_post
from tests.factories import course_trainer, trainee
from tests.factories.assessments import question, quiz_in
from tests.factories.courses import course_tree
from tests.support.offline import offline_fields, saved_at, submit_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(db):
    """A course whose quiz asks a single-choice question with a broken key
    ("Dua" marked right instead of "Satu (benar)") and a true/false one;
    pass mark 70%. A trainee enrolled, and the course's trainer."""
    course = course_tree(modules=1, lessons=0)
    broken = question("single")
    right = broken.choices.get(fraction=100)
    wrong = broken.choices.get(text="Dua")
    right.fraction, wrong.fraction = 0, 100
    right.save()
    wrong.save()
    quiz = quiz_in(course, [broken, question("true_false")])
    learner = trainee()
    enrollment_create(user=learner, course=course)
    return quiz, broken, learner, course_trainer(course)


def _fix_key(q):
    for choice in q.choices.all():
        choice.fraction = 100 if "(benar)" in choice.text else 0
        choice.save()


def _truly_right(attempt: Attempt) -> dict:
    """The sync item answering both questions truly right: "Satu (benar)"
    (which the frozen, broken key marks wrong) and True."""
    item = submit_item(attempt)
    snapshot = attempt.items.get(order=1).snapshot
    satu = next(c["key"] for c in snapshot["choices"] if "Satu" in c["text"])
    item["fields"] = [
        ["q1-choice", satu] if name == "q1-choice" else [name, value]
        for name, value in offline_fields(attempt, right=True)
    ]
    return item


def _regrade(q, by):
    job = regrade_request(question=q, user=by)
    return question_regrade(job_id=job.pk)


def test_a_synced_graded_attempt_is_graded_by_its_snapshot_then_regraded(client, setup):
    quiz, broken, learner, staff = setup
    attempt = package_make(user=learner, quiz=quiz)
    _fix_key(broken)  # edited after the download
    client.force_login(learner)
    result = sync_post(client, [_truly_right(attempt)])["items"][0]
    assert result["outcome"] == "counted"
    attempt.refresh_from_db()
    # Graded against the snapshot: its broken key marks "Satu" wrong.
    assert (attempt.status, attempt.score, attempt.passed) == (
        Attempt.Status.GRADED,
        1,
        False,
    )
    job = _regrade(broken, staff)
    assert job.attempts_changed == 1
    attempt.refresh_from_db()
    assert (attempt.status, attempt.score, attempt.passed) == (
        Attempt.Status.GRADED,
        2,
        True,
    )
    assert attempt.items.get(order=1).points == 1


def test_a_held_attempt_keeps_its_status_and_its_points_are_regraded(client, setup):
    quiz, broken, learner, staff = setup
    quiz.time_limit_minutes = 10
    quiz.save()
    attempt = package_make(user=learner, quiz=quiz)
    Attempt.objects.filter(pk=attempt.pk).update(
        **saved_at(timezone.now() - timedelta(hours=3))
    )
    _fix_key(broken)
    client.force_login(learner)
    assert sync_post(client, [_truly_right(attempt)])["items"][0]["outcome"] == (
        "review"
    )
    assert attempt.items.get(order=1).points == 0
    assert SyncItem.objects.get(attempt=attempt).score == 1
    job = _regrade(broken, staff)
    assert job.attempts_changed == 1  # its points changed
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.REVIEW
    assert (attempt.score, attempt.passed) == (None, None)
    assert [i.points for i in attempt.items.order_by("order")] == [1, 1]
    # Accepted afterwards, it counts with the regraded points.
    attempt_review_decide(reviewer=staff, attempt_id=attempt.pk, accept=True)
    attempt.refresh_from_db()
    assert (attempt.status, attempt.score, attempt.passed) == (
        Attempt.Status.GRADED,
        2,
        True,
    )


def test_a_regrade_before_the_sync_corrects_the_package_key(client, setup):
    """The package is still on the phone when the trainer regrades: its
    frozen key is corrected, so the answers are graded right on arrival."""
    quiz, broken, learner, staff = setup
    attempt = package_make(user=learner, quiz=quiz)
    _fix_key(broken)
    job = _regrade(broken, staff)
    assert job.open_attempts_changed == 1
    client.force_login(learner)
    sync_post(client, [_truly_right(attempt)])
    attempt.refresh_from_db()
    assert (attempt.score, attempt.passed) == (2, True)
