import pytest
from django.utils import translation

from courses.services import enrollment_create
from tests.factories import trainee
from tests.factories.assessments import question, quiz_in
from tests.factories.courses import course_tree

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
