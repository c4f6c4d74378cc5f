"""A new lesson lands before its module's closing quiz
(docs/decisions/0015-lessons-before-quiz.md)."""

import pytest
from django.urls import reverse
from wagtail.models import Page

from assessments.authoring import lesson_place_before_closing_quiz
from content.services import site_ensure
from courses.models import LessonPage, ModulePage
from courses.seed import course_index_ensure
from tests.factories.assessments import question, quiz_in
from tests.factories.courses import LessonPageFactory, course_tree

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(db):
    course_index_ensure(home=site_ensure())
    course = course_tree(modules=1, lessons=2)
    quiz_in(course, [question("single")], title="Kuis penutup", slug="kuis-penutup")
    return course


def _module(course) -> ModulePage:
    return ModulePage.objects.child_of(course).get()


def _titles(module) -> list[str]:
    return [p.title for p in Page.objects.child_of(module).order_by("path")]


def _lesson_form(title: str, slug: str) -> dict:
    return {
        "title": title,
        "slug": slug,
        "estimated_minutes": "5",
        "body-count": "1",
        "body-0-type": "paragraph",
        "body-0-value": '{"blocks":[{"key":"a","type":"unstyled","text":"Isi",'
        '"depth":0,"inlineStyleRanges":[],"entityRanges":[]}],"entityMap":{}}',
        "body-0-deleted": "",
        "body-0-order": "0",
        "body-0-id": "",
    }


def test_a_lesson_added_in_the_admin_lands_before_the_closing_quiz(
    course, a_trainer, client
):
    module = _module(course)
    before = _titles(module)
    client.force_login(a_trainer)
    response = client.post(
        reverse("wagtailadmin_pages:add", args=["courses", "lessonpage", module.pk]),
        _lesson_form("Pelajaran baru", "pelajaran-baru"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert _titles(module) == [*before[:-1], "Pelajaran baru", "Kuis penutup"]
    assert LessonPage.objects.get(slug="pelajaran-baru").get_parent().pk == module.pk


def test_a_module_without_a_closing_quiz_keeps_the_new_lesson_last(a_trainer):
    course_index_ensure(home=site_ensure())
    module = _module(course_tree(modules=1, lessons=2))
    lesson = LessonPageFactory(parent=module, title="Terakhir")
    assert lesson_place_before_closing_quiz(lesson=lesson, user=a_trainer) is False
    assert _titles(module)[-1] == "Terakhir"


def test_a_lesson_goes_before_a_run_of_closing_quizzes_and_a_second_call_is_a_no_op(
    course, a_trainer
):
    module = _module(course)
    quiz_in(course, [question("single")], title="Kuis kedua", slug="kuis-kedua")
    lesson = LessonPageFactory(parent=module, title="Baru")
    assert lesson_place_before_closing_quiz(lesson=lesson, user=a_trainer) is True
    titles = _titles(module)
    assert titles[-3:] == ["Baru", "Kuis penutup", "Kuis kedua"]
    lesson.refresh_from_db()
    assert lesson_place_before_closing_quiz(lesson=lesson, user=a_trainer) is False
    assert _titles(module) == titles


def test_a_quiz_added_last_stays_last(course, a_trainer):
    module = _module(course)
    quiz = quiz_in(course, [question("single")], title="Kuis akhir", slug="akhir")
    assert lesson_place_before_closing_quiz(lesson=quiz, user=a_trainer) is False
    assert _titles(module)[-1] == "Kuis akhir"
