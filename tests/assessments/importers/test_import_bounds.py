"""Whatever file comes in, the importers answer with a result or
ImportFailed only: hypothesis fuzzing of each parser's entry point with
arbitrary text, bytes and numbers. What they accept fits the model's columns
and is stored exactly (SQLite and, in CI's PostgreSQL pass, PostgreSQL), and
the admin upload refuses a bad file with a message, storing nothing, never
a 500. Messages are checked in English."""

import json
import time
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.importers import ImportFailed, parse
from assessments.importers.numbers import MAX_POINTS
from assessments.importers.write import questions_import
from assessments.models import Choice, Question, QuestionCategory, number_storable
from tests.assessments.importers.bank_files import gift_numeric, moodle_numeric, quizapp
from tests.factories import trainer

pytestmark = pytest.mark.usefixtures("english")

FORMATS = ("moodle", "gift", "quizapp")

BOUNDED = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

numbers = st.one_of(
    st.from_regex(r"\A[-+]?[0-9]{0,30}(\.[0-9]{0,30})?([eE][-+]?[0-9]{1,9})?\Z"),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.text(max_size=20),
)

texts = st.text(max_size=60)


@st.composite
def moodle_files(draw) -> str:
    def esc(value: str) -> str:
        return value.replace("&", "&amp;").replace("<", "&lt;")

    qtype = draw(st.sampled_from(["numerical", "multichoice", "truefalse", "essay"]))
    return (
        f'<quiz><question type="{qtype}"><name><text>{esc(draw(texts))}</text></name>'
        f"<questiontext><text>{esc(draw(texts))}</text></questiontext>"
        f"<defaultgrade>{esc(draw(numbers))}</defaultgrade>"
        f'<answer fraction="{esc(draw(numbers))}"><text>{esc(draw(numbers))}</text>'
        f"<tolerance>{esc(draw(numbers))}</tolerance></answer>"
        f'<answer fraction="{esc(draw(numbers))}"><text>{esc(draw(texts))}</text>'
        "</answer></question></quiz>"
    )


@st.composite
def gift_files(draw) -> str:
    answer = draw(
        st.one_of(
            numbers.map(lambda n: "#" + n),
            st.tuples(numbers, numbers).map(lambda p: f"#{p[0]}:{p[1]}"),
            st.tuples(numbers, numbers).map(lambda p: f"#{p[0]}..{p[1]}"),
            st.tuples(texts, texts).map(lambda p: f"={p[0]} ~{p[1]}"),
            texts,
        )
    )
    return f"::{draw(texts)}:: {draw(texts)} {{{answer}}}\n"


@st.composite
def quizapp_files(draw) -> str:
    value = st.recursive(
        st.none() | st.booleans() | st.integers() | texts,
        lambda inner: st.lists(inner, max_size=3),
        max_leaves=5,
    )
    records = [
        {
            "model": "quiz.question",
            "pk": draw(value),
            "fields": {"content": draw(value)},
        },
        {
            "model": draw(
                st.sampled_from(
                    [
                        "multichoice.mcquestion",
                        "true_false.tf_question",
                        "essay.essay_question",
                    ]
                )
            ),
            "pk": draw(value),
            "fields": {"correct": draw(value), "category": draw(value)},
        },
        {
            "model": "multichoice.answer",
            "pk": draw(value),
            "fields": {"question": draw(value), "content": draw(value)},
        },
    ]
    return json.dumps(records)


def _parse_or_refuse(content, fmt):
    """Parse; only ImportFailed may come out. Returns the result or None."""
    try:
        return parse(content, fmt)
    except ImportFailed as exc:
        failed = exc
    assert failed.errors
    for message in failed.errors + failed.skipped:
        message.encode("utf-8")  # printable in the admin
    return None


@BOUNDED
@given(content=st.one_of(st.text(max_size=300), st.binary(max_size=300)))
@pytest.mark.parametrize("fmt", FORMATS)
def test_any_text_or_bytes_give_a_result_or_import_failed(fmt, content):
    _parse_or_refuse(content, fmt)


@BOUNDED
@given(content=moodle_files())
def test_fuzzed_moodle_files(content):
    _check_storable(_parse_or_refuse(content, "moodle"))


@BOUNDED
@given(content=gift_files())
def test_fuzzed_gift_files(content):
    _check_storable(_parse_or_refuse(content, "gift"))


@BOUNDED
@given(content=quizapp_files())
def test_fuzzed_quizapp_files(content):
    _check_storable(_parse_or_refuse(content, "quizapp"))


def _check_storable(result):
    """Whatever a parser accepts fits the model's columns."""
    if result is None:
        return
    for question in result.questions:
        lowest = 0 if question.kind == "description" else 1  # as Question.save
        assert lowest <= question.points <= MAX_POINTS
        for value in (question.numeric_answer, question.numeric_tolerance):
            if value is not None:
                assert number_storable(value), value  # the model's own rule


@pytest.mark.django_db
@BOUNDED
@given(
    answer=st.decimals(
        min_value=Decimal("-1e9"), max_value=Decimal("1e9"), allow_nan=False, places=8
    ),
    fmt=st.sampled_from(["moodle", "gift"]),
)
def test_what_the_parsers_accept_is_stored_exactly(answer, fmt):
    """Runs on the configured database (PostgreSQL in CI's PostgreSQL pass),
    whose numeric columns refuse overflow."""
    content = (
        moodle_numeric(str(answer)) if fmt == "moodle" else gift_numeric(str(answer))
    )
    result = _parse_or_refuse(content, fmt)
    before = Question.objects.count()
    if result is None:
        assert Question.objects.count() == before
        return
    questions_import(result=result)
    stored = Question.objects.latest("pk")
    assert stored.choices.get().number == answer
    stored.delete()


def _upload(content: bytes, fmt: str) -> dict:
    return {
        "file": SimpleUploadedFile("bank.txt", content),
        "format": fmt,
        "category": "",
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "fmt", "message"),
    [
        (moodle_numeric("1e1000000").encode(), "moodle", "Harga"),
        (gift_numeric("1e1000000").encode(), "gift", "Harga"),
        (gift_numeric("1" + "0" * 15).encode(), "gift", "tidak dapat disimpan"),
        (b"::A:: Soal\x00 {}\n", "gift", "karakter NUL"),
        (quizapp("Soal\u0000").encode(), "quizapp", "karakter NUL"),
        (quizapp("Soal\ud800").encode(), "quizapp", "Unicode yang tidak sah"),
    ],
)
def test_admin_upload_refuses_with_a_message_and_stores_nothing(
    client, content, fmt, message
):
    client.force_login(trainer())
    started = time.process_time()
    response = client.post(reverse("questions_import"), _upload(content, fmt))
    assert time.process_time() - started < 5
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Question.objects.exists()
    assert not QuestionCategory.objects.exists()


@pytest.mark.django_db
@settings(BOUNDED, max_examples=40)
@given(
    content=st.one_of(
        moodle_files().map(str.encode),
        gift_files().map(lambda text: text.encode("utf-8", "surrogatepass")),
        quizapp_files().map(str.encode),
        st.binary(max_size=200),
    ),
    fmt=st.sampled_from(FORMATS),
)
def test_admin_upload_answers_302_or_a_form_with_errors(client, content, fmt):
    client.force_login(trainer())
    before = Question.objects.count()
    response = client.post(reverse("questions_import"), _upload(content, fmt))
    assert response.status_code in (200, 302, 400)  # 200: the form's own errors
    if response.status_code != 302:
        assert Question.objects.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content",
    [b":::: 0 {#0E20}\n", b":::: 0\x1e\r0 {#0}\n"],
    ids=["zero-with-an-exponent", "a-description-split-by-a-record-separator"],
)
def test_what_hypothesis_found_imports_and_stores(content):
    """Examples hypothesis found: each imports whole and stores as read."""
    result = _parse_or_refuse(content, "gift")
    assert result is not None
    _check_storable(result)
    questions_import(result=result, source="found.gift")
    for choice in Choice.objects.exclude(number=None):
        assert choice.number == 0
