"""Lesson bodies are for enrolled trainees and for trainers previewing."""

import pytest

from courses.seed import course_index_ensure
from courses.services import enrollment_create, enrollment_withdraw
from tests.factories import UserFactory, trainer
from tests.factories.courses import course_tree, lessons_of

pytestmark = pytest.mark.django_db

SECRET = "Isi rahasia"


@pytest.fixture
def lesson():
    course = course_tree(modules=1, lessons=2)
    return lessons_of(course)[0]


def _course(lesson):
    return lesson.get_parent().get_parent().specific


def test_enrolled_trainee_reads_the_body(client, a_trainee, lesson):
    enrollment_create(user=a_trainee, course=_course(lesson))
    client.force_login(a_trainee)
    body = client.get(lesson.url).content.decode()
    assert SECRET in body
    assert "Tandai selesai" in body


def test_anonymous_visitor_sees_outline_and_log_in_button_not_the_body(client, lesson):
    response = client.get(lesson.url)
    body = response.content.decode()
    assert response.status_code == 200
    assert SECRET not in body
    assert lesson.title in body
    assert "Masuk untuk mendaftar" in body


def test_trainee_not_enrolled_sees_the_enrol_button_not_the_body(
    client, a_trainee, lesson
):
    client.force_login(a_trainee)
    body = client.get(lesson.url).content.decode()
    assert SECRET not in body
    assert "Daftar gratis" in body
    assert "Tandai selesai" not in body


def test_withdrawn_trainee_no_longer_reads_the_body(client, a_trainee, lesson):
    course = _course(lesson)
    enrollment_create(user=a_trainee, course=course)
    enrollment_withdraw(user=a_trainee, course=course)
    client.force_login(a_trainee)
    assert SECRET not in client.get(lesson.url).content.decode()


def test_trainer_with_edit_rights_previews_without_enrolling(client, lesson):
    course_index_ensure(home=lesson.get_ancestors().get(depth=2).specific)
    client.force_login(trainer())
    body = client.get(lesson.url).content.decode()
    assert SECRET in body
    assert "Tandai selesai" not in body


def test_staff_without_edit_rights_does_not_read_the_body(client, lesson):
    user = UserFactory()
    client.force_login(user)
    assert SECRET not in client.get(lesson.url).content.decode()
