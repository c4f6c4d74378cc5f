"""The private files of a submission (`assessments:task_file`): served to
its owner, to staff whose scope has it, and to anyone once it is on its
owner's portfolio (public, passed, certificate issued); a 404 for everyone
else, and never from a public URL."""

import pytest
from django.urls import reverse

from assessments.models import SubmissionFile
from assessments.practice.services import submission_create
from courses.services import enrollment_create
from tests.factories import PASSWORD, trainee
from tests.factories.courses import course_tree
from tests.factories.practice import task_in

from .submitting import *  # noqa: F403 (fixtures)
from .submitting import TEXT, course_trainer, issue_certificate, photo

pytestmark = pytest.mark.usefixtures("home")


@pytest.fixture
def stored(learner, task):
    made = submission_create(user=learner, task=task, text=TEXT, photos=[photo()])
    return made.files.get()


def url(row):
    return reverse("assessments:task_file", args=[row.pk])


def as_user(client, user):
    client.login(username=user.email, password=PASSWORD)
    return client


def test_owner_gets_the_photo_inline_and_private(client, learner, stored):
    response = as_user(client, learner).get(url(stored))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"]
    body = b"".join(response.streaming_content)
    assert body[:3] == b"\xff\xd8\xff"
    assert len(body) == stored.size


def test_another_trainee_gets_404(client, stored, course):
    other = trainee()
    enrollment_create(user=other, course=course)

    assert as_user(client, other).get(url(stored)).status_code == 404


def test_anonymous_gets_404(client, stored):
    assert client.get(url(stored)).status_code == 404


def test_trainer_of_the_course_gets_it(client, stored, course):
    assert as_user(client, course_trainer(course)).get(url(stored)).status_code == 200


def test_trainer_of_another_course_gets_404(client, stored):
    elsewhere = course_tree(modules=1, lessons=1, title="Kursus lain")
    assert (
        as_user(client, course_trainer(elsewhere)).get(url(stored)).status_code == 404
    )


def test_public_passed_certified_work_is_open_to_anyone(client, stored):
    submission = stored.submission
    submission.public = True
    submission.save(update_fields=["public"])
    assert client.get(url(stored)).status_code == 404  # public, not passed

    submission.status = "passed"
    submission.save(update_fields=["status"])
    assert client.get(url(stored)).status_code == 404  # no certificate yet

    issue_certificate(submission.task.get_parent().get_parent(), submission.user)

    assert client.get(url(stored)).status_code == 200


def test_voice_note_not_transcoded_yet_is_not_served(client, learner, course):
    from .submitting import voice

    task = task_in(course, accepts_voice=True, accepts_text=False, photos_max=0)
    made = submission_create(user=learner, task=task, voice=voice())
    row = made.files.get()

    assert as_user(client, learner).get(url(row)).status_code == 404


def test_unknown_file_is_404(client, learner):
    response = as_user(client, learner).get("/tugas/berkas/99999/")

    assert response.status_code == 404
    assert not SubmissionFile.objects.exists()


def test_private_files_have_no_public_url(stored):
    with pytest.raises(ValueError, match="no public URL"):
        stored.file.url  # noqa: B018


def test_staff_get_nothing_under_an_unpublished_task_the_owner_still_does(
    client, stored, course, learner
):
    """Found by the review: staff in scope fetched files of a task whose
    page was unpublished (the marking queue hides it)."""
    stored.submission.task.unpublish()
    assert as_user(client, course_trainer(course)).get(url(stored)).status_code == 404
    assert as_user(client, learner).get(url(stored)).status_code == 200
