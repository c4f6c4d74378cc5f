"""Fixtures shared by the assessment tests (tests/assessments/ and
tests/assessments/kinds/): a course with a learner, quizzes, attempts."""

import pytest
from django.utils import translation

from assessments.demo import answer_data, attempt_take
from assessments.services import attempt_answer, attempt_start
from courses.seed import course_index_ensure
from courses.services import enrollment_create, lesson_complete
from tests.factories import trainee
from tests.factories.assessments import question, quiz_in
from tests.factories.courses import course_tree, lessons_of

ALL_KINDS = ["single", "multiple", "true_false", "numeric", "ordering", "essay"]


@pytest.fixture
def course(db):
    return course_tree(modules=1, lessons=1)


@pytest.fixture
def learner(course):
    user = trainee()
    enrollment_create(user=user, course=course)
    return user


@pytest.fixture
def quiz(course):
    """Four auto-graded questions of one point each; pass mark 70%."""
    return quiz_in(
        course, [question(k) for k in ("single", "multiple", "true_false", "numeric")]
    )


@pytest.fixture
def started(learner, quiz):
    """An attempt at `quiz`, its first question (single) answered wrong."""
    attempt = attempt_start(user=learner, quiz=quiz)
    item = attempt.items.get(order=1)
    attempt_answer(
        user=learner,
        attempt_id=attempt.pk,
        order=1,
        data=answer_data(item.snapshot, right=False),
    )
    return attempt


@pytest.fixture
def attempt(learner, course):
    """An attempt, nothing answered, at one question of each of ALL_KINDS."""
    quiz = quiz_in(course, [question(kind) for kind in ALL_KINDS])
    return attempt_start(user=learner, quiz=quiz)


@pytest.fixture
def essay_attempt(course, learner):
    """A submitted attempt (right answers) at a single-choice question and a
    4-point essay waiting for marking, in a course the learner has begun."""
    course_index_ensure(home=course.get_parent().get_parent().specific)
    lesson_complete(user=learner, lesson=lessons_of(course)[0])
    quiz = quiz_in(course, [question("single"), question("essay", points=4)])
    return attempt_take(user=learner, quiz=quiz, right=True)


@pytest.fixture
def image_file(db):
    """A small Wagtail image, for image questions and choices."""
    import wagtail_factories

    return wagtail_factories.ImageFactory(title="Foto produk")


@pytest.fixture
def english():
    """Messages in English, whatever LANGUAGE_CODE says (a test or module
    asks for it with `pytest.mark.usefixtures("english")`)."""
    with translation.override("en"):
        yield
