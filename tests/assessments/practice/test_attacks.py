"""Practical tasks attacked: parts a task does not take, other people's
ids, public files beyond the portfolio's rule, hostile assess and release
posts. Every refusal is a clear Indonesian message (or a 404), changes
nothing and leaves no file in private storage; never a 500."""

import pytest
from django.urls import reverse

from assessments.models import Submission
from tests.factories import PASSWORD
from tests.factories.practice import task_in

from .submitting import *  # noqa: F403 (fixtures)
from .submitting import TEXT, pdf, photo, stored_files, voice

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
