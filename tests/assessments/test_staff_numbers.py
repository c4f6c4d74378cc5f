"""Numbers trainers type in the admin are read by the trainees' rule
(docs/trainers.md, "Number reading") and shown back the Indonesian way: `5.500` is
5500 (asked once: it could be 5,5), `5,5` is 5.5, the form shows `5.500`
and `5,5` (never `5.5000000`), and a trainee answering 5500 is right and
sees "Jawaban yang benar: 5.500"."""

import re
from decimal import Decimal

import pytest

from assessments.demo import attempt_take
from assessments.models import Choice, Question, ReviewPolicy
from assessments.services import attempt_answer, attempt_start, attempt_submit
from courses.services import enrollment_create
from tests.factories import trainee, trainer
from tests.factories.assessments import category, quiz_in
from tests.factories.courses import course_tree

pytestmark = pytest.mark.django_db

ADD = "/admin/snippets/assessments/question/add/?kind=numeric"


def _numeric(number: str, **extra) -> dict:
    data = {
        "category": category().pk,
        "text": "Berapa harga kopi per bungkus?",
        "points": "1",
        "numeric_unit": "rupiah",
        "choices-TOTAL_FORMS": "1",
        "choices-INITIAL_FORMS": "0",
        "choices-MIN_NUM_FORMS": "0",
        "choices-MAX_NUM_FORMS": "1000",
        "choices-0-number": number,
        "choices-0-tolerance": "0",
        "choices-0-fraction": "100",
        "choices-0-ORDER": "1",
    }
    data.update(extra)
    return data


def _shown(page: str, name: str) -> str:
    """The value of the hidden `<name>-shown` input the form rendered."""
    match = re.search(rf'name="{re.escape(name)}-shown" value="([^"]*)"', page)
    assert match, name
    return match.group(1)


def _add_5500(client) -> Question:
    first = client.post(ADD, _numeric("5.500"))
    page = first.content.decode()
    assert first.status_code == 200
    assert not Question.objects.exists()
    assert "5.500 (lima ribu lima ratus)" in page
    assert "5,5 (lima koma lima)" in page
    again = _numeric(
        "5.500", **{"choices-0-number-shown": _shown(page, "choices-0-number")}
    )
    assert client.post(ADD, again).status_code == 302
    return Question.objects.get()


def test_5_500_is_asked_once_then_saved_as_5500(client):
    client.force_login(trainer())
    question = _add_5500(client)
    assert question.choices.get().number == Decimal(5500)


def test_5_comma_5_is_saved_as_5_point_5_at_once(client):
    client.force_login(trainer())
    assert client.post(ADD, _numeric("5,5")).status_code == 302
    assert Choice.objects.get().number == Decimal("5.5")


@pytest.mark.parametrize(
    ("typed", "stored", "shown"),
    [("5.500", Decimal(5500), "5.500"), ("5,5", Decimal("5.5"), "5,5")],
)
def test_the_edit_form_shows_the_number_the_indonesian_way(
    client, typed, stored, shown
):
    client.force_login(trainer())
    data = _numeric(typed, **{"choices-0-number-shown": typed})
    assert client.post(ADD, data).status_code == 302
    question = Question.objects.get()
    assert question.choices.get().number == stored
    page = client.get(
        f"/admin/snippets/assessments/question/edit/{question.pk}/"
    ).content.decode()
    field = re.search(r'<input[^>]*name="choices-0-number"[^>]*>', page).group(0)
    assert f'value="{shown}"' in field
    assert 'type="text"' in field
    assert 'inputmode="decimal"' in field
    assert "5.5000000" not in page
    assert "5,5000000" not in page


def test_saving_the_edit_form_unchanged_keeps_the_number(client):
    """`5.500` shown in the form has two readings; saving the form as shown
    keeps 5500 without asking."""
    client.force_login(trainer())
    question = _add_5500(client)
    choice = question.choices.get()
    url = f"/admin/snippets/assessments/question/edit/{question.pk}/"
    page = client.get(url).content.decode()
    data = _numeric(
        "5.500",
        **{
            "choices-INITIAL_FORMS": "1",
            "choices-0-id": str(choice.pk),
            "choices-0-number-shown": _shown(page, "choices-0-number"),
        },
    )
    assert client.post(url, data).status_code == 302
    assert Choice.objects.get().number == Decimal(5500)


def test_a_trainee_answering_5500_is_right_and_sees_the_key_as_5_500(client):
    client.force_login(trainer())
    question = _add_5500(client)
    course = course_tree(modules=1, lessons=1)
    quiz = quiz_in(course, [question])
    quiz.review_policy = ReviewPolicy.AFTER_SUBMIT
    quiz.save()
    learner = trainee()
    enrollment_create(user=learner, course=course)
    attempt = attempt_start(user=learner, quiz=quiz)
    item = attempt.items.get()
    attempt_answer(
        user=learner, attempt_id=attempt.pk, order=item.order, data={"value": "5500"}
    )
    attempt = attempt_submit(user=learner, attempt_id=attempt.pk)
    assert attempt.items.get().is_correct is True
    client.force_login(learner)
    page = client.get(f"/kuis/percobaan/{attempt.pk}/hasil/").content.decode()
    assert "Jawaban yang benar: 5.500 rupiah" in " ".join(page.split())
    assert "5,50000" not in page


def test_the_correct_answer_is_shown_without_trailing_zeros(client):
    """A key of 2.5 ± 0.05 (stored as 2.5000000 ± 0.0500000)."""
    from tests.factories.assessments import question

    course = course_tree(modules=1, lessons=1)
    quiz = quiz_in(course, [question("numeric")])
    quiz.review_policy = ReviewPolicy.AFTER_SUBMIT
    quiz.save()
    learner = trainee()
    enrollment_create(user=learner, course=course)
    attempt = attempt_take(user=learner, quiz=quiz, right=False)
    client.force_login(learner)
    page = " ".join(
        client.get(f"/kuis/percobaan/{attempt.pk}/hasil/").content.decode().split()
    )
    assert "Jawaban yang benar: 2,5 ± 0,05." in page


@pytest.fixture
def essay_answer():
    from tests.factories.assessments import question

    course = course_tree(modules=1, lessons=1)
    quiz = quiz_in(course, [question("essay", points=4)])
    learner = trainee()
    enrollment_create(user=learner, course=course)
    return attempt_take(user=learner, quiz=quiz, right=True).items.get()


def test_the_marking_form_reads_points_the_indonesian_way(client, essay_answer):
    client.force_login(trainer(is_superuser=True))
    url = f"/penilaian/jawaban/{essay_answer.pk}/"
    assert client.post(url, {"points": "2,5", "feedback": ""}).status_code == 302
    essay_answer.refresh_from_db()
    assert essay_answer.points == Decimal("2.5")
    page = client.get(url).content.decode()
    field = re.search(r'<input[^>]*name="points"[^>]*>', page).group(0)
    assert 'value="2,5"' in field
    assert 'inputmode="decimal"' in field
    assert "Poin (0 sampai 4)" in page


def test_the_marking_form_asks_about_a_mark_with_two_readings(client, essay_answer):
    client.force_login(trainer(is_superuser=True))
    url = f"/penilaian/jawaban/{essay_answer.pk}/"
    response = client.post(url, {"points": "1.250", "feedback": ""})
    page = response.content.decode()
    assert response.status_code == 400
    assert "1,25 (satu koma dua lima), tulis 1,25" in page
    essay_answer.refresh_from_db()
    assert essay_answer.marked_by is None
    assert client.post(url, {"points": "1,25", "feedback": ""}).status_code == 302
    essay_answer.refresh_from_db()
    assert essay_answer.points == Decimal("1.25")
