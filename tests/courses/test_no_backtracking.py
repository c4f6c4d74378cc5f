"""Redirects land where the next step is (docs/decisions/0010-no-back-tracking.md), and
course content keeps its own language under an English interface
(docs/decisions/0011-content-language.md)."""

import re

import pytest
from django.urls import reverse

from courses.services import enrollment_create
from tests.factories.courses import course_tree, lessons_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def enrolled(client, a_trainee):
    course = course_tree(modules=1, lessons=2)
    enrollment_create(user=a_trainee, course=course)
    client.force_login(a_trainee)
    return course


def test_mark_as_done_returns_to_the_done_block(client, enrolled):
    lesson = lessons_of(enrolled)[0]
    response = client.post(reverse("courses:lesson_done", args=[lesson.pk]))
    assert response["Location"] == lesson.url + "#selesai"
    body = client.get(lesson.url).content.decode()
    block = body[body.index('id="selesai"') :]
    assert block.index("Anda sudah menyelesaikan pelajaran ini.") < block.index(
        'rel="next"'
    )


def test_enrol_and_leave_return_to_the_start_block(client, a_trainee):
    course = course_tree(modules=1, lessons=1)
    client.force_login(a_trainee)
    enrol = client.post(reverse("courses:enroll", args=[course.pk]))
    assert enrol["Location"] == course.url + "#mulai"
    assert 'id="mulai"' in client.get(course.url).content.decode()
    leave = client.post(reverse("courses:withdraw", args=[course.pk]))
    assert leave["Location"] == course.url + "#mulai"


def test_the_enrol_form_and_language_switch_come_back_to_their_block(client, a_trainee):
    course = course_tree(modules=1, lessons=1)
    client.force_login(a_trainee)
    body = client.get(course.url).content.decode()
    assert f'name="next" value="{course.url}#mulai"' in body
    assert f'name="next" value="{course.url}#bahasa"' in body
    response = client.post(
        reverse("language_set"), {"language": "en", "next": f"{course.url}#bahasa"}
    )
    assert response["Location"] == f"{course.url}#bahasa"


def test_indonesian_content_keeps_lang_id_under_an_english_interface(client, enrolled):
    lesson = lessons_of(enrolled)[0]
    client.cookies["django_language"] = "en"
    body = client.get(lesson.url).content.decode()
    assert '<html lang="en">' in body
    assert re.search(r'<article class="lesson-body" lang="id">', body)
    assert re.search(r'<h1 id="mulai" tabindex="-1" lang="id">', body)
    assert "Mark as done" in body
    catalogue = client.get("/kursus/").content.decode()
    assert f'lang="id">{enrolled.title}</a>' in catalogue
