"""Grading of the bank's richer questions (docs/decisions/0007-moodle-question-bank.md)
through real attempts: every new kind in one attempt, descriptions skipped, bad
answers refused, a regrade applying corrected credits and numbers. Each kind's
credit on its own (partial credit and penalties, all-or-nothing, numeric answers
with their own tolerance, short answer wildcards, matching shares) is
tests/assessments/kinds/test_<kind>.py."""

from decimal import Decimal

import pytest
from django.http import QueryDict

from assessments.models import Choice, QuestionKind
from assessments.services import attempt_answer, attempt_start, attempt_submit
from tests.factories.assessments import question, quiz_in

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
