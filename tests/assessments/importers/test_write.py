"""Writing parsed questions to the bank (assessments/importers/write.py):
all or nothing. Each format's good sample imports every supported question
and its categories, a broken one nothing (naming the question); a write
that fails half way, or a name that would be cut, leaves nothing behind."""

import pytest
from django.db import IntegrityError
from wagtail.images import get_image_model

from assessments.importers import ImportFailed, parse
from assessments.importers.write import questions_import
from assessments.models import Choice, Question, QuestionCategory
from tests.assessments.importers.bank_files import SAMPLES, load

pytestmark = pytest.mark.django_db

GOOD = [  # format, file, questions, unsupported ones skipped
    ("moodle", "moodle_good.xml", 6, 1),
    ("gift", "gift_good.txt", 12, 0),
    ("quizapp", "quizapp_good.json", 6, 1),
]

BROKEN = [
    (
        "moodle",
        "moodle_broken.xml",
        "Soal 'Fungsi tagar': tidak ada jawaban yang benar.",
    ),
    (
        "gift",
        "gift_broken.txt",
        "Soal 3 (baris 11): jawabannya tidak ditutup: '}' tidak ada.",
    ),
    (
        "quizapp",
        "quizapp_broken.json",
        "jawaban quiz-app #9: soalnya #42 tidak ada di berkas.",
    ),
]


@pytest.mark.parametrize(("fmt", "name", "count", "skipped"), GOOD)
def test_good_file_imports_every_supported_question(fmt, name, count, skipped):
    result = parse((SAMPLES / name).read_bytes(), fmt, skip_unsupported=True)
    report = questions_import(result=result, source=name)
    assert report.created == count
    assert Question.objects.count() == count
    assert len(report.skipped) == skipped
    assert all("<script" not in q.text for q in Question.objects.all())
    single = Question.objects.filter(kind="single").first()
    assert single.choices.filter(fraction__gt=0).count() == 1


@pytest.mark.parametrize(("fmt", "name", "message"), BROKEN)
def test_broken_file_imports_nothing_and_names_the_question(fmt, name, message):
    with pytest.raises(ImportFailed) as failed:
        questions_import(result=parse((SAMPLES / name).read_bytes(), fmt))
    assert failed.value.errors == [message]
    assert not Question.objects.exists()
    assert not Choice.objects.exists()


def test_moodle_categories_become_question_categories():
    questions_import(
        result=parse(
            (SAMPLES / "moodle_good.xml").read_bytes(), "moodle", skip_unsupported=True
        )
    )
    assert set(QuestionCategory.objects.values_list("name", flat=True)) >= {
        "Dasar Pemasaran"
    }


def test_a_failure_half_way_rolls_back_what_was_written(monkeypatch):
    """Atomic even when the database refuses rows after others were saved:
    the choices fail (injected) after every question row was written."""
    result = parse(
        (SAMPLES / "gift_good.txt").read_bytes(), "gift", skip_unsupported=True
    )
    calls = []

    def failing(model, objs):
        calls.append(Question.objects.count())  # the questions went in first
        raise IntegrityError("refused")

    monkeypatch.setattr("assessments.importers.write._insert_many", failing)
    with pytest.raises(IntegrityError):
        questions_import(result=result)
    assert calls == [12]
    assert not Question.objects.exists()
    assert not Choice.objects.exists()


@pytest.mark.usefixtures("english")
def test_a_failed_write_leaves_no_category_and_no_picture(monkeypatch):
    images = get_image_model()

    def refuse(*args, **kwargs):
        raise RuntimeError("database refused")

    monkeypatch.setattr("assessments.importers.write._insert_many", refuse)
    with pytest.raises(RuntimeError):
        load("moodle_bank.xml", "moodle")
    assert not QuestionCategory.objects.exists()
    assert not images.objects.exists()


@pytest.mark.usefixtures("english")
def test_a_name_that_would_be_cut_is_an_error_naming_the_question():
    long_name = "N" * 300
    content = f"::{long_name}::Apa? {{=ya ~tidak}}\n"
    with pytest.raises(ImportFailed) as failed:
        questions_import(result=parse(content, "gift"))
    assert failed.value.errors == [
        f"Question '{'N' * 80}': the name has 300 characters; at most 255 fit, "
        "so it would be cut. Shorten it."
    ]
    assert not Question.objects.exists()
