"""Break tests (issue 22): the time limit of a quiz taken offline.

Each was found by the break pass (it failed then) and states what the
issue and docs/decisions/0027-offline.md promise."""

from datetime import timedelta

import pytest
from django.utils import timezone

from assessments.demo import answer_data
from assessments.models import Attempt
from assessments.offline.services import package_make
from assessments.services import attempt_answer, attempt_start, attempt_submit
from tests.assessments.offline.conftest import sync_post
from tests.support.offline import submit_item

pytestmark = pytest.mark.django_db


def _answer_all_right(learner, attempt):
    for item in attempt.items.order_by("order"):
        attempt_answer(
            user=learner,
            attempt_id=attempt.pk,
            order=item.order,
            data=answer_data(item.snapshot, right=True),
        )


def test_timed_package_resumed_online_days_later_is_not_silently_counted(learner, quiz):
    """A timed quiz (10 min) saved for offline: the package page shows every
    question. Three days later the trainee opens the quiz online: the
    attempt resumes with a fresh 10-minute clock, and the online submit is
    graded and counted with no review and no flag, although the questions
    were in the trainee's hands for three days. The issue: "the server
    accepts when download-to-sync fits the limit plus grace ... and
    otherwise marks the attempt perlu ditinjau"."""
    quiz.time_limit_minutes = 10
    quiz.save()
    package = package_make(user=learner, quiz=quiz)
    Attempt.objects.filter(pk=package.pk).update(
        downloaded_at=timezone.now() - timedelta(days=3),
        started_at=timezone.now() - timedelta(days=3),
    )
    online = attempt_start(user=learner, quiz=quiz)
    assert online.pk == package.pk
    _answer_all_right(learner, online)
    attempt_submit(user=learner, attempt_id=online.pk)
    online.refresh_from_db()
    assert online.status == Attempt.Status.REVIEW or online.flag, (
        f"status={online.status} flag={online.flag!r} passed={online.passed}: "
        "three days between package and submission, counted as in time"
    )


def test_package_asked_after_an_online_start_does_not_restart_the_clock(
    client_in, learner, quiz
):
    """A timed quiz (10 min) started online 20 minutes ago; 9 minutes after
    the start the trainee asks for a package (POST .../paket/), which notes
    `downloaded_at` then. Synced now, before the 5-minute sweep closes the
    expired attempt, the sync measures from `downloaded_at` (11 minutes ago,
    inside 10 min + 2 min grace) instead of the online start (20 minutes
    ago): counted with full marks."""
    quiz.time_limit_minutes = 10
    quiz.save()
    now = timezone.now()
    online = attempt_start(user=learner, quiz=quiz)
    Attempt.objects.filter(pk=online.pk).update(
        started_at=now - timedelta(minutes=20),
        deadline_at=now - timedelta(minutes=10),
    )
    made = package_make(user=learner, quiz=quiz)
    assert made.pk == online.pk
    Attempt.objects.filter(pk=online.pk).update(
        downloaded_at=now - timedelta(minutes=11)
    )
    result = sync_post(client_in, [submit_item(online, right=True)])["items"][0]
    online.refresh_from_db()
    assert result["outcome"] != "counted", (
        f"outcome={result['outcome']} score={online.score}/{online.max_score}: "
        "answers sent 20 min after a 10-min online start counted"
    )


def test_sync_cannot_answer_an_online_attempt_after_its_deadline(
    client_in, learner, quiz
):
    """Online, answers after the deadline are refused ("Time is up") and
    the attempt is graded with what was saved in time. The same attempt's
    answers sent through /luring/sinkron/ (or its package page's
    kirim-semua form) one minute after the deadline, before the sweep, are
    taken and counted: the online deadline is bypassed by the grace meant
    for phones."""
    quiz.time_limit_minutes = 10
    quiz.save()
    now = timezone.now()
    online = attempt_start(user=learner, quiz=quiz)
    Attempt.objects.filter(pk=online.pk).update(
        started_at=now - timedelta(minutes=11),
        deadline_at=now - timedelta(minutes=1),
    )
    result = sync_post(client_in, [submit_item(online, right=True)])["items"][0]
    online.refresh_from_db()
    assert not (result["outcome"] == "counted" and online.score == online.max_score), (
        f"outcome={result['outcome']} score={online.score}: answers sent after "
        "the online deadline were graded as if in time"
    )


def test_an_online_attempt_cannot_be_answered_after_the_close_by_a_phone_clock(
    client_in, learner, quiz
):
    """An attempt started online (never saved for offline) at a quiz that
    closed a day ago: online, its deadline was the close. A sync item for
    it whose `submitted_at` (the phone's clock, which the server cannot
    check) says one second before the close is counted with full marks:
    the phone clock is trusted for an attempt that never left the server."""
    now = timezone.now()
    online = attempt_start(user=learner, quiz=quiz)
    closes = now - timedelta(days=1)
    Attempt.objects.filter(pk=online.pk).update(
        started_at=closes - timedelta(minutes=5), deadline_at=closes
    )
    quiz.closes_at = closes
    quiz.save()
    item = submit_item(online, right=True, submitted_at=closes - timedelta(seconds=1))
    result = sync_post(client_in, [item])["items"][0]
    online.refresh_from_db()
    assert result["outcome"] != "counted", (
        f"outcome={result['outcome']} flag={online.flag!r} score={online.score}: "
        "answered a day after the close, counted on the phone's word"
    )
