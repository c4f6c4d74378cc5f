"""Answers as typed: numbers are read as the trainee meant them (and the page
says how they were read), and under arbitrary input the answer forms give
only Refused (service) or a 4xx page (view), storing nothing on refusal.
Uses the normal db fixtures, so it also runs in CI's PostgreSQL pass (which
refuses NUL in text and jsonb)."""

from decimal import Decimal

import pytest
from django.http import QueryDict
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.models import AttemptQuestion
from assessments.services import Refused, attempt_answer, attempt_start, attempt_submit
from tests.factories.assessments import question, quiz_in

pytestmark = pytest.mark.django_db

BOUNDED = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

values = st.one_of(
    st.text(max_size=80),
    st.text(alphabet="0123456789.,-+ eE%Rp\x00\u2212\u00a0", max_size=30),
    st.from_regex(r"\A[-+]?[0-9]{1,40}([.,][0-9]{1,40})?(e[0-9]{1,9})?\Z"),
    st.integers().map(str),
    st.just("x" * 10_000),
)


def _post(**fields) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in fields.items():
        if isinstance(value, list):
            data.setlist(key, value)
        else:
            data[key] = value
    return data


def _fields(item, value, many):
    names = ["choice", "choices", "value", "text", "go"]
    names += [f"position-{c['id']}" for c in item.snapshot["choices"]]
    return {name: many if name == "choices" else value for name in names}


def _responses(attempt):
    return dict(
        AttemptQuestion.objects.filter(attempt=attempt).values_list("order", "response")
    )


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


def test_question_page_shows_how_the_answer_was_read(client, learner, attempt):
    client.force_login(learner)
    order = attempt.items.get(snapshot__kind="numeric").order
    url = reverse("assessments:question", args=[attempt.pk, order])
    client.post(url, {"value": "1.250", "go": "next"})
    body = client.get(url).content.decode()
    assert "Dibaca sebagai 1.250 (seribu dua ratus lima puluh) atau 1,25" in body
    assert 'aria-describedby="value-help value-reading"' in body


@pytest.mark.parametrize(
    ("field", "value"),
    [("text", "Jawaban\x00"), ("value", "5\x00"), ("text", "a\ud800")],
)
def test_nul_and_invalid_unicode_are_refused_and_nothing_stored(
    learner, attempt, field, value
):
    kind = "essay" if field == "text" else "numeric"
    order = attempt.items.get(snapshot__kind=kind).order
    before = _responses(attempt)
    with pytest.raises(Refused):
        attempt_answer(
            user=learner,
            attempt_id=attempt.pk,
            order=order,
            data=_post(**{field: value}),
        )
    assert _responses(attempt) == before


@settings(BOUNDED, max_examples=60)
@given(value=values, many=st.lists(values, max_size=3))
def test_the_answer_service_only_refuses(learner, attempt, value, many):
    for item in attempt.items.order_by("order"):
        before = _responses(attempt)
        try:
            saved = attempt_answer(
                user=learner,
                attempt_id=attempt.pk,
                order=item.order,
                data=_post(**_fields(item, value, many)),
            )
        except Refused:
            assert _responses(attempt) == before
        else:
            assert _responses(attempt)[item.order] == saved.response


@settings(BOUNDED, max_examples=30)
@given(value=values, many=st.lists(values, max_size=3))
def test_the_question_page_answers_2xx_3xx_or_4xx(
    client, learner, attempt, value, many
):
    client.force_login(learner)
    for item in attempt.items.order_by("order"):
        before = _responses(attempt)
        url = reverse("assessments:question", args=[attempt.pk, item.order])
        response = client.post(url, _fields(item, value, many))
        assert response.status_code in (200, 302, 400), response.status_code
        if response.status_code == 400:
            assert _responses(attempt) == before


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
