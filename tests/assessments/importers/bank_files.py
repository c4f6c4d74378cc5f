"""Question-bank files for the importer tests: the sample files in
tests/assessments/samples, small Moodle XML, GIFT and quiz-app files built in
a test, and the steps that parse and import them (`load`, `imported`) and
read the bank back (`question`, `choices`, `tree`)."""

import json
from pathlib import Path

import pytest

from assessments.importers import ImportFailed, ParsedQuestion, parse
from assessments.importers.write import questions_import
from assessments.models import Question, QuestionCategory

SAMPLES = Path(__file__).parents[1] / "samples"

PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9"
    "awAAAABJRU5ErkJggg=="
)

GIFT_ONE_BAD = (
    "::Baik::Benar?{T}\n\n"
    "::Rusak::Pilih.{=a ~b\n\n"
    '::Bergambar::[html]<img src\\="data:image/png;base64,'
    + PNG.replace("=", "\\=")
    + '" alt\\="Kopi">Apa?{=%33%a ~b}\n\n'
    "::Juga baik::Berapa?{#5}"
)


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def failure(content: str | bytes, fmt: str) -> ImportFailed:
    with pytest.raises(ImportFailed) as info:
        parse(content, fmt)
    return info.value


def only_question(content: str, fmt: str) -> ParsedQuestion:
    result = parse(content, fmt)
    assert len(result.questions) == 1
    return result.questions[0]


def summary(question: ParsedQuestion) -> tuple:
    """What a parsed question holds: kind, name, text, category path,
    points, explanation, true/false answer, rubric, and per choice its
    text, credit, feedback, number, tolerance and matching answer."""
    return (
        question.kind,
        question.name,
        question.text,
        question.category_path,
        question.points,
        question.explanation,
        question.true_false_answer,
        question.rubric,
        [
            (
                c.text,
                str(c.credit),
                c.feedback,
                c.value and str(c.value),
                c.tolerance and str(c.tolerance),
                c.match,
            )
            for c in question.choices
        ],
    )


def moodle(*questions: str) -> str:
    return '<?xml version="1.0"?>\n<quiz>\n' + "\n".join(questions) + "\n</quiz>\n"


def moodle_question(
    qtype: str = "multichoice", name: str = "Soal", body: str = "", text: str = "Teks"
) -> str:
    return (
        f'<question type="{qtype}"><name><text>{name}</text></name>'
        f'<questiontext format="html"><text>{text}</text></questiontext>'
        f"{body}</question>"
    )


TWO_ANSWERS = (
    '<answer fraction="100"><text>Ya</text></answer>'
    '<answer fraction="0"><text>Tidak</text></answer>'
)


def cdata(markup: str) -> str:
    return f"<![CDATA[{markup}]]>"


def choice_question(name: str, text: str = "Pilih.", extra: str = "") -> str:
    return (
        f'<question type="multichoice"><name><text>{name}</text></name>'
        f'<questiontext format="html"><text>{cdata(text)}</text></questiontext>'
        f"<single>true</single>{extra}"
        '<answer fraction="100" format="html"><text>Ya</text></answer>'
        '<answer fraction="0" format="html"><text>Tidak</text></answer>'
        "</question>"
    )


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


def load(name: str, fmt: str, **kwargs):
    return questions_import(
        result=parse((SAMPLES / name).read_bytes(), fmt), source=name, **kwargs
    )


def imported(content: str, fmt: str, **kwargs):
    return questions_import(result=parse(content, fmt, **kwargs), source="t")


def question(name: str) -> Question:
    return Question.objects.get(name=name)


def choices(name: str) -> list[tuple]:
    return [
        (c.text, c.fraction, c.feedback)
        for c in question(name).choices.order_by("sort_order")
    ]


def tree() -> set[tuple[str, ...]]:
    return {tuple(c.path_names()) for c in QuestionCategory.objects.all()}
