"""Practical tasks under awkward conditions: the broker (Redis) down while
a trainee sends a voice note or a trainer releases feedback, rubrics edited
after assessment, hostile numbers and text in the trainers' forms. The
request answers (never a 500), the work is kept, and what could not be sent
to the worker is sent again by a sweep once the broker is back."""

from datetime import timedelta

import pytest
from django.urls import reverse

from assessments.models import Submission, SubmissionFile, TaskAssessment
from assessments.practice.assessing import task_assess
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


# -- hostile input in the trainers' forms --------------------------------------


@pytest.fixture
def assessed_world(learner, task, course):
    """Version 1 of `learner`'s work and the course's trainer."""
    from tests.factories.practice import submission

    return submission(task, learner), course_trainer(course)


HOSTILE = [
    "-1",
    "2.0",
    "abc",
    "",
    "99999999999999999999999999",
    "٢",
    "2\x00",
    "1e3",
    " 1",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_levels_are_refused_and_nothing_changes(
    client, task, assessed_world, value
):
    work, trainer = assessed_world
    criteria = list(task.rubric.criteria.order_by("sort_order"))
    data = {f"level_{c.pk}": "1" for c in criteria}
    data[f"level_{criteria[0].pk}"] = value

    response = signed_in(client, trainer).post(
        reverse("assessments:task_assess", args=[work.pk]), data
    )

    assert response.status_code == 400
    assert "Pilih tingkat untuk" in response.text
    assert not TaskAssessment.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("comment", "Bagus\x00"),
        ("comment", "x" * 1_000_000),
        ("feedback", "Bagus\x00"),
        ("feedback", "kata " * 10_000),
        ("decision", "lulus"),
        ("decision", "passed\x00"),
    ],
)
def test_hostile_text_in_the_assess_form_is_refused(
    client, task, assessed_world, field, value
):
    work, trainer = assessed_world
    criteria = list(task.rubric.criteria.order_by("sort_order"))
    data = {f"level_{c.pk}": "2" for c in criteria}
    key = f"comment_{criteria[0].pk}" if field == "comment" else field
    data[key] = value

    response = signed_in(client, trainer).post(
        reverse("assessments:task_assess", args=[work.pk]), data
    )

    assert response.status_code == 400
    assert not TaskAssessment.objects.exists()
    assert Submission.objects.get(pk=work.pk).status == "waiting"


def test_levels_for_criteria_of_another_rubric_are_ignored(
    client, task, assessed_world, course
):
    work, trainer = assessed_world
    other = task_in(course, slug="lain").rubric
    data = {f"level_{c.pk}": "2" for c in other.criteria.all()}

    response = signed_in(client, trainer).post(
        reverse("assessments:task_assess", args=[work.pk]), data
    )

    assert response.status_code == 400
    assert not TaskAssessment.objects.exists()


@pytest.mark.parametrize("value", [*HOSTILE, "0"])
def test_hostile_reassign_changes_nothing(client, assessed_world, value):
    work, trainer = assessed_world

    response = signed_in(client, trainer).post(
        reverse("assessments:task_reassign", args=[work.pk]), {"assessor": value}
    )

    assert response.status_code == 302
    assert Submission.objects.get(pk=work.pk).assessor_id == work.assessor_id


def test_hostile_release_ids_release_nothing(client, task, assessed_world):
    work, trainer = assessed_world
    task.release_marks = True
    task.save_revision().publish()
    criteria = list(task.rubric.criteria.order_by("sort_order"))
    assessment = task_assess(
        assessor=trainer,
        submission_id=work.pk,
        levels={c.pk: 2 for c in criteria},
        comments={},
        feedback="",
        decision=None,
    )
    signed_in(client, trainer)

    response = client.post(
        reverse("assessments:task_release"), {"assessment": [*HOSTILE, "-5"]}
    )

    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.released_at is None


# -- rubrics edited after assessment ---------------------------------------------


@pytest.mark.parametrize("edit", ["delete_criterion", "drop_levels", "add_criterion"])
def test_pages_answer_after_the_rubric_changed_under_an_assessment(
    client, task, assessed_world, learner, course, edit
):
    from assessments.models import RubricCriterion
    from lms.cohorts.models import CohortMembership
    from tests.factories.cohorts import cohort_with

    work, trainer = assessed_world
    criteria = list(task.rubric.criteria.order_by("sort_order"))
    task_assess(
        assessor=trainer,
        submission_id=work.pk,
        levels={c.pk: 2 for c in criteria},
        comments={c.pk: "Bagus." for c in criteria},
        feedback="Bagus.",
        decision="revision",
    )
    if edit == "delete_criterion":
        criteria[0].delete()
    elif edit == "drop_levels":
        criteria[0].levels = [  # the chosen level (index 2) is gone
            ("level", {"title": name, "points": n, "descriptor": name})
            for n, name in enumerate(["Belum", "Sudah"])
        ]
        criteria[0].save()
    else:
        RubricCriterion.objects.create(
            rubric=task.rubric,
            title="Baru",
            sort_order=9,
            levels=[("level", {"title": "a", "points": 0, "descriptor": "a"})],
        )
    cohort = cohort_with(courses=[course], teacher=trainer)
    CohortMembership.objects.create(cohort=cohort, user=learner)
    manager = cohort.managers.get()

    assert signed_in(client, learner).get(task.url).status_code == 200
    page = signed_in(client, trainer).get(
        reverse("assessments:task_assess", args=[work.pk])
    )
    assert page.status_code == 200
    assert (
        signed_in(client, trainer).get(reverse("assessments:marking")).status_code
        == 200
    )
    signed_in(client, manager)
    assert (
        client.get(
            reverse("cohorts:task_heatmap", args=[cohort.pk, task.pk])
        ).status_code
        == 200
    )
    assert client.get(reverse("cohorts:dashboard", args=[cohort.pk])).status_code == 200
