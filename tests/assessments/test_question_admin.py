"""Trainers write questions in the Wagtail admin; a question that could not
be graded is refused with a clear message and nothing is saved."""

import pytest

from assessments.models import Question
from courses.seed import course_index_ensure
from tests.factories import trainee, trainer
from tests.factories.assessments import category, question, quiz_in

pytestmark = pytest.mark.django_db

ADD = "/admin/snippets/assessments/question/add/"


def _form(kind, choices, **extra):
    data = {
        "category": category().pk,
        "kind": kind,
        "text": "Apa kepanjangan AIDA?",
        "points": "1",
        "explanation": "",
        "numeric_tolerance": "0",
        "numeric_unit": "",
        "rubric": "",
        "choices-TOTAL_FORMS": str(len(choices)),
        "choices-INITIAL_FORMS": "0",
        "choices-MIN_NUM_FORMS": "0",
        "choices-MAX_NUM_FORMS": "1000",
    }
    for i, (text, correct) in enumerate(choices):
        data[f"choices-{i}-text"] = text
        data[f"choices-{i}-feedback"] = ""
        data[f"choices-{i}-ORDER"] = str(i + 1)
        if correct:
            data[f"choices-{i}-is_correct"] = "on"
    data.update(extra)
    return data


def test_trainer_adds_a_single_choice_question(client):
    client.force_login(trainer())
    response = client.post(
        ADD, _form("single", [("Attention", True), ("Awareness", False)])
    )
    assert response.status_code == 302
    q = Question.objects.get()
    assert list(q.choices.values_list("text", "is_correct")) == [
        ("Attention", True),
        ("Awareness", False),
    ]


@pytest.mark.parametrize(
    ("kind", "choices", "message"),
    [
        (
            "single",
            [("A", True), ("B", True)],
            "Tandai tepat satu pilihan sebagai benar.",
        ),
        ("single", [("A", True)], "Beri paling sedikit dua pilihan."),
        (
            "multiple",
            [("A", False), ("B", False)],
            "Tandai paling sedikit satu pilihan sebagai benar.",
        ),
        (
            "ordering",
            [("A", False), ("B", False)],
            "Beri paling sedikit tiga butir, dalam urutan yang benar.",
        ),
    ],
)
def test_question_that_cannot_be_graded_is_refused(client, kind, choices, message):
    client.force_login(trainer())
    response = client.post(ADD, _form(kind, choices))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Question.objects.exists()


def test_true_false_needs_its_answer(client):
    client.force_login(trainer())
    response = client.post(ADD, _form("true_false", []))
    assert response.status_code == 200
    assert not Question.objects.exists()
    response = client.post(ADD, _form("true_false", [], true_false_answer="true"))
    assert response.status_code == 302


def test_trainee_cannot_open_the_question_bank(client):
    client.force_login(trainee())
    assert client.get(ADD).status_code == 302
    assert (
        client.post(ADD, _form("single", [("A", True), ("B", False)])).status_code
        == 302
    )
    assert not Question.objects.exists()


def test_regrade_confirmation_page_for_trainers(client, course):
    course_index_ensure(home=course.get_parent().get_parent().specific)
    q = question("single")
    quiz_in(course, [q])
    client.force_login(trainer())
    response = client.get(f"/admin/bank-soal/{q.pk}/nilai-ulang/")
    assert response.status_code == 200
    assert "Nilai ulang sekarang" in response.content.decode()


@pytest.mark.parametrize(
    "extra",
    [
        {"numeric_answer": "1e1000000"},
        {"numeric_answer": "10000000000000"},
        {"numeric_answer": "0.00001"},
        {"numeric_answer": "5", "numeric_tolerance": "1e1000000"},
        {"numeric_answer": "5", "points": "1001"},
        {"numeric_answer": "5", "text": "Soal\x00"},
    ],
)
def test_numbers_beyond_the_columns_and_nul_are_refused_in_the_admin(client, extra):
    client.force_login(trainer())
    response = client.post(ADD, _form("numeric", [], **extra))
    assert response.status_code == 200  # the form again, with its errors
    assert not Question.objects.exists()


def test_the_admin_points_limit_is_the_importers():
    from assessments.importers.common import MAX_POINTS

    field = Question._meta.get_field("points")
    assert max(v.limit_value for v in field.validators if v.code == "max_value") == (
        MAX_POINTS
    )
