"""A failed quiz says which questions were missed, without any answer key,
and links each to what teaches it: the question's own "lesson to re-read",
else the quiz's module in the course outline."""

import re

import pytest
from django.urls import reverse

from assessments.demo import attempt_take
from assessments.models import Question
from tests.factories.assessments import question, quiz_in
from tests.factories.courses import lessons_of

pytestmark = pytest.mark.django_db


def _outcomes(body: str) -> list[str]:
    found = re.findall(r'<h3 id="review-\d+">(.*?)</h3>', body, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", h).split()) for h in found]


def _reread(body: str) -> list[tuple[str, str]]:
    return [
        (href, " ".join(re.sub(r"<[^>]+>", " ", text).split()))
        for href, text in re.findall(
            r'<p class="reread"><a href="([^"]+)">(.*?)</a></p>', body, re.S
        )
    ]


def _result(client, learner, attempt) -> str:
    client.force_login(learner)
    url = reverse("assessments:result", args=[attempt.pk])
    return client.get(url).content.decode()


def test_a_failed_quiz_lists_the_missed_questions_without_the_key(
    client, learner, course
):
    lesson = lessons_of(course)[0]
    single = question("single", lesson_to_reread=lesson)
    quiz = quiz_in(course, [single, question("true_false")])
    attempt = attempt_take(user=learner, quiz=quiz, right=False)
    body = _result(client, learner, attempt)
    assert "0%" in body
    assert _outcomes(body) == ["Soal 1: ✗ salah (0 / 1)", "Soal 2: ✗ salah (0 / 1)"]
    module = lesson.get_parent()
    assert _reread(body) == [
        (lesson.url, f"Baca lagi: {lesson.title} (untuk soal 1)"),
        (
            f"{course.url}#module-{module.pk}",
            f"Baca lagi modul: {module.title} (untuk soal 2)",
        ),
    ]
    # No key: the right choice, the explanation and the feedback stay hidden.
    for hidden in ("Satu (benar)", "Penjelasan", "Umpan balik", "Jawaban yang benar"):
        assert hidden not in body


def test_right_answers_get_no_reading_link(client, learner, course):
    quiz = quiz_in(course, [question("single", lesson_to_reread=lessons_of(course)[0])])
    attempt = attempt_take(user=learner, quiz=quiz, right=True)
    body = _result(client, learner, attempt)
    assert _reread(body) == []


def test_a_lesson_the_trainee_may_not_see_falls_back_to_the_module(
    client, learner, course
):
    lesson = lessons_of(course)[0]
    quiz = quiz_in(course, [question("single", lesson_to_reread=lesson)])
    lesson.unpublish()
    attempt = attempt_take(user=learner, quiz=quiz, right=False)
    body = _result(client, learner, attempt)
    module = quiz.get_parent()
    assert [href for href, _text in _reread(body)] == [
        f"{course.url}#module-{module.pk}"
    ]


def test_the_never_policy_shows_the_score_only(client, learner, course):
    quiz = quiz_in(course, [question("single")], review_policy="never")
    attempt = attempt_take(user=learner, quiz=quiz, right=False)
    body = _result(client, learner, attempt)
    assert _outcomes(body) == []
    assert _reread(body) == []


def test_the_question_form_chooses_the_lesson_among_lesson_pages(admin_client):
    from courses.models import LessonPage

    form_class = Question.get_edit_handler().get_form_class()
    widget = form_class.base_fields["lesson_to_reread"].widget
    assert list(widget.target_models) == [LessonPage]
