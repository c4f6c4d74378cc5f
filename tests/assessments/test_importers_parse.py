# ruff: noqa: E501  (expected parse results are long HTML strings)
"""The question-bank parsers (Moodle XML, GIFT, django-quiz-app JSON).

Plain functions: no database. Messages are checked in English."""

import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation

from assessments.importers import ImportFailed, ParsedQuestion, parse
from assessments.importers.common import category_leaf, clean_html, html_to_text

SAMPLES = Path(__file__).parent / "samples"


@pytest.fixture(autouse=True)
def _english():
    """Messages in English, whatever LANGUAGE_CODE says."""
    with translation.override("en"):
        yield


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


# --------------------------------------------------------------------------
# Moodle XML
# --------------------------------------------------------------------------


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


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ('<p dir="ltr" style="color: red">Halo</p>', "Halo"),
        ("<p>Satu</p><p>Dua</p>", "<p>Satu</p><p>Dua</p>"),
        (
            "<strong>tebal</strong> dan <em>miring</em>",
            "<b>tebal</b> dan <i>miring</i>",
        ),
        (
            '<span class="x">teks</span> <a href="https://x.id">tautan</a>',
            "teks tautan",
        ),
        ("<p>a<script>alert(1)</script>b<style>p{}</style></p>", "ab"),
        ("<div>Baris 1</div><div>Baris 2</div>", "<p>Baris 1</p><p>Baris 2</p>"),
        ("<h3>Judul</h3><p>Isi</p>", "<p>Judul</p><p>Isi</p>"),
        (
            "<ul><li><p>satu</p></li><li>dua</li></ul>",
            "<ul><li>satu</li><li>dua</li></ul>",
        ),
        ("<ol>\n  <li>a</li>\n  <li>b</li>\n</ol>", "<ol><li>a</li><li>b</li></ol>"),
        ("a<br/>b<br>c", "a<br>b<br>c"),
        ("<p>&nbsp;</p><p>Isi&nbsp; saja</p><p></p>", "Isi saja"),
        ("5 &lt; 7 &amp; R&amp;D", "5 &lt; 7 &amp; R&amp;D"),
        ('<p>Gambar: <img src="x.png" alt="x">selesai</p>', "Gambar: selesai"),
        ("<p><b>tidak ditutup", "<b>tidak ditutup</b>"),
        ("teks</i></p> liar", "teks liar"),
        ("<table><tr><td>A</td><td>B</td></tr></table>", "A B"),
    ],
)
def test_clean_html(raw, cleaned):
    assert clean_html(raw) == cleaned


def test_html_to_text():
    assert html_to_text("<p>Bukan, <b>tidak</b> ada&nbsp;&amp; <i>x</i>.</p>") == (
        "Bukan, tidak ada & x."
    )
    assert html_to_text("<p>satu</p><p>dua</p>") == "satu dua"


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


@pytest.mark.parametrize(
    ("path", "leaf"),
    [
        ("$course$/top/Pemasaran Digital/SEO", "SEO"),
        ("$course$/top", ""),
        ("$course$/Default for Kelas A", "Default for Kelas A"),
        ("$system$/top/Iklan//Promosi", "Iklan/Promosi"),
        ("Pemasaran/Media Sosial", "Media Sosial"),
        ("top/top", "top"),
        ("", ""),
    ],
)
def test_category_leaf(path, leaf):
    assert category_leaf(path) == leaf


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


# --------------------------------------------------------------------------
# GIFT
# --------------------------------------------------------------------------


def test_gift_good_file():
    result = parse(sample("gift_good.txt"), "gift", skip_unsupported=True)

    assert result.skipped == []
    assert [summary(q) for q in result.questions] == [
        (
            "single",
            "Kepanjangan SEO",
            "<p>Apa kepanjangan dari SEO?</p>",
            ("Pemasaran Digital", "Dasar Pemasaran"),
            1,
            "<p>SEO adalah upaya agar situs muncul di hasil pencarian organik.</p>",
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
                    "<p>Bukan, istilah ini tidak ada.</p>",
                    None,
                    None,
                    "",
                ),
                ("<p>Sales and Email Outreach</p>", "0", "", None, None, ""),
            ],
        ),
        (
            "single",
            "Rumus CTR",
            "<p>Iklan ditayangkan 2.000 kali dan diklik 50 kali. Rumus CTR yang benar adalah:</p>",
            ("Pemasaran Digital", "Dasar Pemasaran"),
            1,
            "",
            None,
            "",
            [
                ("<p>CTR = klik : tayangan x 100</p>", "100", "", None, None, ""),
                ("<p>CTR = tayangan : klik</p>", "0", "", None, None, ""),
                ("<p>CTR = klik - tayangan</p>", "0", "", None, None, ""),
            ],
        ),
        (
            "single",
            "Tujuan landing page",
            "<p>Apa tujuan utama <strong>landing page</strong>?</p>",
            ("Pemasaran Digital", "Dasar Pemasaran"),
            1,
            "",
            None,
            "",
            [
                (
                    "<p>Mengarahkan pengunjung ke satu tindakan</p>",
                    "100",
                    "",
                    None,
                    None,
                    "",
                ),
                ("<p>Menampilkan semua produk sekaligus</p>", "0", "", None, None, ""),
            ],
        ),
        (
            "matching",
            "Pasangkan istilah iklan",
            "<p>Pasangkan setiap istilah dengan artinya.</p>",
            ("Pemasaran Digital", "Dasar Pemasaran"),
            1,
            "",
            None,
            "",
            [
                (
                    "<p>CTR</p>",
                    "100",
                    "",
                    None,
                    None,
                    "Persentase orang yang mengeklik iklan",
                ),
                ("<p>CPC</p>", "100", "", None, None, "Biaya untuk setiap klik"),
                ("<p>CPM</p>", "100", "", None, None, "Biaya per seribu tayangan"),
            ],
        ),
        (
            "short_answer",
            "Singkatan UMKM",
            "<p>Apa kepanjangan UMKM?</p>",
            ("Pemasaran Digital", "Dasar Pemasaran"),
            1,
            "",
            None,
            "",
            [("Usaha Mikro, Kecil, dan Menengah", "100", "", None, None, "")],
        ),
        (
            "single",
            "Kata yang hilang",
            "<p>Konten yang _____ diunggah membuat akun lebih dipercaya.</p>",
            ("Pemasaran Digital", "Dasar Pemasaran"),
            1,
            "",
            None,
            "",
            [
                ("<p>konsisten</p>", "100", "", None, None, ""),
                ("<p>jarang</p>", "0", "", None, None, ""),
            ],
        ),
        (
            "multiple",
            "Platform media sosial",
            "<p>Manakah yang termasuk platform media sosial? Pilih semua jawaban yang benar.</p>",
            ("Pemasaran Digital", "Media Sosial"),
            1,
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
            "Tagar resmi",
            "<p>Tagar #UMKMNaikKelas hanya boleh dipakai oleh akun pemerintah.</p>",
            ("Pemasaran Digital", "Media Sosial"),
            1,
            "",
            False,
            "",
            [],
        ),
        (
            "true_false",
            "Tagar membantu orang menemukan unggahan bertopik sama.",
            "<p>Tagar membantu orang menemukan unggahan bertopik sama.</p>",
            ("Pemasaran Digital", "Media Sosial"),
            1,
            "<p>Tagar mengelompokkan unggahan.</p>",
            True,
            "",
            [],
        ),
        (
            "numeric",
            "Engagement rate",
            "<p>Sebuah unggahan mendapat 150 interaksi dari 3.000 pengikut. Berapa persen engagement rate-nya?</p>",
            ("Pemasaran Digital", "Media Sosial"),
            1,
            "<p>150 : 3.000 x 100 = 5 persen.</p>",
            None,
            "",
            [("5:0.1", "100", "", "5", "0.1", "")],
        ),
        (
            "numeric",
            "Waktu tonton Reels",
            "<p>Rata-rata waktu tonton video Reels Anda antara 12 dan 18 detik. Berapa detik nilai tengahnya?</p>",
            ("Pemasaran Digital", "Media Sosial"),
            1,
            "",
            None,
            "",
            [("12..18", "100", "", "15", "3", "")],
        ),
        (
            "essay",
            "Rencana konten UMKM",
            "Tuliskan rencana konten satu minggu untuk akun Instagram<br>sebuah UMKM keripik singkong {di desa Anda}.",
            ("Pemasaran Digital", "Media Sosial"),
            1,
            "",
            None,
            "",
            [],
        ),
    ]


def test_gift_broken_file_names_question_3():
    failed = failure(sample("gift_broken.txt"), "gift")

    assert failed.errors == [
        "Question 3 (line 11): the answers are not closed: '}' is missing."
    ]


def test_gift_escapes():
    content = (
        r"::Rumus\: CTR \{x\}::Tanda \~ \= \# \\ dan \{kurung\}\nbaris baru"
        r"{=ya\#1#umpan \= balik ~tidak\~ ~%10%50\%}"
    )
    question = only_question(content, "gift")

    assert question.name == "Rumus: CTR {x}"
    assert question.text == "Tanda ~ = # \\ dan {kurung}<br>baris baru"
    assert [(c.text, c.fraction, c.feedback) for c in question.choices] == [
        ("<p>ya#1</p>", Decimal(100), "<p>umpan = balik</p>"),
        ("<p>tidak~</p>", Decimal(0), ""),
        ("<p>50\\%</p>", Decimal(10), ""),
    ]


@pytest.mark.parametrize(
    ("answers", "value", "tolerance"),
    [
        ("{#2.5:0.1}", "2.5", "0.1"),
        ("{#2.4..2.6}", "2.5", "0.1"),
        ("{#-5..-3}", "-4", "1"),
        ("{#10..10}", "10", "0"),
        ("{#1500}", "1500", "0"),
        ("{#=%50%2:1#hampir =2.5:0.05#tepat ~#salah}", "2.5", "0.05"),
        ("{#\n=2.5\n=%50%3\n}", "2.5", "0"),
    ],
)
def test_gift_numeric(answers, value, tolerance):
    question = only_question("::Angka::Berapa?" + answers, "gift")

    assert question.kind == "numeric"
    assert question.numeric_answer == Decimal(value)
    assert question.numeric_tolerance == Decimal(tolerance)


@pytest.mark.parametrize(
    ("answers", "error"),
    [
        ("{#2,5}", "'2,5' is not a number (use a dot for decimals, e.g. 2.5)."),
        ("{#lima}", "'lima' is not a number (use a dot for decimals, e.g. 2.5)."),
        ("{#3..1}", "the range 3..1 goes from high to low."),
        ("{#2:-1}", "the tolerance -1 is negative."),
        ("{#%50%2}", "no correct answer."),
        ("{#}", "no numeric answer."),
    ],
)
def test_gift_numeric_errors(answers, error):
    assert failure("::Angka::Berapa?" + answers, "gift").errors == [
        f"Question 'Angka': {error}"
    ]


@pytest.mark.parametrize(
    ("answers", "kind", "correct"),
    [
        ("{=a ~b ~c}", "single", [True, False, False]),
        ("{~b =a}", "single", [False, True]),
        ("{~%100%a ~b}", "multiple", [True, False]),
        ("{~%50%a ~%50%b ~%-100%c}", "multiple", [True, True, False]),
        (
            "{~%33.33333%a ~%33.33333%b ~%33.33333%c ~d}",
            "multiple",
            [True, True, True, False],
        ),
    ],
)
def test_gift_choice_kinds(answers, kind, correct):
    question = only_question("Pilih." + answers, "gift")

    assert question.kind == kind
    assert [choice.correct for choice in question.choices] == correct


@pytest.mark.parametrize(
    ("answers", "value"),
    [
        ("{T}", True),
        ("{TRUE}", True),
        ("{F}", False),
        ("{FALSE}", False),
        ("{t}", True),
    ],
)
def test_gift_true_false(answers, value):
    assert only_question("Pernyataan." + answers, "gift").true_false_answer is value


def test_gift_errors_name_the_question_by_title_or_number():
    content = "\n\n".join(
        [
            "::Tanpa jawaban benar::Pilih.{~a ~b}",
            "// komentar",
            "Satu jawaban saja.{=a}{",
            "Kurung tutup dulu } lalu {=a ~b}",
            "::Judul tak ditutup Teks {T}",
            "::Kosong::{=a ~b}",
            "::Jawaban kosong::Pilih.{=a ~}",
            "::Baik::Benar?{T}",
        ]
    )

    assert failure(content, "gift").errors == [
        "Question 'Tanpa jawaban benar': no correct answer.",
        "Question 2 (line 5): more than one answer block; Sinau imports one "
        "'{...}' per question (cloze questions are not supported).",
        "Question 3 (line 7): '}' comes before any '{'.",
        "Question 4 (line 9): the title is not closed with '::'.",
        "Question 'Kosong': the question text is empty.",
        # a blank answer is left out, as Moodle does; one answer is too few
        "Question 'Jawaban kosong': needs at least two answers.",
    ]


def test_gift_missing_word_is_a_choice_and_text_alone_a_description():
    content = (
        "Konten yang {=rutin ~jarang} diunggah.\n\n::Catatan::Hanya teks.\n\nA?{T}"
    )
    missing, description, _true_false = parse(content, "gift").questions

    assert (missing.kind, missing.text) == (
        "single",
        "<p>Konten yang _____ diunggah.</p>",
    )
    assert (description.kind, description.text, description.points) == (
        "description",
        "<p>Hanya teks.</p>",
        0,
    )


def test_gift_category_applies_until_the_next_one():
    content = (
        "A?{T}\n\n$CATEGORY: $course$/top/Iklan\n\nB?{T}\n\n"
        "$CATEGORY: Pemasaran/Media Sosial\nC?{F}"
    )
    result = parse(content, "gift")

    assert [(q.text, q.category_path) for q in result.questions] == [
        ("<p>A?</p>", ()),
        ("<p>B?</p>", ("Iklan",)),
        ("<p>C?</p>", ("Pemasaran", "Media Sosial")),
    ]


def test_gift_plain_format_is_escaped_and_bytes_with_bom_are_accepted():
    content = "\ufeff::Harga::[plain]Harga < Rp10.000 & ongkir?{T}".encode()

    assert only_question(content, "gift").text == (
        "<p>Harga &lt; Rp10.000 &amp; ongkir?</p>"
    )


def test_gift_empty_file_fails():
    assert failure("// hanya komentar\n\n", "gift").errors == [
        "The file contains no questions."
    ]


# --------------------------------------------------------------------------
# django-quiz-app
# --------------------------------------------------------------------------


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
