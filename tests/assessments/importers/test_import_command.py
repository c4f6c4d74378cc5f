"""`manage.py import_questions`: imports a file and reports, and a failed
import writes nothing, not even the category it was asked to fill."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from assessments.models import Choice, Question, QuestionCategory
from tests.assessments.importers.bank_files import SAMPLES

pytestmark = pytest.mark.django_db


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


@pytest.mark.usefixtures("english")
def test_command_category_is_not_left_behind_by_a_failed_import():
    with pytest.raises(CommandError, match="nothing imported"):
        call_command(
            "import_questions",
            str(SAMPLES / "gift_bad_grade.txt"),
            "--format",
            "gift",
            "--category",
            "Sisa impor",
            stdout=StringIO(),
            stderr=StringIO(),
        )
    assert not QuestionCategory.objects.filter(name="Sisa impor").exists()
    assert not Choice.objects.exists()
