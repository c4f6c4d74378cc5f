"""Seeded quiz questions name the lesson that teaches them (`reread:` in the
seed YAML), so a failed seeded quiz links each missed question to a lesson,
not only to the quiz's module."""

import re
import shutil

import pytest
from django.core.management import call_command
from django.urls import reverse

from assessments.demo import attempt_take
from assessments.models import QuestionKind, QuizPage, QuizQuestion
from content.seed.schema import SeedError, load_seed
from courses.models import CoursePage
from courses.services import enrollment_create
from lms.management.commands.load_initial_data import SEED_DIR
from tests.factories import trainee

# (course slug, module slug, question number from 1): why it has no reread.
NO_REREAD: dict[tuple[str, str, int], str] = {}


def _seed_copy(tmp_path):
    folder = tmp_path / "seed"
    shutil.copytree(SEED_DIR, folder)
    return folder


def test_the_schema_refuses_a_reread_that_names_no_lesson_of_the_course(tmp_path):
    folder = _seed_copy(tmp_path)
    path = folder / "curriculum" / "01-cakap-digital.yaml"
    text = path.read_text(encoding="utf-8")
    # A lesson slug of another course is as unknown as a typo.
    path.write_text(
        text.replace("reread: hemat-kuota", "reread: apa-itu-pemasaran", 1),
        encoding="utf-8",
    )
    with pytest.raises(SeedError) as raised:
        load_seed(folder)
    assert raised.value.errors == [
        "01-cakap-digital.yaml module 1 quiz question 3: reread "
        "'apa-itu-pemasaran' is not a lesson slug of this course"
    ]


def test_the_schema_refuses_a_reread_that_is_not_text(tmp_path):
    folder = _seed_copy(tmp_path)
    path = folder / "curriculum" / "01-cakap-digital.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("reread: hemat-kuota", "reread: [x]", 1), "utf-8")
    with pytest.raises(SeedError) as raised:
        load_seed(folder)
    assert len(raised.value.errors) == 1
    assert "reread '['x']' is not a lesson slug" in raised.value.errors[0]


def test_every_seeded_question_names_a_lesson_of_its_own_module():
    """Modules' quizzes are about their module, so the lesson to re-read is
    one of the module's own lessons (the schema only asks for the course)."""
    missing, elsewhere = [], []
    for course in load_seed(SEED_DIR).courses:
        for module in course["modules"]:
            own = {lesson["slug"] for lesson in module["lessons"]}
            questions = (module.get("quiz") or {}).get("questions", [])
            for number, q in enumerate(questions, 1):
                key = (course["slug"], module["slug"], number)
                if "reread" not in q:
                    if key not in NO_REREAD:
                        missing.append(key)
                elif q["reread"] not in own:
                    elsewhere.append((*key, q["reread"]))
    assert missing == []
    assert elsewhere == []


@pytest.mark.django_db
def test_seeded_quizzes_link_missed_questions_to_their_lessons(client, settings):
    settings.DEBUG = False  # no demo accounts: only the curriculum
    call_command("load_initial_data")
    items = QuizQuestion.objects.select_related(
        "quiz", "question__lesson_to_reread"
    ).exclude(question__kind=QuestionKind.DESCRIPTION)
    assert items.count() == 313
    outside = []
    for item in items:
        lesson = item.question.lesson_to_reread
        course = item.quiz.get_parent().get_parent()
        if lesson is None or not lesson.path.startswith(course.path):
            outside.append((course.slug, item.quiz.get_parent().slug, item.sort_order))
    assert outside == []

    # The result page of a failed seeded quiz links to lessons.
    course = CoursePage.objects.get(slug="cakap-digital")
    quiz = QuizPage.objects.descendant_of(course).first()
    learner = trainee()
    enrollment_create(user=learner, course=course)
    attempt = attempt_take(user=learner, quiz=quiz, right=False)
    client.force_login(learner)
    body = client.get(reverse("assessments:result", args=[attempt.pk])).content
    links = re.findall(r'<p class="reread"><a href="([^"]+)">', body.decode(), re.S)
    lessons = {
        lesson.url
        for lesson in quiz.get_parent().get_children().live().specific()
        if lesson.slug != quiz.slug
    }
    assert links
    assert set(links) <= lessons
