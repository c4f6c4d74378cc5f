"""Answers as typed: under arbitrary input the answer forms give only
Refused (service) or a 4xx page (view), storing nothing on refusal. How a
typed number is read and shown is tests/assessments/kinds/test_numeric.py.
Uses the normal db fixtures, so it also runs in CI's PostgreSQL pass (which
refuses NUL in text and jsonb)."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.models import AttemptQuestion
from assessments.services import Refused, attempt_answer
from tests.assessments.answering import posted as _post

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


def _fields(item, value, many):
    names = ["choice", "choices", "value", "text", "go"]
    names += [f"position-{c['id']}" for c in item.snapshot["choices"]]
    return {name: many if name == "choices" else value for name in names}


def _responses(attempt):
    return dict(
        AttemptQuestion.objects.filter(attempt=attempt).values_list("order", "response")
    )


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
