"""The importers refuse bad files with ImportFailed only: NUL bytes, huge
exponents, numbers beyond the model's columns, over-long or deeply nested
input. Examples from issue 7 section 6, then hypothesis fuzzing of each
parser's entry point, then storing what they accept (SQLite and, in CI's
PostgreSQL pass, PostgreSQL)."""

import json
import time
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.importers import ImportFailed, parse
from assessments.importers.common import (
    ANSWER_DECIMAL_PLACES,
    ANSWER_MAX_DIGITS,
    ANSWER_SIGNIFICANT_DIGITS,
    MAX_POINTS,
    clean_html,
)
from assessments.importers.write import questions_import
from assessments.models import (
    AttemptQuestion,
    Choice,
    Question,
    QuestionCategory,
    number_storable,
)
from tests.factories import trainer

FORMATS = ("moodle", "gift", "quizapp")
BOUNDED = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def moodle_numeric(answer: str, tolerance: str = "0", grade: str = "1") -> str:
    return (
        '<?xml version="1.0"?><quiz><question type="numerical">'
        "<name><text>Harga</text></name>"
        "<questiontext><text>Berapa?</text></questiontext>"
        f"<defaultgrade>{grade}</defaultgrade>"
        f'<answer fraction="100"><text>{answer}</text>'
        f"<tolerance>{tolerance}</tolerance></answer></question></quiz>"
    )


def gift_numeric(answer: str) -> str:
    return f"::Harga:: Berapa? {{#{answer}}}\n"


def quizapp(content: str) -> str:
    return json.dumps(
        [
            {"model": "quiz.question", "pk": 1, "fields": {"content": content}},
            {"model": "essay.essay_question", "pk": 1, "fields": {}},
        ]
    )


def refused(content, fmt) -> list[str]:
    with pytest.raises(ImportFailed) as info:
        parse(content, fmt)
    return info.value.errors


@pytest.mark.parametrize(
    ("content", "fmt"),
    [
        (moodle_numeric("1e1000000"), "moodle"),
        (moodle_numeric("5", tolerance="1e1000000"), "moodle"),
        (moodle_numeric("5", grade="1e1000000"), "moodle"),
        (gift_numeric("1e1000000"), "gift"),
        (gift_numeric("1e1000000..2"), "gift"),
        (gift_numeric("1:1e-1000000"), "gift"),
        (gift_numeric("9" * 200_000), "gift"),
    ],
)
def test_huge_exponents_are_refused_at_once(content, fmt):
    started = time.process_time()
    errors = refused(content, fmt)
    assert time.process_time() - started < 1
    assert "Harga" in errors[0]


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ("1000000000000000", "cannot be stored exactly"),  # 16 digits before
        ("-1000000000000000", "cannot be stored exactly"),
        ("0.0000000000000001", "cannot be stored exactly"),  # 16 places
        ("1234567890.123456789", "cannot be stored exactly"),  # 19 significant
        ("1e15", "cannot be stored exactly"),
        ("1e9999", "cannot be stored exactly"),
    ],
)
@pytest.mark.parametrize("fmt", ["moodle", "gift"])
def test_numbers_beyond_the_model_are_refused_naming_the_question(answer, reason, fmt):
    content = moodle_numeric(answer) if fmt == "moodle" else gift_numeric(answer)
    errors = refused(content, fmt)
    assert len(errors) == 1
    assert errors[0].startswith("Question 'Harga': ")
    assert reason in errors[0]


@pytest.mark.parametrize(
    "value",
    [
        "9" * (ANSWER_MAX_DIGITS - ANSWER_DECIMAL_PLACES),
        "0." + "0" * (ANSWER_DECIMAL_PLACES - 1) + "1",
        "1" * 8 + "." + "1" * (ANSWER_SIGNIFICANT_DIGITS - 8),
    ],
)
def test_the_largest_storable_numbers_are_accepted(value):
    question = parse(moodle_numeric(value, tolerance=value), "moodle").questions[0]
    assert question.numeric_answer == Decimal(value)
    assert question.numeric_tolerance == Decimal(value)


@pytest.mark.parametrize("grade", [str(MAX_POINTS + 1), "1e1000000", "1e9999"])
def test_points_beyond_the_limit_are_refused(grade):
    errors = refused(moodle_numeric("5", grade=grade), "moodle")
    assert errors == [
        f"Question 'Harga': {grade} points is out of range (1 to {MAX_POINTS})."
    ]


@pytest.mark.parametrize(
    ("content", "fmt"),
    [
        (b"::A:: Soal\x00 {}\n", "gift"),
        ("::A:: Soal\x00 {}\n", "gift"),
        (moodle_numeric("5").replace("Berapa?", "Ber\x00apa?"), "moodle"),
        (quizapp("Soal\x00"), "quizapp"),
        (
            '[{"model": "quiz.question", "pk": 1, "fields": {"content": "\x00"}}]',
            "quizapp",
        ),
        (quizapp("Soal\ud800"), "quizapp"),
        (b"\xff\xfe\x00", "gift"),
        ('[{"model": "quiz.question", "pk": ' + "9" * 5000 + "}]", "quizapp"),
        ("[" * 100_000 + "]" * 100_000, "quizapp"),
        ('[{"model": "quiz.question", "pk": "\u00b2", "fields": {}}]', "quizapp"),
        ('[{"model": "multichoice.answer", "pk": "\ud800", "fields": {}}]', "quizapp"),
        ("anything", "docx"),
    ],
)
def test_nul_bytes_invalid_unicode_and_odd_json_are_refused(content, fmt):
    errors = refused(content, fmt)
    assert errors
    assert all("\x00" not in error for error in errors)
    assert all(error.encode("utf-8") for error in errors)


def test_a_nul_byte_is_reported_with_its_line():
    assert refused("// one\n::A:: B {}\n\n::C:: D\x00 {}\n", "gift") == [
        "Line 4 contains a NUL character: this is not a text file. "
        "Save it as UTF-8 text."
    ]


def test_deeply_nested_html_costs_bounded_work():
    started = time.process_time()
    assert clean_html("<ul>" * 50_000 + "<div>x</div>" * 20_000) != ""
    assert time.process_time() - started < 5


# -- fuzzing -----------------------------------------------------------------

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


@pytest.mark.django_db
def test_imported_text_with_escaped_nul_is_refused_and_nothing_is_stored():
    with pytest.raises(ImportFailed, match="NUL character"):
        questions_import(result=parse(quizapp("Soal\u0000 A"), "quizapp"))
    assert Question.objects.count() == 0
    assert AttemptQuestion.objects.count() == 0


def test_model_columns_match_the_importer_limits():
    for name in ("number", "tolerance"):
        field = Choice._meta.get_field(name)
        assert (field.max_digits, field.decimal_places) == (
            ANSWER_MAX_DIGITS,
            ANSWER_DECIMAL_PLACES,
        )
    max_points = AttemptQuestion._meta.get_field("max_points")
    assert MAX_POINTS < 10 ** (max_points.max_digits - max_points.decimal_places)


# -- the admin upload ----------------------------------------------------------


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
