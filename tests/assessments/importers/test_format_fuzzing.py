"""Hypothesis fuzzing of the GIFT and Moodle XML parsers with files built
from each format's own pieces (titles, formats, escapes, `~=`, grades,
feedback, numeric ranges; question types, text formats, embedded files,
pictures, sounds, tables, legacy `<image_base64>`), with and without
"import the rest": the only exception is the documented refusal
(ImportFailed), what is accepted is stored, nothing is half-written for
a refused question, and the admin upload never answers 500."""

import base64

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.importers import ImportFailed, parse
from assessments.importers.write import questions_import
from assessments.models import Question
from tests.assessments.importers.bank_files import PNG
from tests.factories import trainer

pytestmark = pytest.mark.usefixtures("english")

FUZZ = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
MP3 = base64.b64encode(b"ID3\x03fake").decode()


words = st.text(
    alphabet=st.characters(
        codec="utf-8", exclude_categories=["Cs", "Cc"], exclude_characters="\x00"
    ),
    max_size=12,
)
numbers = st.one_of(
    st.from_regex(r"\A-?[0-9]{1,18}(\.[0-9]{1,18})?\Z"),
    st.sampled_from(["100000000", "3.14159265", "1e15", "0.000000005", "x", ""]),
)
grades = st.sampled_from(["", "%50%", "%33.33333%", "%-100%", "%100%", "%33%", "%x%"])
html_bits = st.sampled_from(
    [
        "x<sup>2</sup>",
        "H<sub>2</sub>O",
        "<table><tr><td>a</td><td colspan=2>b</td></tr></table>",
        f'<img src="data:image/png;base64,{PNG}" alt="p">',
        '<img src="https://example.org/x.png">',
        "<audio controls><source src='s.mp3'>fallback</audio>",
        '<a href="@@PLUGINFILE@@/x.mp3">x</a>',
        "<u>u</u>",
        "<script>alert(1)</script>",
        "<audio>",
        "</video>",
    ]
)


def gift_escape(text: str) -> str:
    for char in "\\~=#{}:":
        text = text.replace(char, "\\" + char)
    return text


@st.composite
def gift_texts(draw) -> str:
    parts = draw(st.lists(st.one_of(words.map(gift_escape), html_bits), max_size=4))
    fmt = draw(st.sampled_from(["", "[html]", "[moodle]", "[plain]", "[markdown]"]))
    return fmt + " ".join(parts).replace("=", "\\=")


@st.composite
def gift_answers(draw) -> str:
    kind = draw(st.sampled_from(["choice", "numeric", "tf", "short", "match", "essay"]))
    if kind == "essay":
        return ""
    if kind == "tf":
        return draw(st.sampled_from(["T", "F", "TRUE", "FALSE#no#yes"]))
    if kind == "numeric":
        answer = draw(
            st.one_of(
                numbers,
                st.tuples(numbers, numbers).map(lambda p: f"{p[0]}:{p[1]}"),
                st.tuples(numbers, numbers).map(lambda p: f"{p[0]}..{p[1]}"),
            )
        )
        extra = draw(st.sampled_from(["", " ~#other", f" =%50%{answer}#half"]))
        return f"#{answer}{extra}"
    if kind == "match":
        pairs = draw(st.lists(st.tuples(words, words), min_size=1, max_size=4))
        return " ".join(f"={gift_escape(a)} -> {gift_escape(b)}" for a, b in pairs)
    markers = st.sampled_from(["=", "~", "~=", "~%50%=", "~%50%"])
    answers = draw(
        st.lists(
            st.tuples(markers, grades, gift_texts(), st.one_of(st.just(""), words)),
            min_size=1,
            max_size=5,
        )
    )
    return " ".join(
        f"{marker}{grade}{text}" + (f"#{gift_escape(feedback)}" if feedback else "")
        for marker, grade, text, feedback in answers
    )


@st.composite
def gift_files(draw) -> str:
    blocks = []
    for _ in range(draw(st.integers(1, 4))):
        title = draw(
            st.one_of(st.just(""), words.map(lambda w: f"::{gift_escape(w)}::"))
        )
        text = draw(gift_texts())
        braces = draw(st.sampled_from(["{}", "{", "", "}{"]))
        answers = draw(gift_answers())
        general = draw(st.one_of(st.just(""), words.map(lambda w: "####" + w)))
        after = draw(st.sampled_from(["", " after."]))
        if braces == "{}":
            body = f"{title}{text}{{{answers}{general}}}{after}"
        else:
            body = f"{title}{text}{braces}{answers}"
        category = draw(st.sampled_from(["", "$CATEGORY: $course$/top/A/B\n"]))
        blocks.append(category + body.replace("\n\n", "\n"))
    return "\n\n".join(blocks)


def xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@st.composite
def moodle_texts(draw, tag: str) -> str:
    fmt = draw(
        st.sampled_from(["html", "moodle_auto_format", "plain_text", "markdown"])
    )
    parts = draw(st.lists(st.one_of(words, html_bits), max_size=4))
    files = draw(
        st.lists(
            st.sampled_from(
                [
                    f'<file name="p.png" encoding="base64">{PNG}</file>',
                    f'<file name="s.mp3" encoding="base64">{MP3}</file>',
                    '<file name="bad.png" encoding="base64">!!!</file>',
                ]
            ),
            max_size=2,
        )
    )
    refs = draw(
        st.sampled_from(
            ["", '<img src="@@PLUGINFILE@@/p.png">', '<img src="@@PLUGINFILE@@/s.mp3">']
        )
    )
    text = xml_escape(" ".join(parts) + refs)
    return f'<{tag} format="{fmt}"><text>{text}</text>{"".join(files)}</{tag}>'


@st.composite
def moodle_files(draw) -> str:
    questions = []
    for _ in range(draw(st.integers(1, 4))):
        qtype = draw(
            st.sampled_from(
                [
                    "multichoice",
                    "truefalse",
                    "numerical",
                    "shortanswer",
                    "match",
                    "essay",
                    "description",
                    "ordering",
                    "multichoiceset",
                    "cloze",
                ]
            )
        )
        answers = []
        for _ in range(draw(st.integers(0, 4))):
            fraction = draw(st.sampled_from(["100", "0", "50", "33", "-100", "x"]))
            body = draw(st.one_of(numbers, words, html_bits))
            answers.append(
                f'<answer fraction="{fraction}"><text>{xml_escape(body)}</text>'
                + draw(moodle_texts("feedback"))
                + f"<tolerance>{draw(numbers)}</tolerance></answer>"
            )
        subs = "".join(
            "<subquestion><text>"
            + xml_escape(draw(words))
            + "</text><answer><text>"
            + xml_escape(draw(words))
            + "</text></answer></subquestion>"
            for _ in range(draw(st.integers(0, 3)))
        )
        legacy = draw(
            st.sampled_from(
                [
                    "",
                    f"<image>a/b.png</image><image_base64>{PNG}</image_base64>",
                    "<image>x.png</image>",
                    "<image_base64>@@</image_base64>",
                ]
            )
        )
        questions.append(
            f'<question type="{qtype}"><name><text>{xml_escape(draw(words))}'
            "</text></name>"
            + draw(moodle_texts("questiontext"))
            + draw(moodle_texts("generalfeedback"))
            + draw(moodle_texts("correctfeedback"))
            + f"<defaultgrade>{draw(numbers)}</defaultgrade>"
            + draw(st.sampled_from(["", "<single>false</single>"]))
            + draw(st.sampled_from(["", "<shuffleanswers>0</shuffleanswers>"]))
            + legacy
            + "".join(answers)
            + subs
            + draw(
                st.sampled_from(
                    [
                        "",
                        "<units><unit><multiplier>1</multiplier>"
                        "<unit_name>kg</unit_name></unit></units>",
                    ]
                )
            )
            + "</question>"
        )
    return '<?xml version="1.0"?><quiz>' + "".join(questions) + "</quiz>"


def parse_or_refuse(content, fmt: str, rest: bool):
    """The parse result, or None for the documented refusal (with
    printable messages); any other exception fails the test."""
    try:
        return parse(content, fmt, skip_unsupported=rest)
    except ImportFailed as failed:
        refusal = failed
    assert refusal.errors
    for message in refusal.errors + refusal.skipped:
        message.encode("utf-8")
    return None


@FUZZ
@given(content=gift_files(), rest=st.booleans())
def test_fuzzed_gift_files_parse_or_are_refused(content, rest):
    result = parse_or_refuse(content, "gift", rest)
    if result is not None and not rest:
        assert result.refused == []


@FUZZ
@given(content=moodle_files(), rest=st.booleans())
def test_fuzzed_moodle_files_parse_or_are_refused(content, rest):
    result = parse_or_refuse(content, "moodle", rest)
    if result is not None and not rest:
        assert result.refused == []
        assert result.skipped == []


@pytest.mark.django_db
@settings(FUZZ, max_examples=40)
@given(
    content=st.one_of(
        gift_files().map(lambda text: (text, "gift")),
        moodle_files().map(lambda text: (text, "moodle")),
    )
)
def test_what_is_accepted_is_stored_and_only_that(content):
    text, fmt = content
    result = parse_or_refuse(text, fmt, True)
    before = Question.objects.count()
    if result is None:
        return
    try:
        report = questions_import(result=result)
    except ImportFailed:
        assert Question.objects.count() == before
        return
    assert report.created == len(result.questions)
    assert Question.objects.count() == before + report.created
    Question.objects.all().delete()


@pytest.mark.django_db
@settings(FUZZ, max_examples=25)
@given(
    content=st.one_of(
        gift_files().map(lambda text: (text, "gift")),
        moodle_files().map(lambda text: (text, "moodle")),
    ),
    rest=st.booleans(),
)
def test_admin_upload_of_fuzzed_files_never_answers_500(client, content, rest):
    text, fmt = content
    client.force_login(trainer())
    data = {
        "file": SimpleUploadedFile("bank.txt", text.encode("utf-8")),
        "format": fmt,
        "category": "",
    }
    if rest:
        data["skip_unsupported"] = "on"
    response = client.post(reverse("questions_import"), data)
    assert response.status_code in (302, 400)
