# ruff: noqa: E501  (expected parse results are long HTML strings)
"""The GIFT parser (assessments/importers/gift.py): the sample files and
small files built here, parsed (no database) and imported into the bank,
checked by the values stored. Messages are checked in English."""

from decimal import Decimal

import pytest

from assessments.importers import ImportFailed, parse
from assessments.models import Question
from tests.assessments.importers.bank_files import (
    choices,
    failure,
    imported,
    load,
    only_question,
    question,
    sample,
    summary,
)

pytestmark = pytest.mark.usefixtures("english")


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


@pytest.mark.django_db
def test_gift_keeps_a_half_credit_choice_at_50():
    load("gift_bank.txt", "gift")
    q = question("Setengah")
    assert q.kind == "single"
    assert choices("Setengah") == [
        ("<p>wrong</p>", Decimal("0.00000"), ""),
        ("<p>half</p>", Decimal("50.00000"), ""),
        ("<p>full</p>", Decimal("100.00000"), "<p>Tepat</p>"),
    ]


@pytest.mark.django_db
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


@pytest.mark.django_db
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


@pytest.mark.django_db
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


@pytest.mark.django_db
def test_gift_numbers_keep_full_precision_and_general_feedback():
    load("gift_bank.txt", "gift")
    q = question("Gravitasi")
    (answer,) = q.choices.all()
    assert str(answer.number.normalize()) == "9.80665"
    assert str(answer.tolerance.normalize()) == "0.00001"
    assert q.text == "<p>Berapa <em>g</em>?</p>"
    assert q.explanation == "<p>g standar.</p>"


@pytest.mark.django_db
def test_gift_true_false_keeps_feedback_per_answer_and_converts_markdown():
    load("gift_bank.txt", "gift")
    q = question("Langit")
    assert q.true_false_answer is True
    assert q.true_feedback == "<p>Benar!</p>"
    assert q.false_feedback == "<p>Salah, lihat ke atas.</p>"
    assert q.text == "<p>Langit itu <strong>biru</strong>.</p>"


@pytest.mark.django_db
def test_gift_short_answer_keeps_each_answer_and_its_credit():
    load("gift_bank.txt", "gift")
    q = question("Dua")
    assert (q.kind, q.case_sensitive) == ("short_answer", False)
    assert choices("Dua") == [
        ("four", Decimal("100"), ""),
        ("4", Decimal("50"), "<p>Angka juga boleh</p>"),
    ]


@pytest.mark.django_db
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


@pytest.mark.django_db
def test_gift_plain_format_is_escaped_and_a_text_without_braces_is_a_description():
    load("gift_bank.txt", "gift")
    q = question("Catatan")
    assert (q.kind, q.points) == ("description", 0)
    assert q.text == "<p>Bagian ini &lt;b&gt;tanpa&lt;/b&gt; nilai.</p>"


@pytest.mark.django_db
def test_gift_grade_moodle_refuses_names_the_question_and_writes_nothing():
    with pytest.raises(ImportFailed) as failed:
        load("gift_bad_grade.txt", "gift")
    assert failed.value.errors == [
        "Question 'Tiga': the answer grade 33% is not one Moodle allows "
        "(e.g. 100, 50, 33.33333, 25, 0, -50)."
    ]
    assert not Question.objects.exists()


@pytest.mark.django_db
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


@pytest.mark.django_db
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


@pytest.mark.django_db
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
