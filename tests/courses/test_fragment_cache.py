"""Cached fragments of the lesson and course pages (templates/courses/*)
are keyed on what they render: each trainee sees their own progress, their
own CSRF token, and a published change at once, and nobody sees a module
restricted to others in the course outline."""

import re

import pytest
from django.test import Client

from courses.models import LessonCompletion
from courses.services import enrollment_create, lesson_complete
from tests.factories import trainee
from tests.factories.courses import course_tree, lessons_of

pytestmark = pytest.mark.django_db

DONE_MARK = 'class="mark mark--done"'


def _course_with(users):
    course = course_tree(modules=1, lessons=3)
    for user in users:
        enrollment_create(user=user, course=course)
    return course, lessons_of(course)


def _client(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def test_each_trainee_sees_their_own_done_marks_on_a_cached_lesson_page():
    first, second = trainee(), trainee()
    course, lessons = _course_with([first, second])
    lesson_complete(user=first, lesson=lessons[0])
    one, two = _client(first), _client(second)
    for _ in range(2):  # the second round is served from the fragments
        assert one.get(lessons[1].url).content.decode().count(DONE_MARK) == 1
        assert two.get(lessons[1].url).content.decode().count(DONE_MARK) == 0
    lesson_complete(user=second, lesson=lessons[0])
    lesson_complete(user=second, lesson=lessons[2])
    assert two.get(lessons[1].url).content.decode().count(DONE_MARK) == 2
    assert one.get(lessons[1].url).content.decode().count(DONE_MARK) == 1
    assert one.get(course.url).content.decode().count(DONE_MARK) == 1
    assert two.get(course.url).content.decode().count(DONE_MARK) == 2


def test_a_cached_lesson_page_carries_the_viewers_own_csrf_token():
    first, second = trainee(), trainee()
    _course, lessons = _course_with([first, second])
    for user in (first, second):
        client = _client(user, enforce_csrf_checks=True)
        client.get(lessons[0].url)
        body = client.get(lessons[0].url).content.decode()
        form = body[body.index('class="mark-done"') :]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)[1]
        response = client.post(
            f"/aksi/pelajaran/{lessons[0].pk}/selesai/",
            {"csrfmiddlewaretoken": token},
        )
        assert response.status_code == 302
    assert LessonCompletion.objects.filter(lesson=lessons[0]).count() == 2


def test_a_published_change_shows_at_once_on_a_cached_lesson_page():
    user = trainee()
    _course, lessons = _course_with([user])
    client = _client(user)
    client.get(lessons[0].url)
    assert "Judul baru" not in client.get(lessons[0].url).content.decode()
    lesson = lessons[0]
    lesson.title = "Judul baru"
    lesson.save_revision().publish()
    assert "Judul baru" in client.get(lessons[0].url).content.decode()


def test_a_restricted_module_without_steps_never_reaches_an_outsiders_outline(client):
    """The course outline fragment is keyed on the steps the request may see;
    a module the request may not see, with no step (yet) or none live, must
    count too, or one viewer's outline is served to the other."""
    from django.contrib.auth.models import Group
    from wagtail.models import PageViewRestriction

    from tests.factories.courses import ModulePageFactory

    course = course_tree(modules=1, lessons=1)
    secret = ModulePageFactory(parent=course, title="Modul Rahasia Desa")
    insiders = Group.objects.create(name="Kelompok Desa A")
    restriction = PageViewRestriction.objects.create(
        page=secret, restriction_type="groups"
    )
    restriction.groups.set([insiders])
    insider, outsider = trainee(), trainee()
    insider.groups.add(insiders)
    client.force_login(insider)
    assert "Modul Rahasia Desa" in client.get(course.url).text
    client.force_login(outsider)
    assert "Modul Rahasia Desa" not in client.get(course.url).text
