"""While essays wait for a trainer's mark, the trainee is told so and led
on to the next step: on Belajarku, the quiz page, the result page and the
course page, none of which sends them back to the finished quiz."""

import re

import pytest
from django.urls import reverse

from assessments.demo import attempt_take
from assessments.services import essay_mark
from courses.services import lesson_complete
from tests.factories import UserFactory
from tests.factories.assessments import question, quiz_in
from tests.factories.courses import course_tree, lessons_of

pytestmark = pytest.mark.django_db

WAITING = "Menunggu penilaian pelatih"


@pytest.fixture
def course(db):
    """Lesson 1 and the quiz in module 1, lesson 2 in module 2."""
    return course_tree(modules=2, lessons=1)


@pytest.fixture
def waiting(course, learner):
    first, _second = lessons_of(course)
    lesson_complete(user=learner, lesson=first)
    quiz = quiz_in(course, [question("single"), question("essay")])
    attempt = attempt_take(user=learner, quiz=quiz, right=True)
    assert attempt.status == "marking"
    return attempt


def _buttons(body: str) -> list[tuple[str, str]]:
    """(href, text) of every primary button link (class exactly "button")."""
    return [
        (href, " ".join(re.sub(r"<[^>]+>", " ", text).split()))
        for href, text in re.findall(
            r'<a class="button" href="([^"]+)">(.*?)</a>', body, re.S
        )
    ]


def test_belajarku_says_the_quiz_waits_and_continues_to_the_next_lesson(
    client, learner, course, waiting
):
    client.force_login(learner)
    body = client.get(reverse("courses:my_learning")).content.decode()
    assert f'{WAITING}: <a href="{waiting.quiz.url}"' in body
    second = lessons_of(course)[1]
    assert [href for href, _text in _buttons(body)] == [second.url]


def test_the_quiz_page_leads_on_instead_of_offering_a_retake(
    client, learner, course, waiting
):
    client.force_login(learner)
    body = client.get(waiting.quiz.url).content.decode()
    assert WAITING in body
    second = lessons_of(course)[1]
    assert _buttons(body) == [(second.url, f"Berikutnya: {second.title}")]
    # "Try again" stays, but is not the main button.
    assert '<button type="submit" class="button button--secondary">Coba lagi' in body


def test_the_result_page_says_waiting_and_leads_on(client, learner, course, waiting):
    client.force_login(learner)
    body = client.get(reverse("assessments:result", args=[waiting.pk])).content
    body = body.decode()
    assert WAITING in body
    second = lessons_of(course)[1]
    assert _buttons(body) == [(second.url, f"Berikutnya: {second.title}")]


def test_the_course_page_says_the_quiz_waits(client, learner, course, waiting):
    client.force_login(learner)
    body = client.get(course.url).content.decode()
    assert f'{WAITING}: <a href="{waiting.quiz.url}"' in body


def test_once_marked_nothing_waits(client, learner, course, waiting):
    item = waiting.items.get(snapshot__kind="essay")
    essay_mark(
        marker=UserFactory(is_superuser=True), item_id=item.pk, points="1", feedback=""
    )
    client.force_login(learner)
    for url in (reverse("courses:my_learning"), waiting.quiz.url, course.url):
        assert WAITING not in client.get(url).content.decode()
