"""Grading of the bank's richer questions (docs/decisions/0007-moodle-question-bank.md):
partial credit and penalties, all-or-nothing, several full-credit answers, numeric
answers with their own tolerance and credit, short answers (case, wildcard),
matching (proportional) and description items. Pure functions on
snapshots, then the same through real attempts."""

from decimal import Decimal

import pytest
from django.http import QueryDict

from assessments.grading import grade
from assessments.models import Choice, QuestionKind
from assessments.services import attempt_answer, attempt_start, attempt_submit
from tests.factories.assessments import question, quiz_in


def _choices(*fractions):
    return [
        {"id": i, "key": f"k{i}", "text": f"c{i}", "fraction": f, "feedback": ""}
        for i, f in enumerate(fractions, 1)
    ]


def _multiple(scoring, *fractions, points=2):
    return {
        "kind": "multiple",
        "points": points,
        "scoring": scoring,
        "choices": _choices(*fractions),
    }


@pytest.mark.parametrize(
    ("chosen", "points", "right"),
    [
        ([1], Decimal("1.00"), False),  # 50% of 2 points
        ([1, 2], Decimal("2.00"), True),
        ([1, 2, 3], Decimal("1.00"), False),  # 100 - 50
        ([1, 3], Decimal("0.00"), False),  # 50 - 50
        ([3, 4], Decimal("0.00"), False),  # -150 floored at zero
        ([4], Decimal("0.00"), False),
    ],
)
def test_multiple_choice_sums_credit_floored_at_zero(chosen, points, right):
    snapshot = _multiple("partial", "50", "50", "-50", "-100")
    assert grade(snapshot, {"choices": chosen}) == (points, right)


def test_multiple_choice_thirds_add_up_to_full_marks():
    snapshot = _multiple("partial", "33.33333", "33.33333", "33.33333", "-100")
    assert grade(snapshot, {"choices": [1, 2, 3]}) == (Decimal("2.00"), False)
    assert grade(snapshot, {"choices": [1]}) == (Decimal("0.67"), False)


@pytest.mark.parametrize(
    ("chosen", "points"), [([1, 2], Decimal(2)), ([1], Decimal(0)), ([1, 2, 3], 0)]
)
def test_all_or_nothing_mode_needs_exactly_the_right_choices(chosen, points):
    snapshot = _multiple("all_or_nothing", "50", "50", "0")
    assert grade(snapshot, {"choices": chosen})[0] == points


def test_an_old_multiple_snapshot_is_all_or_nothing():
    snapshot = {
        "kind": "multiple",
        "points": 1,
        "choices": [
            {"id": 1, "correct": True},
            {"id": 2, "correct": True},
            {"id": 3, "correct": False},
        ],
    }
    assert grade(snapshot, {"choices": [1]}) == (Decimal(0), False)
    assert grade(snapshot, {"choices": [1, 2]}) == (Decimal(1), True)


@pytest.mark.parametrize(
    ("chosen", "points", "right"),
    [
        (1, Decimal("3"), True),
        (2, Decimal("3"), True),  # a second full-credit answer
        (3, Decimal("1.00"), False),  # 33.33333% of 3
        (4, Decimal("0"), False),  # a penalty never goes below zero
    ],
)
def test_single_choice_credit_and_two_full_credit_answers(chosen, points, right):
    snapshot = {
        "kind": "single",
        "points": 3,
        "choices": _choices("100", "100", "33.33333", "-50"),
    }
    assert grade(snapshot, {"choice": chosen}) == (points, right)


def _short(case_sensitive=False):
    return {
        "kind": "short_answer",
        "points": 1,
        "case_sensitive": case_sensitive,
        "answers": [
            {"text": "Jakarta", "fraction": "100", "feedback": ""},
            {"text": "Bata*a", "fraction": "50", "feedback": ""},
            {"text": "5\\*", "fraction": "100", "feedback": ""},
            {"text": "*", "fraction": "0", "feedback": "Bukan"},
        ],
    }


@pytest.mark.parametrize(
    ("typed", "case_sensitive", "points"),
    [
        ("Jakarta", False, Decimal(1)),
        ("  jakarta ", False, Decimal(1)),
        ("jakarta", True, Decimal(0)),
        ("Jakarta", True, Decimal(1)),
        ("Batavia", False, Decimal("0.50")),
        ("Bataa", False, Decimal("0.50")),  # * also matches nothing
        ("Batavian", False, Decimal(0)),  # the whole answer must match
        ("5*", False, Decimal(1)),  # \\* is a literal asterisk
        ("55", False, Decimal(0)),
        ("Jakarta Raya", False, Decimal(0)),
    ],
)
def test_short_answer_case_and_wildcard(typed, case_sensitive, points):
    assert grade(_short(case_sensitive), {"text": typed})[0] == points


def _matching():
    return {
        "kind": "matching",
        "points": 3,
        "choices": [
            {"id": 1, "key": "a", "text": "Beras", "match": "kg"},
            {"id": 2, "key": "b", "text": "Minyak", "match": "liter"},
            {"id": 3, "key": "c", "text": "Gula", "match": "kg"},
        ],
        "options": [{"key": "x", "text": "kg"}, {"key": "y", "text": "liter"}],
    }


@pytest.mark.parametrize(
    ("pairs", "points", "right"),
    [
        ({"1": "kg", "2": "liter", "3": "kg"}, Decimal("3.00"), True),
        ({"1": "kg", "2": "kg", "3": "kg"}, Decimal("2.00"), False),
        ({"1": "liter"}, Decimal("0.00"), False),
        ({"1": "kg"}, Decimal("1.00"), False),  # unanswered items earn nothing
    ],
)
def test_matching_gives_an_equal_share_per_right_pair(pairs, points, right):
    assert grade(_matching(), {"pairs": pairs}) == (points, right)


def test_description_items_are_skipped():
    assert grade({"kind": "description", "points": 0}, None) == (Decimal(0), None)


# -- through real attempts ------------------------------------------------


@pytest.mark.django_db
def test_an_attempt_grades_every_new_type_and_skips_descriptions(learner, course):
    single = question("single")
    Choice.objects.filter(question=single).update(fraction=100)  # all full credit
    quiz = quiz_in(
        course,
        [
            question("description", text="Baca ini dulu", points=0),
            single,
            question("short_answer"),
            question("matching"),
            question("numeric", numeric_answer="9.80665", numeric_tolerance="0.00001"),
        ],
    )
    attempt = attempt_start(user=learner, quiz=quiz)
    assert attempt.max_score == 4
    items = {i.snapshot["kind"]: i for i in attempt.items.all()}
    answers = {
        "single": {"choice": items["single"].snapshot["choices"][2]["key"]},
        "short_answer": {"text": "batavia lama"},  # Batavia* gives 50%
        "numeric": {"value": "9,80666"},
    }
    match = items["matching"].snapshot
    keys = {o["text"]: o["key"] for o in match["options"]}
    answers["matching"] = {
        f"match-{c['key']}": keys[c["match"]]
        if c["match"] != "liter"
        else keys["meter"]
        for c in match["choices"]
    }
    for kind, values in answers.items():
        data = QueryDict(mutable=True)
        data.update(values)
        attempt_answer(
            user=learner, attempt_id=attempt.pk, order=items[kind].order, data=data
        )
    attempt = attempt_submit(user=learner, attempt_id=attempt.pk)
    points = {i.snapshot["kind"]: i.points for i in attempt.items.all()}
    assert points == {
        "description": Decimal(0),
        "single": Decimal(1),
        "short_answer": Decimal("0.50"),
        "matching": Decimal("0.67"),
        "numeric": Decimal(1),
    }
    assert attempt.score == Decimal("3.17")
    assert attempt.status == "graded"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "data", "message"),
    [
        ("short_answer", {"text": "  "}, "Tulis jawaban Anda dulu."),
        ("short_answer", {"text": "x" * 501}, "Jawaban Anda terlalu panjang"),
        ("matching", {"match-nope": "nope"}, "Pilih jawaban dari daftar"),
    ],
)
def test_bad_answers_to_new_types_are_refused(learner, course, kind, data, message):
    from assessments.services import Refused

    quiz = quiz_in(course, [question(kind)])
    attempt = attempt_start(user=learner, quiz=quiz)
    item = attempt.items.get()
    if kind == "matching":
        first = item.snapshot["choices"][0]["key"]
        data = {f"match-{first}": str(item.snapshot["choices"][0]["id"])}
    post = QueryDict(mutable=True)
    post.update(data)
    with pytest.raises(Refused) as refused:
        attempt_answer(user=learner, attempt_id=attempt.pk, order=1, data=post)
    assert message in refused.value.message
    item.refresh_from_db()
    assert item.response is None


def test_question_kind_values_are_stable():
    assert {"short_answer", "matching", "description"} <= set(QuestionKind.values)


@pytest.mark.django_db
def test_a_regrade_applies_corrected_credits_and_numbers(learner, course):
    from assessments.services import question_regrade, regrade_request

    numeric = question("numeric", numeric_answer="9.8", numeric_tolerance="0")
    quiz = quiz_in(course, [numeric])
    attempt = attempt_start(user=learner, quiz=quiz)
    data = QueryDict(mutable=True)
    data["value"] = "9,80665"
    attempt_answer(user=learner, attempt_id=attempt.pk, order=1, data=data)
    attempt = attempt_submit(user=learner, attempt_id=attempt.pk)
    assert attempt.score == 0
    Choice.objects.create(
        question=numeric,
        number=Decimal("9.80665"),
        tolerance=Decimal("0.00001"),
        fraction=50,
        sort_order=1,
    )
    job = regrade_request(question=numeric, user=None)
    question_regrade(job_id=job.pk)
    attempt.refresh_from_db()
    assert attempt.score == Decimal("0.50")
