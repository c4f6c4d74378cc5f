"""Points typed into the marking form are read like trainees' numbers, and
nothing a marker types causes anything but Refused."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.demo import attempt_take
from assessments.models import AttemptQuestion
from assessments.services import Refused, essay_mark
from courses.seed import course_index_ensure
from tests.factories import trainer
from tests.factories.assessments import question, quiz_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def essay_item(course, learner):
    course_index_ensure(home=course.get_parent().get_parent().specific)
    quiz = quiz_in(course, [question("essay", points=4)])
    attempt = attempt_take(user=learner, quiz=quiz, right=True)
    return attempt.items.get()


def _marked(item):
    return AttemptQuestion.objects.values_list("points", "feedback").get(pk=item.pk)


@pytest.mark.parametrize(
    ("points", "value"),
    [("0.500", "0.5"), ("2,5", "2.5"), ("1.250", "1.25"), ("3,-", "3")],
)
def test_points_are_read_as_meant(essay_item, points, value):
    essay_mark(marker=trainer(), item_id=essay_item.pk, points=points, feedback="")
    assert _marked(essay_item)[0] == Decimal(value)


@pytest.mark.parametrize(
    ("points", "feedback", "message"),
    [
        ("0.125", "", "dua angka di belakang koma"),
        ("5", "", "antara 0 dan 4"),
        ("-1", "", "antara 0 dan 4"),
        ("1e3", "", "antara 0 dan 4"),
        ("2", "Bagus\x00", "karakter yang tidak dapat disimpan"),
    ],
)
def test_refused_marks_change_nothing(essay_item, points, feedback, message):
    before = _marked(essay_item)
    with pytest.raises(Refused, match=message):
        essay_mark(
            marker=trainer(), item_id=essay_item.pk, points=points, feedback=feedback
        )
    assert _marked(essay_item) == before


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    points=st.one_of(
        st.text(max_size=40),
        st.from_regex(r"\A[-+]?[0-9]{0,30}([.,][0-9]{0,30})?\Z"),
    ),
    feedback=st.text(max_size=60),
)
def test_marking_only_refuses(essay_item, points, feedback):
    marker = trainer()
    try:
        essay_mark(
            marker=marker, item_id=essay_item.pk, points=points, feedback=feedback
        )
    except Refused:
        return
    value, _feedback = _marked(essay_item)
    assert 0 <= value <= 4
