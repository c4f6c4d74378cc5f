"""Sending work through the page without JavaScript (the test client posts
the plain multipart form): success redirects to the history, refusals
re-render the page with the message and the text kept (400), never a 500."""

import re

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.models import Submission
from tests.factories import PASSWORD, trainee
from tests.factories.practice import task_in

from .submitting import *  # noqa: F403 (fixtures)
from .submitting import TEXT, jpeg_bytes, photo, stored_files, voice

pytestmark = pytest.mark.usefixtures("home")


def signed_in(client, user):
    client.login(username=user.email, password=PASSWORD)
    return client


def submit_url(task):
    return reverse("assessments:task_submit", args=[task.pk])


def test_text_and_photo_without_javascript(client, learner, task, private_media):
    signed_in(client, learner)

    response = client.post(submit_url(task), {"text": TEXT, "photos": [photo()]})

    assert response.status_code == 302
    assert response["Location"] == f"{task.url}#riwayat"
    made = Submission.objects.get(user=learner, task=task)
    assert (made.number, made.text, made.files.count()) == (1, TEXT, 1)
    page = client.get(task.url)
    assert "Versi 1" in page.text
    assert "Menunggu penilaian" in page.text


def test_short_text_rerenders_with_the_text_kept(client, learner, task):
    signed_in(client, learner)

    response = client.post(submit_url(task), {"text": "Gula aren enak"})

    assert response.status_code == 400
    assert "Tulis paling sedikit 5 kata (Anda menulis 3)." in response.text
    assert "Gula aren enak</textarea>" in response.text
    assert 'href="#id_text"' in response.text
    assert not Submission.objects.exists()


def test_php_named_jpg_gets_a_clear_message(client, learner, task, private_media):
    signed_in(client, learner)

    response = client.post(
        submit_url(task),
        {"text": TEXT, "photos": [photo("foto.jpg", b"<?php phpinfo(); ?>")]},
    )

    assert response.status_code == 400
    assert "Foto 1 bukan foto JPEG, PNG, atau WebP." in response.text
    assert f"{TEXT}</textarea>" in response.text
    assert not Submission.objects.exists()
    assert stored_files(private_media) == []


def test_sixty_megabyte_photo_is_never_stored(client, learner, task, private_media):
    signed_in(client, learner)
    huge = photo("besar.jpg", jpeg_bytes(gps=False) + b"\0" * (60 * 1024 * 1024))

    response = client.post(submit_url(task), {"text": TEXT, "photos": [huge]})

    assert response.status_code == 400
    assert "Sebuah foto terlalu besar: paling besar 15 MB." in response.text
    assert f"{TEXT}</textarea>" in response.text
    assert not Submission.objects.exists()
    assert stored_files(private_media) == []


def test_zero_byte_voice_note_gets_a_clear_message(client, learner, course):
    task = task_in(course, accepts_voice=True, accepts_text=False, photos_max=0)
    signed_in(client, learner)

    response = client.post(submit_url(task), {"voice": voice(content=b"")})

    assert response.status_code == 400
    assert "Catatan suara kosong." in response.text
    assert not Submission.objects.exists()


def test_a_file_in_a_field_the_form_lacks_is_refused(client, learner, task):
    signed_in(client, learner)

    response = client.post(submit_url(task), {"text": TEXT, "lain": [photo()]})

    assert response.status_code == 400
    assert not Submission.objects.exists()


def test_text_beyond_djangos_bound_gets_a_message(client, learner, task):
    signed_in(client, learner)

    response = client.post(submit_url(task), {"text": "kata " * 600_000})

    assert response.status_code == 400
    assert "Kiriman Anda terlalu besar." in response.text
    assert not Submission.objects.exists()


def test_not_enrolled_is_sent_back_to_enrol(client, task):
    outsider = trainee()
    signed_in(client, outsider)

    response = client.post(submit_url(task), {"text": TEXT})

    assert response.status_code == 302
    assert response["Location"] == task.url
    assert not Submission.objects.exists()


def test_anonymous_is_sent_to_log_in(client, task):
    response = client.post(submit_url(task), {"text": TEXT})

    assert response.status_code == 302
    assert "/akun/masuk/" in response["Location"] or "login" in response["Location"]
    assert not Submission.objects.exists()


def test_csrf_is_still_checked(learner, task):
    from django.test import Client

    client = signed_in(Client(enforce_csrf_checks=True), learner)

    response = client.post(submit_url(task), {"text": TEXT})

    assert response.status_code == 403
    assert not Submission.objects.exists()


def test_waiting_version_refuses_a_second_send(client, learner, task):
    signed_in(client, learner)
    client.post(submit_url(task), {"text": TEXT})

    response = client.post(submit_url(task), {"text": TEXT})

    assert response.status_code == 400
    assert Submission.objects.filter(user=learner).count() == 1


@pytest.fixture
def link_task(course):
    return task_in(course, accepts_link=True)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    text=st.one_of(
        st.text(max_size=300),
        st.just("kata " * 20_000),
        st.just("\x00" * 10),
        st.just("a\x00b c d e f"),
    ),
    link=st.one_of(st.just(""), st.text(max_size=80), st.just("https://" + "x" * 3000)),
)
def test_any_text_or_link_is_never_a_500(client, learner, link_task, text, link):
    signed_in(client, learner)

    response = client.post(submit_url(link_task), {"text": text, "link": link})

    assert response.status_code in (302, 400)
    # Each example starts with no version (a waiting one refuses the next).
    Submission.objects.all().delete()


def test_the_pages_script_gets_the_history_address_not_a_redirect(
    client, learner, task, private_media
):
    """static/js/task-submit.js sends `Sinau-Fetch: 1`: a redirect would be
    followed inside fetch (the page downloaded twice, its message shown to
    nobody), so the view answers with the address and keeps the message."""
    signed_in(client, learner)

    response = client.post(
        submit_url(task), {"text": TEXT}, headers={"Sinau-Fetch": "1"}
    )

    assert response.status_code == 200
    assert response.json() == {"location": f"{task.url}#riwayat"}
    assert Submission.objects.get(user=learner, task=task).number == 1
    page = client.get(task.url)
    assert "Hasil kerja Anda terkirim." in page.text


def test_a_refusal_is_shown_beside_its_field_and_marks_it_invalid(
    client, learner, task, private_media
):
    """Found by the user walk: a service refusal (too few words) was only in
    the summary at the top; a screen-reader user on the field heard nothing."""
    signed_in(client, learner)
    response = client.post(submit_url(task), {"text": "dua kata"})
    assert response.status_code == 400
    page = response.content.decode()
    field = re.search(r'<textarea[^>]*name="text"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in field
    assert page.count("paling sedikit") >= 2  # the summary and the field
    assert not Submission.objects.exists()
