"""Form input and query parameters under arbitrary text: a page, a message
or a redirect, never a 500. `str.isdigit()` accepts "²" and Arabic-Indic
digits, on which `int()` raises (a 500 on `go=²`); every field the question
page's form actually has is fuzzed, read from its HTML, so a new field is
covered without anyone adding it here."""

import re

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.services import attempt_start
from courses.services import enrollment_create
from tests.factories import trainee
from tests.factories.assessments import question, quiz_in
from tests.factories.cohorts import cohort_with
from tests.factories.courses import course_tree

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# ASCII digits, superscripts, Arabic-Indic, Bengali, mathematical, circled
DIGITISH = "0123456789²³¹\u0661\u0662\u0663\u06f4\u09eb\U0001d7d9\u2460-+.,e _ "
texts = st.one_of(
    st.text(alphabet=DIGITISH, min_size=1, max_size=25),
    st.text(max_size=40),
    st.integers().map(str),
    st.sampled_from(
        ["²", "\u0661", "\U0001d7d9", "9" * 40, "-1", "0", "1_0", " 2", "next"]
    ),
)
LISTING_PARAMS = ["page", "sort", "show", "q", "cohort", "keahlian", "jalur", "p"]


@pytest.fixture
def world(home):
    course = course_tree(modules=1, lessons=1)
    quiz = quiz_in(
        course,
        [question(k) for k in ("single", "multiple", "true_false", "numeric")]
        + [question("ordering"), question("essay")],
    )
    cohort = cohort_with(courses=[course])
    learner = trainee()
    enrollment_create(user=learner, course=course)
    return {
        "course": course,
        "quiz": quiz,
        "cohort": cohort,
        "learner": learner,
        "attempt": attempt_start(user=learner, quiz=quiz),
    }


def _form_fields(body: str) -> set[str]:
    form = body[body.index('<form method="post" class="question"') :]
    form = form[: form.index("</form>")]
    return set(re.findall(r'name="([^"]+)"', form)) - {"csrfmiddlewaretoken"}


def test_go_superscript_two_is_not_a_500(client, world):
    """The tester's repro."""
    attempt = world["attempt"]
    client.force_login(world["learner"])
    url = reverse("assessments:question", args=[attempt.pk, 1])
    response = client.post(url, {"go": "²"})
    assert response.status_code in (302, 400)


def test_the_question_form_has_the_fields_the_fuzz_is_about(client, world):
    client.force_login(world["learner"])
    attempt = world["attempt"]
    names = set()
    for item in attempt.items.all():
        url = reverse("assessments:question", args=[attempt.pk, item.order])
        names |= _form_fields(client.get(url).content.decode())
    assert {"go", "choice", "choices", "value", "text"} <= names
    assert any(name.startswith("position-") for name in names)


@FUZZ
@given(value=texts)
def test_every_field_of_every_question_page_takes_any_text(client, world, value):
    client.force_login(world["learner"])
    attempt = world["attempt"]
    for item in attempt.items.order_by("order"):
        url = reverse("assessments:question", args=[attempt.pk, item.order])
        for name in _form_fields(client.get(url).content.decode()):
            response = client.post(url, {name: value})
            assert response.status_code in (200, 302, 400), (name, value)


def _listings(world) -> list[tuple[object, str]]:
    """(who, url) for every listing page that reads query parameters."""
    cohort = world["cohort"]
    manager = cohort.managers.get()
    teacher = cohort.trainers.get()
    return [
        (None, world["course"].get_parent().url),
        (world["learner"], world["course"].get_parent().url),
        (world["learner"], reverse("courses:my_learning")),
        (manager, reverse("cohorts:list")),
        (manager, reverse("cohorts:exports")),
        (manager, reverse("cohorts:dashboard", args=[cohort.pk])),
        (teacher, reverse("cohorts:dashboard", args=[cohort.pk])),
        (teacher, reverse("assessments:marking")),
        (teacher, reverse("assessments:stats", args=[world["quiz"].pk])),
    ]


@FUZZ
@given(value=texts)
def test_listing_pages_take_any_query_parameter(client, world, value):
    for who, url in _listings(world):
        if who is None:
            client.logout()
        else:
            client.force_login(who)
        for name in LISTING_PARAMS:
            response = client.get(url, {name: value})
            assert response.status_code in (200, 302, 404), (url, name, value)
