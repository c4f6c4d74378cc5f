# ruff: noqa: E501  (expected parse results are long HTML strings)
"""The django-quiz-app parser (assessments/importers/quizapp.py): the sample
files and dumps built here, parsed (no database) and imported into the
bank. Messages are checked in English."""

import json
from decimal import Decimal

import pytest

from assessments.importers import parse
from assessments.importers.write import questions_import
from assessments.models import Question
from tests.assessments.importers.bank_files import (
    SAMPLES,
    failure,
    imported,
    only_question,
    sample,
    summary,
)

pytestmark = pytest.mark.usefixtures("english")


def test_quizapp_good_file():
    result = parse(sample("quizapp_good.json"), "quizapp", skip_unsupported=True)

    assert result.skipped == [
        "quiz-app question #8 (unknown type): type not supported."
    ]
    assert [summary(q) for q in result.questions] == [
        (
            "single",
            "quiz-app mcquestion #1",
            "<p>Apa kepanjangan dari SEO?</p>",
            ("Dasar Pemasaran",),
            1,
            "<p>SEO adalah upaya agar situs muncul di hasil pencarian organik.</p>",
            None,
            "",
            [
                ("<p>Search Engine Optimization</p>", "100", "", None, None, ""),
                ("<p>Social Engagement Online</p>", "0", "", None, None, ""),
                ("<p>Sales and Email Outreach</p>", "0", "", None, None, ""),
            ],
        ),
        (
            "multiple",
            "quiz-app mcquestion #2",
            "<p>Manakah yang termasuk platform media sosial? Pilih semua yang benar.</p>",
            ("Media Sosial", "Instagram"),
            1,
            "",
            None,
            "",
            [
                # answer_order "content": sorted by text, kept in that order
                ("<p>Instagram</p>", "100", "", None, None, ""),
                ("<p>Microsoft Excel</p>", "0", "", None, None, ""),
                ("<p>TikTok</p>", "100", "", None, None, ""),
            ],
        ),
        (
            "true_false",
            "quiz-app tf_question #3",
            "<p>Jumlah pengikut adalah satu-satunya ukuran keberhasilan akun bisnis.</p>",
            ("Media Sosial",),
            1,
            "<p>Perhatikan juga jangkauan, interaksi, dan penjualan.</p>",
            False,
            "",
            [],
        ),
        (
            "essay",
            "quiz-app essay_question #4",
            "<p>Tuliskan rencana konten satu minggu untuk UMKM keripik singkong &amp; kopi desa.</p>",
            (),
            1,
            "<p>Nilai: ada minimal lima unggahan.<br>Setiap unggahan punya tujuan.</p>",
            None,
            "",
            [],
        ),
        (
            "true_false",
            "quiz-app tf_question #5",
            "<p>Iklan Instagram dapat ditargetkan hanya untuk satu kabupaten.</p>",
            ("Dasar Pemasaran",),
            1,
            "",
            True,
            "",
            [],
        ),
        (
            "single",
            "quiz-app mcquestion #7",
            "<p>Dari mana kita tahu jam terbaik untuk mengunggah konten?</p>",
            ("Media Sosial",),
            1,
            "",
            None,
            "",
            [
                ("<p>Dari data Insight akun</p>", "100", "", None, None, ""),
                ("<p>Dari ramalan cuaca</p>", "0", "", None, None, ""),
            ],
        ),
    ]


def test_quizapp_broken_file_names_the_answer_and_its_missing_question():
    assert failure(sample("quizapp_broken.json"), "quizapp").errors == [
        "quiz-app answer #9: its question #42 is not in the file."
    ]


def record(model: str, pk: int, **fields) -> dict:
    return {"model": model, "pk": pk, "fields": fields}


def dump(*records: dict) -> str:
    return json.dumps(list(records))


def test_quizapp_question_problems():
    content = dump(
        record("quiz.question", 12, content="Pilih satu.", category=None),
        record("multichoice.mcquestion", 12, answer_order="random"),
        record("multichoice.answer", 1, question=12, content="a", correct=False),
        record("multichoice.answer", 2, question=12, content="b", correct=False),
        record("true_false.tf_question", 13, correct=True),
        record("quiz.question", 14, content="Benar?", category=99),
        record("true_false.tf_question", 14, correct=True),
        record("quiz.question", 15, content="Benar?", category=None),
        record("true_false.tf_question", 15, correct="ya"),
        record("quiz.question", 16, content="  ", category=None),
        record("essay.essay_question", 16),
    )

    assert failure(content, "quizapp").errors == [
        "quiz-app mcquestion #12: no correct answer.",
        "quiz-app tf_question #13: its quiz.question row is not in the file.",
        "quiz-app tf_question #14: its category #99 is not in the file.",
        "quiz-app tf_question #15: 'correct' must be true or false.",
        "quiz-app essay_question #16: the question text is empty.",
    ]


def test_quizapp_flattened_rows_override_the_base_row():
    content = dump(
        record("quiz.question", 3, content="Lama", explanation="Lama", category=None),
        record("essay.essay_question", 3, content="Baru", category="Iklan"),
    )
    question = only_question(content, "quizapp")

    assert (question.text, question.explanation, question.category) == (
        "<p>Baru</p>",
        "<p>Lama</p>",
        "Iklan",
    )


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (
            "[{",
            "The file is not valid JSON: Expecting property name enclosed in "
            "double quotes at line 1, column 3.",
        ),
        (
            '{"model": "quiz.question"}',
            "This is not a django-quiz-app dump: expected a JSON list of records.",
        ),
        (
            '[{"model": "quiz.question", "pk": 1}]',
            "Record 1 is not a dumpdata record (model, pk, fields).",
        ),
        (
            '[{"model": "quiz.quiz", "pk": 1, "fields": {}}]',
            "The file contains no questions.",
        ),
    ],
)
def test_quizapp_file_problems(content, error):
    assert failure(content, "quizapp").errors == [error]


@pytest.mark.django_db
def test_quizapp_dump_keeps_subcategories_and_all_or_nothing_multiple_choice():
    result = parse(
        (SAMPLES / "quizapp_good.json").read_bytes(), "quizapp", skip_unsupported=True
    )
    questions_import(result=result)
    multiple = Question.objects.get(kind="multiple")
    assert multiple.multiple_scoring == "all_or_nothing"
    assert multiple.category.path_names() == ["Media Sosial", "Instagram"]
    assert [(c.text, c.fraction) for c in multiple.choices.order_by("sort_order")] == [
        ("<p>Instagram</p>", Decimal(100)),
        ("<p>Microsoft Excel</p>", Decimal(0)),
        ("<p>TikTok</p>", Decimal(100)),
    ]
    assert multiple.keep_choice_order  # answer_order "content": sorted, kept


@pytest.mark.django_db
def test_quizapp_answer_order_none_keeps_the_order():
    dump = json.dumps(
        [
            {"model": "quiz.question", "pk": 1, "fields": {"content": "Pilih"}},
            {
                "model": "multichoice.mcquestion",
                "pk": 1,
                "fields": {"answer_order": "none"},
            },
            {
                "model": "multichoice.answer",
                "pk": 1,
                "fields": {"question": 1, "content": "B", "correct": True},
            },
            {
                "model": "multichoice.answer",
                "pk": 2,
                "fields": {"question": 1, "content": "A", "correct": False},
            },
        ]
    )
    imported(dump, "quizapp")
    q = Question.objects.get()
    assert q.keep_choice_order is True
    assert [c.text for c in q.choices.order_by("sort_order")] == [
        "<p>B</p>",
        "<p>A</p>",
    ]
