"""Practical tasks attacked: parts a task does not take, other people's
ids, public files beyond the portfolio's rule, hostile assess and release
posts. Every refusal is a clear Indonesian message (or a 404), changes
nothing and leaves no file in private storage; never a 500."""

import pytest
from django.urls import reverse

from assessments.models import Submission
from assessments.practice.services import submission_create
from courses.services import enrollment_create
from tests.factories import PASSWORD, trainee
from tests.factories.practice import task_in

from .submitting import *  # noqa: F403 (fixtures)
from .submitting import TEXT, issue_certificate, pdf, photo, stored_files, voice

pytestmark = pytest.mark.usefixtures("home")


def signed_in(client, user):
    client.login(username=user.email, password=PASSWORD)
    return client


def submit_url(task):
    return reverse("assessments:task_submit", args=[task.pk])


# -- parts the task does not take, sent anyway --------------------------------


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"photos": "photo"}, "Tugas ini tidak menerima foto."),
        ({"voice": "voice"}, "Tugas ini tidak menerima catatan suara."),
        ({"pdf": "pdf"}, "Tugas ini tidak menerima berkas PDF."),
        ({"link": "https://contoh.id/gula"}, "Tugas ini tidak menerima tautan."),
    ],
)
def test_a_part_the_task_does_not_take_is_refused_not_dropped(
    client, learner, course, private_media, fields, message
):
    text_only = task_in(course, photos_max=0, slug="teks-saja")
    made = {"photo": photo, "voice": voice, "pdf": pdf}
    data = {"text": TEXT}
    for name, value in fields.items():
        data[name] = made[value]() if value in made else value

    response = signed_in(client, learner).post(submit_url(text_only), data)

    assert response.status_code == 400
    assert message in response.text
    assert not Submission.objects.filter(task=text_only).exists()
    assert stored_files(private_media) == []


def test_text_sent_to_a_task_without_text_is_refused(
    client, learner, course, private_media
):
    link_only = task_in(
        course, accepts_text=False, photos_max=0, accepts_link=True, slug="tautan"
    )

    response = signed_in(client, learner).post(
        submit_url(link_only), {"text": TEXT, "link": "https://contoh.id/gula"}
    )

    assert response.status_code == 400
    assert "Tugas ini tidak menerima teks." in response.text
    assert not Submission.objects.filter(task=link_only).exists()


# -- public files: only what the portfolio page shows ------------------------


def file_url(row):
    return reverse("assessments:task_file", args=[row.pk])


@pytest.fixture
def public_photo(learner, task, course):
    made = submission_create(user=learner, task=task, text=TEXT, photos=[photo()])
    Submission.objects.filter(pk=made.pk).update(status="passed", public=True)
    return made.files.get()


def test_public_work_with_an_issued_certificate_is_open_to_anyone(
    client, public_photo, course, learner
):
    issue_certificate(course, learner)

    assert client.get(file_url(public_photo)).status_code == 200


def test_public_work_without_a_certificate_is_not_open(client, public_photo, learner):
    """File ids are sequential: anyone could walk them. Work is public only
    where the portfolio page shows it, and there is none without an issued
    certificate."""
    assert client.get(file_url(public_photo)).status_code == 404
    assert signed_in(client, learner).get(file_url(public_photo)).status_code == 200


def test_a_revoked_certificate_closes_the_public_files(
    client, public_photo, course, learner
):
    certificate = issue_certificate(course, learner)
    certificate.status = certificate.Status.REVOKED
    certificate.save()

    assert client.get(file_url(public_photo)).status_code == 404


def test_hiding_the_work_again_stops_serving_it(client, public_photo, course, learner):
    from assessments.practice.services import submission_publish

    issue_certificate(course, learner)
    submission_publish(
        user=learner, submission_id=public_photo.submission_id, public=False
    )

    assert client.get(file_url(public_photo)).status_code == 404


@pytest.mark.parametrize("unpublish", ["task", "module"])
def test_public_work_of_an_unpublished_task_is_not_open(
    client, public_photo, course, learner, task, unpublish
):
    issue_certificate(course, learner)
    page = task if unpublish == "task" else task.get_parent()
    page.specific.unpublish()

    assert client.get(file_url(public_photo)).status_code == 404
    assert signed_in(client, learner).get(file_url(public_photo)).status_code == 200


def test_another_trainee_sees_public_work_only_as_anyone_does(
    client, public_photo, course
):
    other = trainee()
    enrollment_create(user=other, course=course)

    assert signed_in(client, other).get(file_url(public_photo)).status_code == 404
