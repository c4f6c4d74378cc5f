"""Issue 10 imports: every example of the issue, from small sample files
written from Moodle's XML and GIFT documentation, checked by the values
stored in the bank (not counts)."""

from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from wagtail.images import get_image_model

from assessments.importers import ImportFailed, parse
from assessments.importers.write import questions_import
from assessments.models import Choice, Question, QuestionCategory

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).parent / "samples"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def load(name: str, fmt: str, **kwargs):
    return questions_import(
        result=parse((SAMPLES / name).read_bytes(), fmt), source=name, **kwargs
    )


def question(name: str) -> Question:
    return Question.objects.get(name=name)


def choices(name: str) -> list[tuple]:
    return [
        (c.text, c.fraction, c.feedback)
        for c in question(name).choices.order_by("sort_order")
    ]


def tree() -> set[tuple[str, ...]]:
    return {tuple(c.path_names()) for c in QuestionCategory.objects.all()}


# -- GIFT -------------------------------------------------------------------


def test_gift_keeps_a_half_credit_choice_at_50():
    load("gift_bank.txt", "gift")
    q = question("Setengah")
    assert q.kind == "single"
    assert choices("Setengah") == [
        ("<p>wrong</p>", Decimal("0.00000"), ""),
        ("<p>half</p>", Decimal("50.00000"), ""),
        ("<p>full</p>", Decimal("100.00000"), "<p>Tepat</p>"),
    ]


def test_gift_percentages_without_equals_are_multiple_choice_with_penalties():
    load("gift_bank.txt", "gift")
    q = question("Warna")
    assert q.kind == "multiple"
    assert q.multiple_scoring == "partial"
    assert [c[1] for c in choices("Warna")] == [
        Decimal("100.00000"),
        Decimal("-50.00000"),
        Decimal("-50.00000"),
    ]


def test_gift_text_after_the_closing_brace_is_a_valid_question():
    load("gift_bank.txt", "gift")
    q = question("Pi")
    assert q.kind == "numeric"
    assert q.text == "<p>Pi to 3 dp? _____.</p>"
    (answer,) = q.choices.all()
    assert (answer.number, answer.tolerance, answer.fraction) == (
        Decimal("3.1415000"),
        Decimal("0.0005000"),
        Decimal("100.00000"),
    )


def test_gift_numeric_answers_keep_their_credit_tolerance_and_feedback():
    load("gift_bank.txt", "gift")
    rows = [
        (c.number, c.tolerance, c.fraction, c.feedback, c.text)
        for c in question("Grant").choices.order_by("sort_order")
    ]
    assert rows == [
        (
            Decimal("1822"),
            Decimal("0"),
            Decimal("100"),
            "<p>Correct! Full credit.</p>",
            "",
        ),
        (
            Decimal("1822"),
            Decimal("2"),
            Decimal("50"),
            "<p>He was born in 1822. Half credit for being close.</p>",
            "",
        ),
        (None, Decimal("0"), Decimal("0"), "<p>Not even close.</p>", "*"),
    ]


def test_gift_numbers_keep_full_precision_and_general_feedback():
    load("gift_bank.txt", "gift")
    q = question("Gravitasi")
    (answer,) = q.choices.all()
    assert str(answer.number.normalize()) == "9.80665"
    assert str(answer.tolerance.normalize()) == "0.00001"
    assert q.text == "<p>Berapa <em>g</em>?</p>"
    assert q.explanation == "<p>g standar.</p>"


def test_gift_true_false_keeps_feedback_per_answer_and_converts_markdown():
    load("gift_bank.txt", "gift")
    q = question("Langit")
    assert q.true_false_answer is True
    assert q.true_feedback == "<p>Benar!</p>"
    assert q.false_feedback == "<p>Salah, lihat ke atas.</p>"
    assert q.text == "<p>Langit itu <strong>biru</strong>.</p>"


def test_gift_short_answer_keeps_each_answer_and_its_credit():
    load("gift_bank.txt", "gift")
    q = question("Dua")
    assert (q.kind, q.case_sensitive) == ("short_answer", False)
    assert choices("Dua") == [
        ("four", Decimal("100"), ""),
        ("4", Decimal("50"), "<p>Angka juga boleh</p>"),
    ]


def test_gift_matching_keeps_pairs_and_the_extra_wrong_answer():
    load("gift_bank.txt", "gift")
    rows = [
        (c.text, c.match_text) for c in question("Hewan").choices.order_by("sort_order")
    ]
    assert rows == [
        ("<p>cat</p>", "cat food"),
        ("<p>dog</p>", "dog food"),
        ("", "bird seed"),
    ]


def test_gift_plain_format_is_escaped_and_a_text_without_braces_is_a_description():
    load("gift_bank.txt", "gift")
    q = question("Catatan")
    assert (q.kind, q.points) == ("description", 0)
    assert q.text == "<p>Bagian ini &lt;b&gt;tanpa&lt;/b&gt; nilai.</p>"


def test_gift_grade_moodle_refuses_names_the_question_and_writes_nothing():
    with pytest.raises(ImportFailed) as failed:
        load("gift_bad_grade.txt", "gift")
    assert failed.value.errors == [
        "Question 'Tiga': the answer grade 33% is not one Moodle allows "
        "(e.g. 100, 50, 33.33333, 25, 0, -50)."
    ]
    assert not Question.objects.exists()


def test_gift_and_moodle_xml_category_paths_create_the_same_tree():
    gift = "$CATEGORY: $course$/top/A/Child\n\n::G::Ya? {=ya ~tidak}\n"
    xml = (
        '<?xml version="1.0"?><quiz><question type="category"><category>'
        "<text>$course$/top/A/Child</text></category></question>"
        '<question type="truefalse"><name><text>X</text></name>'
        "<questiontext><text>Ya?</text></questiontext>"
        '<answer fraction="100"><text>true</text></answer>'
        '<answer fraction="0"><text>false</text></answer></question></quiz>'
    )
    questions_import(result=parse(gift, "gift"))
    questions_import(result=parse(xml, "moodle"))
    assert tree() == {("A",), ("A", "Child")}
    assert question("G").category == question("X").category


# -- Moodle XML -----------------------------------------------------------------


def test_moodle_single_choice_keeps_fractions_feedback_and_two_full_answers():
    load("moodle_bank.xml", "moodle")
    q = question("Harga gula semut")
    assert (q.kind, q.points) == ("single", 2)
    assert choices("Harga gula semut") == [
        ("<p>Rp15.000</p>", Decimal("100"), "<p>Sesuai pasar.</p>"),
        ("<p>Rp15.500</p>", Decimal("100"), "<p>Juga sesuai.</p>"),
        ("<p>Rp12.000</p>", Decimal("50"), "<p>Terlalu murah.</p>"),
        ("<p>Rp50.000</p>", Decimal("0"), "<p>Terlalu mahal.</p>"),
    ]
    assert (q.correct_feedback, q.partial_feedback, q.incorrect_feedback) == (
        "<p>Tepat.</p>",
        "<p>Hampir.</p>",
        "<p>Belum tepat.</p>",
    )


def test_moodle_rich_text_is_kept_sanitised():
    load("moodle_bank.xml", "moodle")
    q = question("Harga gula semut")
    assert q.text == (
        "<p>Harga yang pantas untuk <strong>gula semut</strong> 250 g?</p>"
        "<ul><li>bahan</li><li>kemasan</li></ul>"
    )
    assert q.explanation == (
        '<p>Lihat <a href="https://example.org/harga" rel="noopener noreferrer">'
        "daftar harga</a>.</p>"
    )


def test_moodle_multiple_choice_keeps_a_three_way_split_exactly():
    load("moodle_bank.xml", "moodle")
    assert question("Biaya produksi").kind == "multiple"
    assert [c[1] for c in choices("Biaya produksi")] == [
        Decimal("33.33333"),
        Decimal("33.33333"),
        Decimal("33.33333"),
        Decimal("-100"),
    ]


def test_moodle_true_false_keeps_feedback_per_answer():
    load("moodle_bank.xml", "moodle")
    q = question("Diskon selalu untung")
    assert q.true_false_answer is False
    assert q.true_feedback == "<p>Tidak selalu: margin turun.</p>"
    assert q.false_feedback == "<p>Benar, hitung marginnya.</p>"


def test_moodle_numeric_answers_keep_precision_credit_and_catch_all():
    load("moodle_bank.xml", "moodle")
    rows = [
        (c.number, c.tolerance, c.fraction, c.feedback)
        for c in question("Gravitasi").choices.order_by("sort_order")
    ]
    assert rows == [
        (Decimal("9.80665"), Decimal("0.00001"), Decimal("100"), "<p>Tepat.</p>"),
        (Decimal("9.8"), Decimal("0.05"), Decimal("50"), "<p>Dibulatkan.</p>"),
        (None, Decimal("0"), Decimal("0"), "<p>Sekitar 9,8.</p>"),
    ]


def test_moodle_short_answer_keeps_usecase_and_wildcards():
    load("moodle_bank.xml", "moodle")
    q = question("Nama produk")
    assert (q.kind, q.case_sensitive) == ("short_answer", True)
    assert choices("Nama produk") == [
        ("Gula *semut", Decimal("100"), "<p>Ya.</p>"),
        ("gula", Decimal("50"), "<p>Kurang lengkap.</p>"),
    ]


def test_moodle_matching_description_and_essay():
    load("moodle_bank.xml", "moodle")
    rows = [
        (c.text, c.match_text)
        for c in question("Pasangkan istilah").choices.order_by("sort_order")
    ]
    assert rows == [
        ("<p>CTR</p>", "Persentase klik"),
        ("<p>CPC</p>", "Biaya per klik"),
        ("", "Biaya per bulan"),
    ]
    description = question("Petunjuk")
    assert (description.kind, description.points) == ("description", 0)
    assert "<strong>dengan teliti</strong>" in description.text
    assert "<li>soal 1</li>" in description.text
    essay = question("Caption gula aren")
    assert essay.text == "<p>Tulis caption &lt;gula aren&gt; untuk Instagram.</p>"
    assert essay.rubric == "<p>Ada ajakan bertindak.</p>"


def test_moodle_category_tree_descriptions_and_empty_parents():
    load("moodle_bank.xml", "moodle")
    assert tree() == {
        ("Pemasaran",),
        ("Pemasaran", "Harga"),
        ("Pemasaran", "Angka"),
        ("Pemasaran", "Angka", "Fisika"),
        ("Pemasaran", "Kata"),
        ("Foto",),
        ("Foto", "Produk"),
        ("Foto", "Kata"),
    }
    kata = QuestionCategory.objects.filter(name="Kata")
    assert {c.parent.name for c in kata} == {"Pemasaran", "Foto"}
    harga = QuestionCategory.objects.get(name="Harga")
    assert harga.description == "<p>Soal tentang <b>harga</b> produk desa.</p>"
    assert question("Gravitasi").category.path_names() == [
        "Pemasaran",
        "Angka",
        "Fisika",
    ]


def test_moodle_embedded_pictures_become_wagtail_images_with_alt_text():
    report = load("moodle_bank.xml", "moodle")
    q = question("Foto mana")
    assert q.text == ""
    assert q.image.title == "Rak berisi kopi bubuk"
    assert q.image_alt == "Rak berisi kopi bubuk"
    assert (q.image.width, q.image.height) == (1, 1)
    bright, dark = q.choices.order_by("sort_order")
    assert (bright.image_alt, bright.fraction, bright.image.width) == (
        "Foto terang dengan latar putih",
        Decimal("100"),
        2,
    )
    assert dark.image_alt == "gelap.png"
    assert report.notes == [
        "Moodle settings Sinau does not have were not imported (setting: "
        "number of questions): answernumbering: 1, penalty: 1.",
        "Question 'Foto mana': the picture gelap.png has no alt text; its file "
        "name was used. Describe the picture in the question bank.",
    ]
    assert get_image_model().objects.count() == 3


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


def test_the_rest_is_imported_only_when_asked_and_the_skipped_are_reported():
    result = parse(
        (SAMPLES / "moodle_unsupported.xml").read_bytes(),
        "moodle",
        skip_unsupported=True,
    )
    report = questions_import(result=result)
    assert list(Question.objects.values_list("name", flat=True)) == ["Boleh"]
    assert len(report.skipped) == 5


def test_not_utf8_is_translated_and_names_the_question():
    content = (SAMPLES / "gift_latin1.txt").read_bytes()
    with translation.override("id"), pytest.raises(ImportFailed) as failed:
        parse(content, "gift")
    assert failed.value.errors == [
        "Soal 'Kedua', baris 3: berkas bukan teks UTF-8. Simpan sebagai UTF-8 "
        "lalu coba lagi."
    ]


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


def test_a_failed_write_leaves_no_category_and_no_picture(monkeypatch):
    images = get_image_model()

    def refuse(*args, **kwargs):
        raise RuntimeError("database refused")

    monkeypatch.setattr("assessments.importers.write._insert_many", refuse)
    with pytest.raises(RuntimeError):
        load("moodle_bank.xml", "moodle")
    assert not QuestionCategory.objects.exists()
    assert not images.objects.exists()


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


def test_a_fractional_default_grade_is_rounded_up_and_said():
    xml = (
        '<?xml version="1.0"?><quiz><question type="truefalse">'
        "<name><text>Setengah poin</text></name>"
        "<questiontext><text>Ya?</text></questiontext>"
        "<defaultgrade>0.5</defaultgrade>"
        '<answer fraction="100"><text>true</text></answer>'
        '<answer fraction="0"><text>false</text></answer></question></quiz>'
    )
    report = questions_import(result=parse(xml, "moodle"))
    assert question("Setengah poin").points == 1
    assert report.notes == [
        "Question 'Setengah poin': the default grade 0.5 became 1 points."
    ]


def test_gift_question_that_is_only_a_picture_is_valid():
    report = load("gift_pictures.txt", "gift")
    q = question("Foto kopi")
    assert (q.text, q.image_alt, q.image.width) == ("", "Kopi bubuk dalam toples", 1)
    right, wrong = q.choices.order_by("sort_order")
    assert (right.image_alt, right.fraction) == ("Toples kaca", Decimal(100))
    assert (wrong.image_alt, wrong.fraction) == ("picture-1.png", Decimal(0))
    assert report.notes == [
        "Question 'Foto kopi': the picture picture-1.png has no alt text; its "
        "file name was used. Describe the picture in the question bank."
    ]
