"""Practical tasks under awkward conditions: the broker (Redis) down while
a trainee sends a voice note or a trainer releases feedback, rubrics edited
after assessment, hostile numbers and text in the trainers' forms. The
request answers (never a 500), the work is kept, and what could not be sent
to the worker is sent again by a sweep once the broker is back."""

from datetime import timedelta

import pytest
from django.urls import reverse

from assessments.models import Submission, SubmissionFile, TaskAssessment
from tests.factories import PASSWORD
from tests.factories.practice import task_in
from tests.lms.test_redis_outage import celery_broker, closed_port

from .submitting import *  # noqa: F403 (fixtures)
from .submitting import course_trainer, voice

pytestmark = pytest.mark.usefixtures("home")


def signed_in(client, user):
    client.login(username=user.email, password=PASSWORD)
    return client


def broker_down():
    return celery_broker(f"redis://127.0.0.1:{closed_port()}/0")


# After commit, as in production: the send runs in on_commit.
@pytest.mark.django_db(transaction=True)
def test_a_voice_note_sent_with_the_broker_down_is_kept_and_swept(
    client, learner, course, private_media
):
    from assessments.practice.services import (
        voice_notes_sweep,
        voice_notes_to_transcode,
    )

    voice_task = task_in(
        course, accepts_text=False, photos_max=0, accepts_voice=True, slug="suara"
    )
    signed_in(client, learner)
    with broker_down():
        response = client.post(
            reverse("assessments:task_submit", args=[voice_task.pk]),
            {"voice": voice()},
        )

    assert response.status_code == 302
    row = SubmissionFile.objects.get(submission__task=voice_task)
    assert (row.ready, row.error) == (False, "")
    assert voice_notes_to_transcode(older_than=timedelta(0)) == [row.pk]
    assert voice_notes_to_transcode(older_than=timedelta(hours=1)) == []
    with broker_down():
        assert voice_notes_sweep(older_than=timedelta(0)) == 0  # and no raise
    assert voice_notes_sweep(older_than=timedelta(0)) == 1


@pytest.mark.django_db(transaction=True)
def test_feedback_released_with_the_broker_down_is_saved_and_swept(
    client, learner, task
):
    from assessments.practice.notify import feedback_notices_to_send
    from tests.factories.practice import submission

    work = submission(task, learner)
    trainer = course_trainer(task.get_parent().get_parent().specific)
    criteria = list(task.rubric.criteria.order_by("sort_order"))
    signed_in(client, trainer)
    with broker_down():
        response = client.post(
            reverse("assessments:task_assess", args=[work.pk]),
            {f"level_{c.pk}": "2" for c in criteria},
        )

    assert response.status_code == 302
    assessment = TaskAssessment.objects.get(submission=work)
    assert assessment.released_at is not None
    assert assessment.notified_at is None
    assert Submission.objects.get(pk=work.pk).status == "passed"
    assert feedback_notices_to_send(older_than=timedelta(0)) == [assessment.pk]


def test_every_practice_job_is_sent_through_the_tolerant_queue():
    """The next enqueue of a practical-task job that could raise when the
    broker is down: none calls `.delay` or `.apply_async` itself."""
    from pathlib import Path

    import assessments.practice

    folder = Path(assessments.practice.__file__).parent
    offenders = [
        path.name
        for path in sorted(folder.glob("*.py"))
        if ".delay(" in path.read_text() or ".apply_async(" in path.read_text()
    ]
    assert offenders == []
