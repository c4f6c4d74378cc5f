"""The format dispatcher (assessments/importers/__init__.py): `parse`
decodes the file (refusing NUL bytes, invalid Unicode and text that is not
UTF-8, naming the line or the question), hands it to the parser of its
format, and applies the one all-or-nothing rule: a file with a refused or
unsupported question imports nothing unless "import the rest" is asked,
and then each one left out is listed. Messages are checked in English."""

import pytest
from django.utils import translation
from wagtail.images import get_image_model

from assessments.importers import ImportFailed, parse
from assessments.importers.write import questions_import
from assessments.models import AttemptQuestion, Question, QuestionCategory
from tests.assessments.importers.bank_files import (
    GIFT_ONE_BAD,
    SAMPLES,
    imported,
    load,
    moodle_numeric,
    quizapp,
    refused,
)

pytestmark = pytest.mark.usefixtures("english")


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


@pytest.mark.django_db
def test_imported_text_with_escaped_nul_is_refused_and_nothing_is_stored():
    with pytest.raises(ImportFailed, match="NUL character"):
        questions_import(result=parse(quizapp("Soal\u0000 A"), "quizapp"))
    assert Question.objects.count() == 0
    assert AttemptQuestion.objects.count() == 0


@pytest.mark.django_db
def test_not_utf8_is_translated_and_names_the_question():
    content = (SAMPLES / "gift_latin1.txt").read_bytes()
    with translation.override("id"), pytest.raises(ImportFailed) as failed:
        parse(content, "gift")
    assert failed.value.errors == [
        "Soal 'Kedua', baris 3: berkas bukan teks UTF-8. Simpan sebagai UTF-8 "
        "lalu coba lagi."
    ]


@pytest.mark.django_db
def test_unsupported_types_are_listed_by_name_and_type_and_nothing_is_written():
    with pytest.raises(ImportFailed) as failed:
        load("moodle_unsupported.xml", "moodle")
    assert failed.value.skipped == [
        "Question 'Isian rumpang' (cloze): type not supported.",
        "Question 'Isian ganda' (multianswer): type not supported.",
        "Question 'Hitung untung' (calculated): type not supported.",
        "Question 'Tandai peta' (ddmarker): type not supported.",
        "Question 'Seret ke foto' (ddimageortext): type not supported.",
    ]
    assert not Question.objects.exists()
    assert not QuestionCategory.objects.exists()


@pytest.mark.django_db
def test_the_rest_is_imported_only_when_asked_and_the_skipped_are_reported():
    result = parse(
        (SAMPLES / "moodle_unsupported.xml").read_bytes(),
        "moodle",
        skip_unsupported=True,
    )
    report = questions_import(result=result)
    assert list(Question.objects.values_list("name", flat=True)) == ["Boleh"]
    assert len(report.skipped) == 5


@pytest.mark.django_db
def test_one_malformed_question_fails_the_file_unless_the_rest_is_asked_for():
    with pytest.raises(ImportFailed) as failed:
        parse(GIFT_ONE_BAD, "gift")
    assert failed.value.errors == [
        "Question 'Rusak': the answers are not closed: '}' is missing.",
        "Question 'Bergambar': the answer grade 33% is not one Moodle allows "
        "(e.g. 100, 50, 33.33333, 25, 0, -50).",
    ]
    assert failed.value.importable == 2
    assert not Question.objects.exists()


@pytest.mark.django_db
def test_the_rest_is_imported_and_each_refused_question_is_listed_whole():
    report = imported(GIFT_ONE_BAD, "gift", skip_unsupported=True)
    assert sorted(Question.objects.values_list("name", flat=True)) == [
        "Baik",
        "Juga baik",
    ]
    assert report.refused == [
        "Question 'Rusak': the answers are not closed: '}' is missing.",
        "Question 'Bergambar': the answer grade 33% is not one Moodle allows "
        "(e.g. 100, 50, 33.33333, 25, 0, -50).",
    ]
    assert not get_image_model().objects.exists()  # nothing of a refused question
