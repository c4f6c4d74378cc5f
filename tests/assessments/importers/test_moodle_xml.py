# ruff: noqa: E501  (expected parse results are long HTML strings)
"""The Moodle XML parser (assessments/importers/moodle_xml.py): the sample
files and small files built here, parsed (no database) and imported into
the bank, checked by the values stored. Messages are checked in English."""

from decimal import Decimal

import pytest
from wagtail.images import get_image_model

from assessments.importers import parse
from assessments.importers.write import questions_import
from assessments.models import Question, QuestionCategory
from tests.assessments.importers.bank_files import (
    PNG,
    TWO_ANSWERS,
    choice_question,
    choices,
    failure,
    imported,
    load,
    moodle,
    moodle_question,
    only_question,
    question,
    sample,
    summary,
    tree,
)

pytestmark = pytest.mark.usefixtures("english")


def test_moodle_good_file():
    result = parse(sample("moodle_good.xml"), "moodle", skip_unsupported=True)

    assert result.skipped == [
        "Question 'Pasangkan istilah iklan' (matching): type not supported."
    ]
    assert [summary(q) for q in result.questions] == [
        (
            "single",
            "Kepanjangan SEO",
            "<p>Apa kepanjangan dari <strong>SEO</strong>?</p>",
            ("Pemasaran Digital", "Dasar Pemasaran"),
            1,
            "<p>SEO adalah upaya agar situs muncul di hasil pencarian <em>organik</em>.</p>",
            None,
            "",
            [
                (
                    "<p>Search Engine Optimization</p>",
                    "100",
                    "<p>Tepat sekali.</p>",
                    None,
                    None,
                    "",
                ),
                (
                    "<p>Social Engagement Online</p>",
                    "0",
                    "<p>Bukan, istilah ini <b>tidak ada</b>.</p>",
                    None,
                    None,
                    "",
                ),
                ("<p>Sales &amp; Email Outreach</p>", "0", "", None, None, ""),
            ],
        ),
        (
            "ordering",
            "Urutan corong pemasaran",
            "<p>Urutkan tahap corong pemasaran (<i>marketing funnel</i>) dari yang paling awal.</p>",
            ("Pemasaran Digital", "Dasar Pemasaran"),
            2,
            "",
            None,
            "",
            [
                ("<p>Kesadaran (awareness)</p>", "0", "", None, None, ""),
                ("<p>Pertimbangan (consideration)</p>", "0", "", None, None, ""),
                ("<p>Pembelian (purchase)</p>", "0", "", None, None, ""),
                ("<p>Loyalitas (loyalty)</p>", "0", "", None, None, ""),
            ],
        ),
        (
            "multiple",
            "Platform media sosial",
            "<p>Manakah yang termasuk platform media sosial?</p><p>Pilih <b>semua</b> jawaban yang benar.</p>",
            ("Pemasaran Digital", "Media Sosial"),
            3,
            "",
            None,
            "",
            [
                ("<p>Instagram</p>", "50", "", None, None, ""),
                ("<p>TikTok</p>", "50", "", None, None, ""),
                (
                    "<p>Microsoft Excel</p>",
                    "-100",
                    "<p>Excel adalah aplikasi lembar kerja.</p>",
                    None,
                    None,
                    "",
                ),
                ("<p>Google Sheets</p>", "-100", "", None, None, ""),
            ],
        ),
        (
            "true_false",
            "Ukuran keberhasilan akun bisnis",
            "<p>Jumlah pengikut adalah <u>satu-satunya</u> ukuran keberhasilan akun bisnis.</p>",
            ("Pemasaran Digital", "Media Sosial"),
            1,
            "<p>Perhatikan juga jangkauan, interaksi, dan penjualan.</p>",
            False,
            "",
            [],
        ),
        (
            "numeric",
            "Engagement rate",
            "<p>Sebuah unggahan mendapat 150 interaksi dari 3.000 pengikut.<br>Berapa persen <i>engagement rate</i>-nya?</p>",
            ("Pemasaran Digital", "Media Sosial"),
            1,
            "<p>150 : 3.000 x 100 = 5 persen.</p>",
            None,
            "",
            [
                (
                    "0.05",
                    "50",
                    "<p>Itu rasionya; jawab dalam persen.</p>",
                    "0.05",
                    "0.001",
                    "",
                ),
                ("5", "100", "<p>Benar.</p>", "5", "0.1", ""),
            ],
        ),
        (
            "essay",
            "Rencana konten UMKM",
            "<p>Tuliskan rencana konten satu minggu untuk akun Instagram sebuah UMKM keripik singkong di desa Anda.</p>",
            ("Pemasaran Digital", "Media Sosial"),
            10,
            "",
            None,
            "<p>Nilai penuh jika:</p>\n<ul>\n  <li>ada minimal lima unggahan,</li>\n  <li>setiap unggahan punya tujuan yang jelas.</li>\n</ul>",
            [],
        ),
    ]


def test_moodle_broken_file_names_the_question_without_a_correct_answer():
    failed = failure(sample("moodle_broken.xml"), "moodle")

    assert failed.errors == ["Question 'Fungsi tagar': no correct answer."]
    assert failed.skipped == []


@pytest.mark.parametrize(
    ("grade", "points"),
    [
        ("<defaultgrade>1.0000000</defaultgrade>", 1),
        ("<defaultgrade>2.5000000</defaultgrade>", 3),
        ("<defaultgrade>2.0000001</defaultgrade>", 3),
        ("<defaultgrade>0.1</defaultgrade>", 1),
        ("<defaultgrade>0</defaultgrade>", 1),
        ("<defaultgrade>7</defaultgrade>", 7),
        ("", 1),
    ],
)
def test_moodle_defaultgrade_rounds_up_to_at_least_one(grade, points):
    question = only_question(
        moodle(moodle_question(body=grade + TWO_ANSWERS)), "moodle"
    )

    assert question.points == points


def test_moodle_defaultgrade_not_a_number():
    body = "<defaultgrade>dua</defaultgrade>" + TWO_ANSWERS
    failed = failure(moodle(moodle_question(name="Nilai", body=body)), "moodle")

    assert failed.errors == [
        "Question 'Nilai': the default grade 'dua' is not a number."
    ]


def test_moodle_escaped_html_without_cdata_is_cleaned():
    text = (
        "&lt;p style=&quot;x&quot;&gt;Apa itu "
        "&lt;strong&gt;CTR&lt;/strong&gt;?&lt;/p&gt;"
    )
    question = only_question(
        moodle(moodle_question(text=text, body=TWO_ANSWERS)), "moodle"
    )

    assert question.text == "<p>Apa itu <strong>CTR</strong>?</p>"


def test_moodle_plain_text_format_is_escaped():
    xml = moodle(
        '<question type="essay"><name><text>Esai</text></name>'
        '<questiontext format="plain_text"><text>Harga &lt; Rp10.000\n'
        "dan R&amp;D?</text></questiontext></question>"
    )

    assert only_question(xml, "moodle").text == (
        "<p>Harga &lt; Rp10.000<br>dan R&amp;D?</p>"
    )


def test_moodle_malformed_xml_names_the_line():
    content = moodle(moodle_question(body=TWO_ANSWERS)).replace("</name>", "</nama>")

    assert failure(content, "moodle").errors == [
        "The file is not valid XML: mismatched tag at line 3, column 55."
    ]


def test_moodle_entities_are_refused():
    content = '<!DOCTYPE quiz [<!ENTITY x "y">]><quiz>&x;</quiz>'

    assert failure(content, "moodle").errors == [
        "The file uses XML entities or external references, which are not allowed."
    ]


def test_moodle_wrong_root():
    assert failure("<questions/>", "moodle").errors == [
        "This is not a Moodle XML file: the root element is <questions>, not <quiz>."
    ]


def test_moodle_unsupported_types_are_all_listed():
    content = moodle(
        moodle_question("description", name="Pengantar"),
        moodle_question("multianswer", name=""),
        moodle_question("calculated", name="Hitung"),
        moodle_question(body=TWO_ANSWERS),
    )

    assert parse(content, "moodle", skip_unsupported=True).skipped == [
        "Question 2 (multianswer): type not supported.",
        "Question 'Hitung' (calculated): type not supported.",
    ]


def test_moodle_only_unsupported_types_fails():
    failed = failure(moodle(moodle_question("matching", name="Pasangkan")), "moodle")

    assert failed.errors == ["The file contains no question of a supported type."]
    assert failed.skipped == ["Question 'Pasangkan' (matching): type not supported."]


def test_moodle_empty_quiz_fails():
    assert failure("<quiz></quiz>", "moodle").errors == [
        "The file contains no questions."
    ]


def test_moodle_every_problem_is_reported():
    content = moodle(
        moodle_question(name="A", body='<answer fraction="0"><text>x</text></answer>'),
        moodle_question("numerical", name="B", body=TWO_ANSWERS),
        moodle_question(
            "truefalse",
            name="C",
            body='<answer fraction="0"><text>true</text></answer>',
        ),
        moodle_question("essay", name="D", text=""),
        moodle_question(name="", body=TWO_ANSWERS.replace("100", "0")),
    )

    assert failure(content, "moodle").errors == [
        "Question 'A': needs at least two answers.",
        "Question 'B': 'Ya' is not a number.",
        "Question 'C': no correct answer.",
        "Question 'D': the question text is empty.",
        "Question 5: no correct answer.",
    ]


def test_moodle_single_choice_correct_only_at_full_grade():
    body = (
        '<single>true</single><answer fraction="100"><text>A</text></answer>'
        '<answer fraction="50"><text>B</text></answer>'
        '<answer fraction="0"><text>  </text></answer>'
    )
    question = only_question(moodle(moodle_question(body=body)), "moodle")

    assert question.kind == "single"
    assert [(c.text, c.fraction) for c in question.choices] == [
        ("<p>A</p>", Decimal(100)),
        ("<p>B</p>", Decimal(50)),
    ]


def test_moodle_unnamed_question_is_named_from_its_text():
    text = (
        "Sebutkan tiga cara sederhana untuk menaikkan jangkauan unggahan akun UMKM desa"
    )
    question = only_question(
        moodle(moodle_question("essay", name="", text=text)), "moodle"
    )

    assert question.name == "Sebutkan tiga cara sederhana untuk menaikkan jangkauan…"


def test_moodle_truefalse_unlabelled_answers_are_true_then_false():
    body = (
        '<answer fraction="0"><text>Benar</text></answer>'
        '<answer fraction="100"><text>Salah</text></answer>'
    )
    question = only_question(moodle(moodle_question("truefalse", body=body)), "moodle")

    assert question.true_false_answer is False


def test_moodle_ordering_follows_the_fraction_positions():
    body = (
        '<answer fraction="2"><text>Kedua</text></answer>'
        '<answer fraction="3"><text>Ketiga</text></answer>'
        '<answer fraction="1"><text>Pertama</text></answer>'
    )
    question = only_question(moodle(moodle_question("ordering", body=body)), "moodle")

    assert [choice.text for choice in question.choices] == [
        "<p>Pertama</p>",
        "<p>Kedua</p>",
        "<p>Ketiga</p>",
    ]


def test_moodle_numerical_without_tolerance():
    body = '<answer fraction="100"><text>-2.50</text></answer>'
    question = only_question(moodle(moodle_question("numerical", body=body)), "moodle")

    assert (question.numeric_answer, question.numeric_tolerance) == (
        Decimal("-2.50"),
        Decimal(0),
    )


@pytest.mark.django_db
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


@pytest.mark.django_db
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


@pytest.mark.django_db
def test_moodle_multiple_choice_keeps_a_three_way_split_exactly():
    load("moodle_bank.xml", "moodle")
    assert question("Biaya produksi").kind == "multiple"
    assert [c[1] for c in choices("Biaya produksi")] == [
        Decimal("33.33333"),
        Decimal("33.33333"),
        Decimal("33.33333"),
        Decimal("-100"),
    ]


@pytest.mark.django_db
def test_moodle_true_false_keeps_feedback_per_answer():
    load("moodle_bank.xml", "moodle")
    q = question("Diskon selalu untung")
    assert q.true_false_answer is False
    assert q.true_feedback == "<p>Tidak selalu: margin turun.</p>"
    assert q.false_feedback == "<p>Benar, hitung marginnya.</p>"


@pytest.mark.django_db
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


@pytest.mark.django_db
def test_moodle_short_answer_keeps_usecase_and_wildcards():
    load("moodle_bank.xml", "moodle")
    q = question("Nama produk")
    assert (q.kind, q.case_sensitive) == ("short_answer", True)
    assert choices("Nama produk") == [
        ("Gula *semut", Decimal("100"), "<p>Ya.</p>"),
        ("gula", Decimal("50"), "<p>Kurang lengkap.</p>"),
    ]


@pytest.mark.django_db
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


@pytest.mark.django_db
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


@pytest.mark.django_db
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


@pytest.mark.django_db
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


@pytest.mark.django_db
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


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value", "kept"),
    [("0", True), ("false", True), ("1", False), ("true", False), (None, False)],
)
def test_moodle_shuffleanswers_off_keeps_the_order(value, kept):
    extra = "" if value is None else f"<shuffleanswers>{value}</shuffleanswers>"
    imported(moodle(choice_question("Urut", extra=extra)), "moodle")
    assert Question.objects.get(name="Urut").keep_choice_order is kept


@pytest.mark.django_db
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
