"""The numeric kind (assessments/kinds/numeric.py): a typed number is read
as the trainee meant it (lms.common.numbers, tests/assessments/test_numbers.py)
and stored with how it was read; it is right when any reading is within an
answer's tolerance (edges inclusive), the best-matching answer giving its
credit; the question and review pages say how the number was read."""

from decimal import Decimal

import pytest
from django.urls import reverse

from assessments.grading import grade
from assessments.services import Refused, attempt_answer, attempt_start, attempt_submit
from lms.common.numbers import number_read
from tests.assessments.answering import posted as _post
from tests.assessments.answering import saved_responses as _answers
from tests.factories.assessments import question, quiz_in

# -- grading, from snapshots --------------------------------------------------


def _numeric_two_points(answer="2.5", tolerance="0.05"):
    return {"kind": "numeric", "points": 2, "answer": answer, "tolerance": tolerance}


@pytest.mark.parametrize(
    ("given", "right"),
    [("2.5", True), ("2.45", True), ("2.55", True), ("2.44", False), ("2.56", False)],
)
def test_numeric_tolerance_edges_are_inclusive(given, right):
    points, correct = grade(_numeric_two_points(), {"value": given})
    assert correct is right
    assert points == (Decimal(2) if right else Decimal(0))


def test_numeric_exact_when_tolerance_is_zero():
    assert grade(_numeric_two_points("15000", "0"), {"value": "15000"})[1] is True
    assert grade(_numeric_two_points("15000", "0"), {"value": "15001"})[1] is False


def _numeric_answers():
    return {
        "kind": "numeric",
        "points": 2,
        "answers": [
            {"number": "9.80665", "tolerance": "0.00001", "fraction": "100"},
            {"number": "9.8", "tolerance": "0.05", "fraction": "50"},
            {"number": "10", "tolerance": "0", "fraction": "25"},
        ],
    }


@pytest.mark.parametrize(
    ("value", "points"),
    [
        ("9.80665", Decimal("2.00")),
        ("9.80666", Decimal("2.00")),  # within 0.00001, inclusive
        ("9.806639", Decimal("1.00")),  # just outside: the 50% answer matches
        ("9.85", Decimal("1.00")),
        ("10", Decimal("0.50")),
        ("10.01", Decimal("0.00")),
    ],
)
def test_numeric_best_matching_answer_and_exact_precision(value, points):
    assert grade(_numeric_answers(), {"value": value})[0] == points


def _numeric(answer, tolerance="0"):
    return {"kind": "numeric", "points": 1, "answer": answer, "tolerance": tolerance}


def _response(raw):
    reading = number_read(raw)
    response = {"raw": raw, "value": str(reading.value)}
    if reading.other is not None:
        response["other"] = str(reading.other)
    return response


@pytest.mark.parametrize(
    ("raw", "answer"),
    [
        ("0.125", "0.125"),
        ("0.500", "0.5"),
        ("Rp 15.000,-", "15000"),
        (",5", "0.5"),
        ("\u22125", "-5"),
        ("1.250", "1250"),
        ("1.250", "1.25"),
        ("2,500", "2.5"),
        ("2,500", "2500"),
    ],
)
def test_right_answers_in_any_notation_score(raw, answer):
    assert grade(_numeric(answer), _response(raw)) == (Decimal(1), True)


@pytest.mark.parametrize(
    ("raw", "answer"), [("1.250", "12.5"), ("0.125", "125"), ("0.500", "500")]
)
def test_a_reading_the_notation_cannot_have_does_not_score(raw, answer):
    assert grade(_numeric(answer), _response(raw)) == (Decimal(0), False)


def test_unreadable_stored_values_grade_as_wrong():
    assert grade(_numeric("2.5"), {"raw": "x", "value": "x"})[1] is False
    assert grade(_numeric("None"), {"raw": "1", "value": "1"})[1] is False


# -- answering and showing, through real attempts ----------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("0.125", "0.125"),
        ("0.500", "0.500"),
        ("Rp 15.000,-", "15000"),
        (",5", "0.5"),
        ("\u22125", "-5"),
        ("1\u00a0250,5", "1250.5"),
    ],
)
def test_numeric_answers_are_saved_as_meant(learner, attempt, raw, value):
    order = attempt.items.get(snapshot__kind="numeric").order
    item = attempt_answer(
        user=learner, attempt_id=attempt.pk, order=order, data=_post(value=raw)
    )
    assert item.response == {"raw": raw, "value": value}


@pytest.mark.django_db
def test_ambiguous_answer_is_right_when_the_key_has_either_reading(learner, course):
    quiz = quiz_in(
        course,
        [question("numeric", numeric_answer=Decimal("1.25"), numeric_tolerance=0)],
    )
    attempt = attempt_start(user=learner, quiz=quiz)
    item = attempt_answer(
        user=learner, attempt_id=attempt.pk, order=1, data=_post(value="1.250")
    )
    assert item.response == {"raw": "1.250", "value": "1250", "other": "1.250"}
    graded = attempt_submit(user=learner, attempt_id=attempt.pk)
    assert graded.score == 1


@pytest.mark.django_db
def test_zero_point_one_two_five_scores(learner, course):
    quiz = quiz_in(
        course,
        [question("numeric", numeric_answer=Decimal("0.125"), numeric_tolerance=0)],
    )
    attempt = attempt_start(user=learner, quiz=quiz)
    attempt_answer(
        user=learner, attempt_id=attempt.pk, order=1, data=_post(value="0.125")
    )
    assert attempt_submit(user=learner, attempt_id=attempt.pk).score == 1


@pytest.mark.django_db
def test_question_page_shows_how_the_answer_was_read(client, learner, attempt):
    client.force_login(learner)
    order = attempt.items.get(snapshot__kind="numeric").order
    url = reverse("assessments:question", args=[attempt.pk, order])
    client.post(url, {"value": "1.250", "go": "next"})
    body = client.get(url).content.decode()
    assert "Dibaca sebagai 1.250 (seribu dua ratus lima puluh) atau 1,25" in body
    assert 'aria-describedby="value-help value-reading"' in body


@pytest.mark.django_db
def test_review_page_shows_how_numbers_were_read_before_submitting(
    client, learner, attempt
):
    client.force_login(learner)
    order = attempt.items.get(snapshot__kind="numeric").order
    attempt_answer(
        user=learner, attempt_id=attempt.pk, order=order, data=_post(value="0.125")
    )
    body = client.get(reverse("assessments:overview", args=[attempt.pk])).content
    assert "Dibaca sebagai 0,125 (nol koma satu dua lima)." in body.decode()


@pytest.mark.django_db
def test_numeric_answer_that_is_not_a_number_is_refused(learner, started):
    order = started.items.get(snapshot__kind="numeric").order
    before = _answers(started)
    with pytest.raises(Refused, match="Tulis angka"):
        attempt_answer(
            user=learner, attempt_id=started.pk, order=order, data=_post(value="dua")
        )
    assert _answers(started) == before
