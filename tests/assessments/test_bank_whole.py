"""Question banks arrive whole: each example of what an import or export
used to lose or refuse, checked by the values stored in the bank, the
report the staff member reads and what a trainee's page shows."""

import base64
import json
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation
from wagtail.images import get_image_model

from assessments.exporters import questions_export
from assessments.importers import ImportFailed, parse
from assessments.importers.write import questions_import
from assessments.models import Choice, Question, QuestionCategory
from tests.factories import trainer

pytestmark = pytest.mark.django_db

PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9"
    "awAAAABJRU5ErkJggg=="
)
MP3 = base64.b64encode(b"ID3\x03\x00\x00\x00\x00\x00\x00fake mp3").decode()


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def moodle(*questions: str) -> str:
    return '<?xml version="1.0"?>\n<quiz>\n' + "\n".join(questions) + "\n</quiz>\n"


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


def imported(content: str, fmt: str, **kwargs):
    return questions_import(result=parse(content, fmt, **kwargs), source="t")


def render(markup: str) -> str:
    """What a trainee's page shows for stored bank HTML."""
    return Template("{% load bank %}{{ value|bank_html }}").render(
        Context({"value": markup})
    )


# -- GIFT `~=right` ----------------------------------------------------------


def test_gift_tilde_then_equals_is_a_right_answer_as_in_moodle():
    report = imported("::Kopi::Mana yang kopi?{~=Robusta ~Teh ~Cokelat}", "gift")
    q = Question.objects.get(name="Kopi")
    assert q.kind == "single"
    assert [(c.text, c.fraction) for c in q.choices.order_by("sort_order")] == [
        ("<p>Robusta</p>", Decimal(100)),
        ("<p>Teh</p>", Decimal(0)),
        ("<p>Cokelat</p>", Decimal(0)),
    ]
    assert report.notes == []


def test_gift_a_blank_answer_with_a_grade_is_left_out_and_said():
    result = parse("::Kopi::Mana?{~%50%=Robusta#Ya ~Teh}", "gift")
    (q,) = result.questions
    assert [(c.text, c.credit, c.feedback) for c in q.choices] == [
        ("<p>Robusta</p>", Decimal(100), "<p>Ya</p>"),
        ("<p>Teh</p>", Decimal(0), ""),
    ]
    assert result.notes == [
        "Question 'Kopi': answer 1 has no text, so it was left out with its "
        "grade and feedback, as Moodle does."
    ]


# -- sub, sup and tables ------------------------------------------------------


TABLE = (
    '<table border="1" style="width:100%"><tr><th scope="col">Produk</th>'
    "<th>Harga</th></tr><tr><td>Kopi</td><td>Rp15.000</td></tr></table>"
)


@pytest.mark.parametrize("fmt", ["moodle", "gift"])
def test_sub_sup_and_simple_tables_are_kept_and_shown(fmt):
    text = f"<p>Jika x<sup>2</sup> = 4 dan H<sub>2</sub>O cair:</p>{TABLE}"
    if fmt == "moodle":
        content = moodle(choice_question("Rumus", text))
    else:
        escaped = text.replace("=", "\\=")
        content = f"::Rumus::[html]{escaped}{{=Ya ~Tidak}}"
    imported(content, fmt)
    stored = Question.objects.get(name="Rumus").text
    assert stored == (
        "<p>Jika x<sup>2</sup> = 4 dan H<sub>2</sub>O cair:</p><table><tbody><tr>"
        '<th scope="col">Produk</th><th>Harga</th></tr><tr><td>Kopi</td>'
        "<td>Rp15.000</td></tr></tbody></table>"
    )
    assert render(stored) == stored


def test_the_trainee_preview_shows_sub_sup_and_tables(client):
    imported(moodle(choice_question("Rumus", f"<p>x<sup>2</sup></p>{TABLE}")), "moodle")
    q = Question.objects.get(name="Rumus")
    user = trainer()
    user.is_superuser = True
    user.save()
    client.force_login(user)
    page = client.get(reverse("question_preview", args=[q.pk])).content.decode()
    assert "x<sup>2</sup>" in page
    assert "<td>Rp15.000</td>" in page


# -- pictures and sounds -------------------------------------------------------


def picture_file(name: str = "foto.png") -> str:
    return f'<file name="{name}" path="/" encoding="base64">{PNG}</file>'


def test_a_picture_in_feedback_is_named_in_the_report_and_leaves_no_link():
    feedback = (
        '<generalfeedback format="html"><text>'
        + cdata('<p>Lihat <img src="@@PLUGINFILE@@/rak.png" alt="Rak"> ini.</p>')
        + "</text>"
        + picture_file("rak.png")
        + "</generalfeedback>"
    )
    report = imported(moodle(choice_question("Rak", extra=feedback)), "moodle")
    q = Question.objects.get(name="Rak")
    assert q.explanation == "<p>Lihat  ini.</p>"
    assert report.notes == [
        "Question 'Rak': the picture rak.png in the general feedback was left "
        "out: Sinau shows pictures only with the question and its answers."
    ]
    assert not get_image_model().objects.exists()


def test_an_embedded_mp3_leaves_no_dead_link_and_is_named():
    text = (
        '<p>Dengarkan <a href="@@PLUGINFILE@@/salam.mp3">salam ini</a>.</p>'
        '<audio controls><source src="@@PLUGINFILE@@/salam.mp3"></audio>'
    )
    question = choice_question("Salam", text).replace(
        "</text></questiontext>",
        f'</text><file name="salam.mp3" path="/" encoding="base64">{MP3}</file>'
        "</questiontext>",
    )
    report = imported(moodle(question), "moodle")
    q = Question.objects.get(name="Salam")
    assert q.text == "<p>Dengarkan salam ini.</p>"
    assert "PLUGINFILE" not in q.text
    message = (
        "Question 'Salam': the file salam.mp3 in the question text was left out "
        "(Sinau imports only pictures: PNG, JPEG, GIF or WebP); nothing links "
        "to it."
    )
    assert report.notes == [message, message]


def test_a_picture_inside_a_sentence_is_kept_and_its_move_is_said():
    text = '<p>Foto <img src="@@PLUGINFILE@@/kopi.png" alt="Kopi"> ini apa?</p>'
    question = choice_question("Foto", text).replace(
        "</text></questiontext>",
        "</text>" + picture_file("kopi.png") + "</questiontext>",
    )
    report = imported(moodle(question), "moodle")
    q = Question.objects.get(name="Foto")
    assert (q.text, q.image_alt) == ("<p>Foto  ini apa?</p>", "Kopi")
    assert report.notes == [
        "Question 'Foto': the picture kopi.png stood inside the text of the "
        "question text; Sinau shows it after the text."
    ]


def test_legacy_image_base64_becomes_the_question_picture():
    question = choice_question("Lama").replace(
        "<single>",
        f"<image>gambar/lama.png</image><image_base64>{PNG}</image_base64><single>",
    )
    report = imported(moodle(question), "moodle")
    q = Question.objects.get(name="Lama")
    assert (q.image_alt, q.image.width) == ("lama.png", 1)
    assert report.notes == [
        "Question 'Lama': the picture lama.png has no alt text; its file name was "
        "used. Describe the picture in the question bank."
    ]


def test_gift_picture_in_feedback_is_named():
    content = (
        '::Kopi::[html]Mana?{=Ya#<img src\\="data:image/png;base64,'
        + PNG.replace("=", "\\=")
        + '" alt\\="x">Betul ~Tidak}'
    )
    result = parse(content, "gift")
    assert result.questions[0].choices[0].feedback == "<p>Betul</p>"
    assert result.notes == [
        "Question 'Kopi': the picture picture-1.png in the feedback of answer 1 "
        "was left out: Sinau shows pictures only with the question and its "
        "answers."
    ]


# -- keep this order -------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "kept"),
    [("0", True), ("false", True), ("1", False), ("true", False), (None, False)],
)
def test_moodle_shuffleanswers_off_keeps_the_order(value, kept):
    extra = "" if value is None else f"<shuffleanswers>{value}</shuffleanswers>"
    imported(moodle(choice_question("Urut", extra=extra)), "moodle")
    assert Question.objects.get(name="Urut").keep_choice_order is kept


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


# -- big and precise numbers --------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "tolerance"),
    [
        ("100000000", "0"),  # Rp 100 juta
        ("250000000000", "500000"),
        ("3.14159265", "0.00000001"),  # 8 decimals
        ("0.000000000123", "0.000000000001"),
    ],
)
@pytest.mark.parametrize("fmt", ["moodle", "gift"])
def test_big_and_precise_numeric_answers_import_exactly(answer, tolerance, fmt):
    if fmt == "moodle":
        content = moodle(
            '<question type="numerical"><name><text>Harga</text></name>'
            "<questiontext><text>Berapa?</text></questiontext>"
            f'<answer fraction="100"><text>{answer}</text>'
            f"<tolerance>{tolerance}</tolerance></answer></question>"
        )
    else:
        content = f"::Harga::Berapa?{{#{answer}:{tolerance}}}"
    imported(content, fmt)
    row = Choice.objects.get()
    assert (row.number, row.tolerance) == (Decimal(answer), Decimal(tolerance))


# -- combined feedback in exports ---------------------------------------------


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


# -- one bad question does not block the bank ---------------------------------


GIFT_ONE_BAD = (
    "::Baik::Benar?{T}\n\n"
    "::Rusak::Pilih.{=a ~b\n\n"
    '::Bergambar::[html]<img src\\="data:image/png;base64,'
    + PNG.replace("=", "\\=")
    + '" alt\\="Kopi">Apa?{=%33%a ~b}\n\n'
    "::Juga baik::Berapa?{#5}"
)


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


def test_admin_offers_the_rest_and_lists_the_refused(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(trainer())
    url = reverse("questions_import")

    def upload(**extra):
        return client.post(
            url,
            {
                "file": SimpleUploadedFile("bank.txt", GIFT_ONE_BAD.encode()),
                "format": "gift",
                "category": "",
                **extra,
            },
        )

    with translation.override("id"):
        refused = upload()
        assert refused.status_code == 400
        assert "Sebanyak 2 soal lainnya bisa diimpor" in refused.content.decode()
        assert not Question.objects.exists()
        done = upload(skip_unsupported="on")
        assert done.status_code == 302
        page = client.get(done["Location"]).content.decode()
    assert "Ditinggalkan: soal yang berisi kesalahan" in page
    assert "Soal &#x27;Rusak&#x27;: jawabannya tidak ditutup" in page
    assert Question.objects.count() == 2


def test_a_matching_question_kept_in_order_shows_its_items_in_order():
    import random

    from assessments.services import snapshot_for

    items = "".join(
        f"<subquestion><text>Butir {n}</text><answer><text>J{n}</text></answer>"
        "</subquestion>"
        for n in range(8)
    )
    imported(
        moodle(
            '<question type="match"><name><text>Urut</text></name>'
            "<questiontext><text>Pasangkan.</text></questiontext>"
            f"<shuffleanswers>0</shuffleanswers>{items}</question>"
        ),
        "moodle",
    )
    q = Question.objects.get(name="Urut")
    for seed in range(5):
        rng = random.Random(seed)  # noqa: S311 - a test seed
        shown = snapshot_for(q, shuffle_choices=True, rng=rng)
        assert [c["text"] for c in shown["choices"]] == [
            f"<p>Butir {n}</p>" for n in range(8)
        ]
