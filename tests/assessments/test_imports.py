"""Imports write everything or nothing, and say what they skipped."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import IntegrityError
from django.urls import reverse
from django.utils import translation

from assessments.importers import ImportFailed, parse
from assessments.importers.write import questions_import
from assessments.models import Choice, Question, QuestionCategory
from tests.factories import trainee, trainer

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).parent / "samples"
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


def test_command_imports_and_reports(tmp_path):
    out = StringIO()
    call_command(
        "import_questions",
        str(SAMPLES / "gift_good.txt"),
        "--format",
        "gift",
        "--category",
        "Bank GIFT",
        "--skip-unsupported",
        stdout=out,
        stderr=StringIO(),
    )
    assert "12 questions imported into Bank GIFT" in out.getvalue()
    assert QuestionCategory.objects.get(name="Bank GIFT").questions.count() == 12


def test_command_with_a_broken_file_fails_and_imports_nothing():
    with (
        translation.override("en"),
        pytest.raises(CommandError, match="nothing imported"),
    ):
        call_command(
            "import_questions",
            str(SAMPLES / "moodle_broken.xml"),
            "--format",
            "moodle",
            stdout=StringIO(),
            stderr=StringIO(),
        )
    assert not Question.objects.exists()


def _upload(name, fmt, **extra):
    return {
        "file": SimpleUploadedFile(name, (SAMPLES / name).read_bytes()),
        "format": fmt,
        "category": "",
        **extra,
    }


def test_admin_import_for_trainers(client):
    client.force_login(trainer())
    url = reverse("questions_import")
    assert client.get(url).status_code == 200
    response = client.post(
        url, _upload("quizapp_good.json", "quizapp", skip_unsupported="on")
    )
    assert response.status_code == 302
    assert Question.objects.count() == 6
    page = client.get(response["Location"])
    assert "#8" in page.content.decode()  # the skipped question is named


def test_admin_import_of_a_broken_file_shows_why_and_imports_nothing(client):
    client.force_login(trainer())
    response = client.post(
        reverse("questions_import"), _upload("gift_broken.txt", "gift")
    )
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert not Question.objects.exists()


def test_admin_import_is_not_for_trainees(client):
    client.force_login(trainee())
    response = client.post(
        reverse("questions_import"), _upload("gift_good.txt", "gift")
    )
    assert response.status_code in (302, 403)
    assert not Question.objects.exists()
