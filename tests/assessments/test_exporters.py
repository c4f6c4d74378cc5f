"""Exports (assessments/exporters.py): Moodle XML and GIFT of a category and
its children, round trips (export -> import into an empty bank -> export
gives the same file), "keep this order" and combined feedback written out,
and what GIFT cannot hold named before the download."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from wagtail.images import get_image_model

from assessments.exporters import questions_export
from assessments.importers import parse
from assessments.importers.write import questions_import
from assessments.models import Choice, Question, QuestionCategory
from tests.assessments.importers.bank_files import choice_question, imported, moodle
from tests.factories import trainer

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).parent / "samples"


def load(name: str, fmt: str) -> None:
    questions_import(result=parse((SAMPLES / name).read_bytes(), fmt))


def top(name: str) -> QuestionCategory:
    return QuestionCategory.objects.get(parent=None, name=name)


def empty_bank() -> None:
    """Delete every question, choice, category and picture (children of
    categories before their parents)."""
    Choice.objects.all().delete()
    Question.objects.all().delete()
    while QuestionCategory.objects.exists():
        QuestionCategory.objects.filter(children__isnull=True).delete()
    get_image_model().objects.all().delete()


def round_trip(root: str, fmt: str) -> tuple[str, str]:
    first = questions_export(category=top(root), fmt=fmt).content
    empty_bank()
    questions_import(result=parse(first, fmt))
    second = questions_export(category=top(root), fmt=fmt).content
    return first, second


def test_moodle_xml_round_trip_gives_the_same_file():
    load("moodle_bank.xml", "moodle")
    first, second = round_trip("Pemasaran", "moodle")
    assert second == first
    for kind in ("multichoice", "truefalse", "numerical", "shortanswer", "match"):
        assert f'<question type="{kind}">' in first
    assert "<text>9.80665</text>" in first
    assert "<tolerance>0.00001</tolerance>" in first
    assert 'fraction="33.33333"' in first
    assert "<text>$course$/top/Pemasaran/Angka/Fisika</text>" in first


def test_moodle_xml_round_trip_keeps_pictures_and_their_alt_text():
    load("moodle_bank.xml", "moodle")
    first, second = round_trip("Foto", "moodle")
    assert second == first
    assert first.count('encoding="base64"') == 3
    assert 'alt="Rak berisi kopi bubuk"' in first
    assert get_image_model().objects.count() == 3
    assert Question.objects.get(name="Foto mana").image_alt == "Rak berisi kopi bubuk"


def test_gift_round_trip_gives_the_same_file():
    load("gift_bank.txt", "gift")
    first, second = round_trip("Pemasaran", "gift")
    assert second == first
    assert "::Setengah::[html]" in first
    assert "~%50%<p>half</p>" in first
    assert "=%100%9.80665\\:0.00001" not in first  # the colon separates, unescaped
    assert "=%100%9.80665:0.00001" in first
    assert "{TRUE#<p>Salah, lihat ke atas.</p>#<p>Benar!</p>}" in first
    assert "=<p>cat</p> -> cat food" in first


def test_export_covers_subcategories_in_a_fixed_order():
    load("moodle_bank.xml", "moodle")
    content = questions_export(category=top("Pemasaran"), fmt="gift").content
    categories = [line for line in content.splitlines() if line.startswith("$")]
    assert categories == [
        "$CATEGORY: $course$/top/Pemasaran",
        "$CATEGORY: $course$/top/Pemasaran/Angka",
        "$CATEGORY: $course$/top/Pemasaran/Angka/Fisika",
        "$CATEGORY: $course$/top/Pemasaran/Harga",
        "$CATEGORY: $course$/top/Pemasaran/Kata",
    ]
    assert "Foto mana" not in content


def test_gift_round_trip_keeps_pictures_as_data_uris():
    load("moodle_bank.xml", "moodle")
    first, second = round_trip("Foto", "gift")
    assert second == first
    assert first.count("data\\:image/png;base64,") == 3
    q = Question.objects.get(name="Foto mana")
    assert (q.text, q.image_alt) == ("", "Rak berisi kopi bubuk")
    assert [c.image_alt for c in q.choices.order_by("sort_order")] == [
        "Foto terang dengan latar putih",
        "gelap.png",
    ]


def test_gift_export_names_what_it_leaves_out():
    load("moodle_bank.xml", "moodle")
    with translation.override("en"):
        result = questions_export(category=top("Pemasaran"), fmt="gift")
    assert result.notes == [
        "Category “Harga”: GIFT has no category descriptions.",
        "Question 'Harga gula semut': the points is not exported (GIFT cannot "
        "hold it).",
        "Question 'Harga gula semut': the feedback for a right, partly right or "
        "wrong answer is not exported (GIFT cannot hold it).",
        "Question 'Nama produk': case-sensitive matching is not exported (GIFT "
        "cannot hold it).",
        "Question 'Caption gula aren': the rubric is not exported (GIFT cannot "
        "hold it).",
    ]


def test_export_command_writes_the_file(tmp_path):
    load("gift_bank.txt", "gift")
    target = tmp_path / "harga.xml"
    call_command(
        "export_questions",
        "Pemasaran/Harga",
        "--format",
        "moodle",
        "--output",
        str(target),
        stderr=StringIO(),
    )
    exported = target.read_text(encoding="utf-8")
    assert (
        exported
        == questions_export(
            category=QuestionCategory.objects.get(name="Harga"), fmt="moodle"
        ).content
    )
    assert "<name><text>Setengah</text></name>" in exported


def test_admin_download_for_a_trainer(client):
    load("gift_bank.txt", "gift")
    client.force_login(trainer())
    harga = QuestionCategory.objects.get(name="Harga")
    response = client.get(
        reverse("questions_export"), {"category": harga.pk, "format": "gift"}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content.decode() == (
        questions_export(category=harga, fmt="gift").content
    )


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize("kind", ["multichoice", "match"])
def test_moodle_export_writes_the_order_kept_and_reads_it_back(kind):
    if kind == "multichoice":
        question = choice_question("Urut", extra="<shuffleanswers>0</shuffleanswers>")
    else:
        question = (
            '<question type="match"><name><text>Urut</text></name>'
            "<questiontext><text>Pasangkan.</text></questiontext>"
            "<shuffleanswers>false</shuffleanswers>"
            "<subquestion><text>A</text><answer><text>1</text></answer></subquestion>"
            "<subquestion><text>B</text><answer><text>2</text></answer></subquestion>"
            "</question>"
        )
    imported(moodle(question), "moodle")
    root = QuestionCategory.objects.get(name="Imported")
    exported = questions_export(category=root, fmt="moodle").content
    assert "<shuffleanswers>false</shuffleanswers>" in exported
    assert "<shuffleanswers>true</shuffleanswers>" not in exported
    Question.objects.update(keep_choice_order=False)
    assert "<shuffleanswers>true</shuffleanswers>" in (
        questions_export(category=root, fmt="moodle").content
    )


MATCH = (
    '<question type="match"><name><text>Pasangan</text></name>'
    "<questiontext><text>Pasangkan.</text></questiontext>"
    "<correctfeedback><text>Semua pas.</text></correctfeedback>"
    "<partiallycorrectfeedback><text>Sebagian pas.</text></partiallycorrectfeedback>"
    "<incorrectfeedback><text>Belum pas.</text></incorrectfeedback>"
    "<subquestion><text>CTR</text><answer><text>klik</text></answer></subquestion>"
    "<subquestion><text>CPM</text><answer><text>tayangan</text></answer></subquestion>"
    "</question>"
)


@pytest.mark.usefixtures("english")
def test_moodle_xml_export_keeps_matching_combined_feedback():
    imported(moodle(MATCH), "moodle")
    exported = questions_export(
        category=QuestionCategory.objects.get(name="Imported"), fmt="moodle"
    ).content
    assert "<text>&lt;p&gt;Semua pas.&lt;/p&gt;</text></correctfeedback>" in exported
    Question.objects.all().delete()
    QuestionCategory.objects.all().delete()
    imported(exported, "moodle")
    q = Question.objects.get(name="Pasangan")
    assert (q.correct_feedback, q.partial_feedback, q.incorrect_feedback) == (
        "<p>Semua pas.</p>",
        "<p>Sebagian pas.</p>",
        "<p>Belum pas.</p>",
    )


@pytest.mark.usefixtures("english")
def test_gift_export_names_the_combined_feedback_it_cannot_hold(client):
    imported(
        moodle(
            choice_question(
                "Kopi", extra="<correctfeedback><text>Hebat.</text></correctfeedback>"
            )
        ),
        "moodle",
    )
    root = QuestionCategory.objects.get(name="Imported")
    result = questions_export(category=root, fmt="gift")
    assert result.notes == [
        "Question 'Kopi': the feedback for a right, partly right or wrong answer "
        "is not exported (GIFT cannot hold it)."
    ]
    user = trainer()
    client.force_login(user)
    with translation.override("id"):
        page = client.get(
            reverse("questions_export"), {"category": root.pk, "format": "gift"}
        )
    assert page.status_code == 200
    assert "Content-Disposition" not in page
    html = page.content.decode()
    assert (
        "Soal &#x27;Kopi&#x27;: umpan balik untuk jawaban benar, sebagian benar, "
        "atau salah tidak diekspor (GIFT tidak bisa memuatnya)."
    ) in html
    assert "Tetap unduh" in html
    download = client.get(
        reverse("questions_export"),
        {"category": root.pk, "format": "gift", "confirm": "1"},
    )
    assert download["Content-Disposition"].startswith("attachment;")
    assert download.content.decode() == result.content
