"""Trainers write questions in the Wagtail admin, one type at a time: the
form shows only that type's fields, refuses a question that could not be
graded with a clear message (nothing saved), and previews the question as
a trainee sees it."""

import re
from decimal import Decimal

import pytest

from assessments.models import Question
from courses.seed import course_index_ensure
from tests.factories import trainee, trainer
from tests.factories.assessments import category, question, quiz_in

pytestmark = pytest.mark.django_db

ADD = "/admin/snippets/assessments/question/add/"


def _form(kind, rows, **extra):
    """POST data for the add form of `kind`; `rows` are dicts of choice
    fields (text, fraction, number, tolerance, match_text, feedback)."""
    data = {
        "category": category().pk,
        "text": "Apa kepanjangan AIDA?",
        "points": "1",
        "choices-TOTAL_FORMS": str(len(rows)),
        "choices-INITIAL_FORMS": "0",
        "choices-MIN_NUM_FORMS": "0",
        "choices-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        for name, value in row.items():
            data[f"choices-{i}-{name}"] = value
        data[f"choices-{i}-ORDER"] = str(i + 1)
    data.update(extra)
    return data


def _add(client, kind, rows, **extra):
    return client.post(f"{ADD}?kind={kind}", _form(kind, rows, **extra))


def test_adding_starts_by_choosing_the_type(client):
    client.force_login(trainer())
    page = client.get(ADD).content.decode()
    for kind in ("single", "short_answer", "matching", "description", "numeric"):
        assert f"?kind={kind}" in page
    assert 'name="text"' not in page


@pytest.mark.parametrize(
    ("kind", "shown", "hidden"),
    [
        (
            "single",
            ["choices-__prefix__-fraction", "choices-__prefix__-image"],
            [
                "true_false_answer",
                "multiple_scoring",
                'name="rubric"',
                "__prefix__-number",
            ],
        ),
        ("multiple", ["multiple_scoring"], ["true_false_answer", "case_sensitive"]),
        (
            "numeric",
            ["choices-__prefix__-number", "choices-__prefix__-tolerance"],
            ["true_false_answer", "__prefix__-match_text", "__prefix__-image"],
        ),
        (
            "short_answer",
            ["case_sensitive", "choices-__prefix__-text"],
            ["__prefix__-number", "true_false_answer", "multiple_scoring"],
        ),
        ("matching", ["choices-__prefix__-match_text"], ["__prefix__-fraction"]),
        ("true_false", ["true_false_answer", "true_feedback"], ["choices-"]),
        ("description", ['name="text"'], ['name="points"', "choices-"]),
    ],
)
def test_the_form_shows_only_the_fields_of_its_type(client, kind, shown, hidden):
    client.force_login(trainer())
    page = client.get(f"{ADD}?kind={kind}").content.decode()
    for name in shown:
        assert name in page, name
    for name in hidden:
        assert name not in page, name


def test_single_choice_with_two_full_credit_answers_and_partial_credit(client):
    client.force_login(trainer())
    response = _add(
        client,
        "single",
        [
            {"text": "Attention", "fraction": "100"},
            {"text": "Perhatian", "fraction": "100"},
            {"text": "Awareness", "fraction": "33.33333"},
            {"text": "Action", "fraction": "-50", "feedback": "Itu **A** terakhir"},
        ],
    )
    assert response.status_code == 302
    q = Question.objects.get()
    assert q.kind == "single"
    assert list(q.choices.values_list("text", "fraction")) == [
        ("<p>Attention</p>", Decimal("100")),
        ("<p>Perhatian</p>", Decimal("100")),
        ("<p>Awareness</p>", Decimal("33.33333")),
        ("<p>Action</p>", Decimal("-50")),
    ]
    assert q.text == "<p>Apa kepanjangan AIDA?</p>"


def test_rich_text_is_sanitised_on_save(client):
    client.force_login(trainer())
    response = _add(
        client,
        "true_false",
        [],
        true_false_answer="true",
        text='<p onclick="x()">Lihat <a href="javascript:alert(1)">ini</a> '
        '<a href="https://sinau.id">dan ini</a></p><script>alert(1)</script>'
        "<ul><li><strong>a</strong></li></ul><pre><code>x = 1</code></pre>",
    )
    assert response.status_code == 302
    text = Question.objects.get().text
    assert "onclick" not in text
    assert "script" not in text
    assert "javascript" not in text
    assert '<a href="https://sinau.id" rel="noopener noreferrer">dan ini</a>' in text
    assert "<ul><li><strong>a</strong></li></ul><pre><code>x = 1</code></pre>" in text


@pytest.mark.parametrize(
    ("kind", "rows", "extra", "message"),
    [
        (
            "single",
            [{"text": "A", "fraction": "50"}, {"text": "B", "fraction": "0"}],
            {},
            "Beri paling sedikit satu pilihan nilai penuh (100%).",
        ),
        (
            "single",
            [{"text": "A", "fraction": "100"}],
            {},
            "Beri paling sedikit dua pilihan.",
        ),
        (
            "multiple",
            [{"text": "A", "fraction": "50"}, {"text": "B", "fraction": "30"}],
            {"multiple_scoring": "partial"},
            "harus berjumlah 100%",
        ),
        (
            "multiple",
            [{"text": "A", "fraction": "0"}, {"text": "B", "fraction": "-50"}],
            {"multiple_scoring": "all_or_nothing"},
            "Beri nilai pada paling sedikit satu pilihan.",
        ),
        (
            "single",
            [{"text": "A", "fraction": "150"}, {"text": "B", "fraction": "100"}],
            {},
            "lebih kecil dari atau sama dengan 100",
        ),
        (
            "ordering",
            [{"text": "A"}, {"text": "B"}],
            {},
            "Beri paling sedikit tiga butir, dalam urutan yang benar.",
        ),
        (
            "numeric",
            [{"number": "9.8", "tolerance": "0.1", "fraction": "50"}],
            {},
            "Beri paling sedikit satu angka yang diterima nilai penuh (100%).",
        ),
        (
            "numeric",
            [{"number": "1" + "0" * 15, "tolerance": "0", "fraction": "100"}],
            {},
            "tidak memiliki lebih dari 15 angka",
        ),
        (
            "numeric",
            [{"number": "1", "tolerance": "-1", "fraction": "100"}],
            {},
            "lebih besar dari atau sama dengan 0",
        ),
        (
            "short_answer",
            [{"text": "Jakarta", "fraction": "50"}],
            {},
            "Beri paling sedikit satu jawaban yang diterima nilai penuh (100%).",
        ),
        (
            "matching",
            [{"text": "Beras", "match_text": "kg"}, {"text": "", "match_text": "m"}],
            {},
            "Beri paling sedikit dua butir dengan jawaban pasangannya.",
        ),
        (
            "matching",
            [{"text": "Beras", "match_text": ""}, {"text": "Air", "match_text": "l"}],
            {},
            "Beri setiap butir jawaban pasangannya.",
        ),
        ("true_false", [], {}, "Katakan apakah pernyataan ini benar."),
    ],
)
def test_question_that_cannot_be_graded_is_refused(client, kind, rows, extra, message):
    client.force_login(trainer())
    response = _add(client, kind, rows, **extra)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Question.objects.exists()


def test_numeric_answers_keep_their_precision(client):
    client.force_login(trainer())
    response = _add(
        client,
        "numeric",
        [
            {"number": "9.80665", "tolerance": "0.00001", "fraction": "100"},
            {"number": "9.8", "tolerance": "0.1", "fraction": "50"},
        ],
        numeric_unit="m/s²",
    )
    assert response.status_code == 302
    q = Question.objects.get()
    assert list(q.choices.values_list("number", "tolerance", "fraction")) == [
        (Decimal("9.80665"), Decimal("0.00001"), Decimal("100")),
        (Decimal("9.8"), Decimal("0.1"), Decimal("50")),
    ]


def test_short_answer_matching_and_description_are_saved(client):
    client.force_login(trainer())
    assert (
        _add(
            client,
            "short_answer",
            [{"text": "Jakarta & <Batavia>", "fraction": "100"}],
            case_sensitive="on",
        ).status_code
        == 302
    )
    short = Question.objects.get(kind="short_answer")
    assert short.case_sensitive
    assert short.choices.get().text == "Jakarta & <Batavia>"  # plain, not HTML
    assert (
        _add(
            client,
            "matching",
            [
                {"text": "Beras", "match_text": "kg"},
                {"text": "Minyak", "match_text": "liter"},
                {"text": "", "match_text": "meter"},
            ],
        ).status_code
        == 302
    )
    matching = Question.objects.get(kind="matching")
    assert list(matching.choices.values_list("text", "match_text")) == [
        ("<p>Beras</p>", "kg"),
        ("<p>Minyak</p>", "liter"),
        ("", "meter"),
    ]
    assert _add(client, "description", [], text="Baca dulu:").status_code == 302
    assert Question.objects.get(kind="description").points == 0


def test_an_image_needs_its_alt_text(client, image_file):
    client.force_login(trainer())
    response = _add(
        client,
        "single",
        [
            {"image": image_file.pk, "fraction": "100"},
            {"text": "B", "fraction": "0"},
        ],
    )
    assert response.status_code == 200
    assert "Jelaskan gambar ini untuk orang yang tidak dapat melihatnya." in (
        response.content.decode()
    )
    assert not Question.objects.exists()
    response = _add(
        client,
        "single",
        [
            {"image": image_file.pk, "image_alt": "Foto kopi", "fraction": "100"},
            {"text": "B", "fraction": "0"},
        ],
        text="",
        image=image_file.pk,
        image_alt="Dua foto produk",
    )
    assert response.status_code == 302
    q = Question.objects.get()
    assert (q.image_id, q.image_alt) == (image_file.pk, "Dua foto produk")
    assert q.choices.first().image_alt == "Foto kopi"


def test_editing_keeps_the_type_and_its_form(client):
    q = question("short_answer")
    client.force_login(trainer())
    page = client.get(f"/admin/snippets/assessments/question/edit/{q.pk}/")
    content = page.content.decode()
    assert page.status_code == 200
    assert "case_sensitive" in content
    assert "true_false_answer" not in content


def test_preview_of_a_saved_question_hides_ids_and_answers(client, image_file):
    q = question("single", image=image_file, image_alt="Foto produk")
    client.force_login(trainer())
    page = client.get(f"/admin/bank-soal/{q.pk}/pratinjau/").content.decode()
    assert "Soal single?" in page
    assert "Satu (benar)" in page
    assert 'alt="Foto produk"' in page
    assert ".webp" in page
    values = re.findall(r'value="([^"]*)"', page)
    pks = {str(pk) for pk in q.choices.values_list("pk", flat=True)}
    assert values
    assert not pks & set(values)
    assert "benar" not in " ".join(values)


def test_live_preview_shows_the_unsaved_form(client):
    client.force_login(trainer())
    url = "/admin/snippets/assessments/question/preview/?kind=matching"
    data = _form(
        "matching",
        [
            {"text": "Beras", "match_text": "kg"},
            {"text": "Minyak", "match_text": "liter"},
        ],
        text="Pasangkan satuannya",
    )
    assert client.post(url, data).json() == {"is_valid": True, "is_available": True}
    page = client.get(url).content.decode()
    assert "Pasangkan satuannya" in page
    assert page.count("<select") == 2
    assert ">liter</option>" in page
    assert not Question.objects.exists()


def test_bank_listing_filters_by_category_tree_type_and_use(client, course):
    from assessments.models import QuestionCategory

    top = QuestionCategory.objects.create(name="Pemasaran")
    child = QuestionCategory.objects.create(name="Foto", parent=top)
    other = QuestionCategory.objects.create(name="Lain")
    in_child = question("single", cat=child, text="Soal anak")
    question("matching", cat=top, text="Soal induk")
    question("single", cat=other, text="Soal lain")
    quiz_in(course, [in_child])
    # A trainer of the course: the listing shows only questions in scope.
    from tests.factories import course_trainer

    client.force_login(course_trainer(course))
    listing = "/admin/snippets/assessments/question/"

    def titles(**params):
        page = client.get(listing, params).content.decode()
        return {t for t in ("Soal anak", "Soal induk", "Soal lain") if t in page}

    assert titles(category=top.pk) == {"Soal anak", "Soal induk"}
    assert titles(category=child.pk) == {"Soal anak"}
    assert titles(kind="matching") == {"Soal induk"}
    assert titles(in_quizzes="yes") == {"Soal anak"}
    assert titles(in_quizzes="no") == {"Soal induk", "Soal lain"}


def test_trainee_cannot_open_the_question_bank(client):
    client.force_login(trainee())
    assert client.get(ADD).status_code == 302
    response = _add(client, "single", [{"text": "A", "fraction": "100"}, {"text": "B"}])
    assert response.status_code == 302
    assert not Question.objects.exists()
    q = question("single")
    assert client.get(f"/admin/bank-soal/{q.pk}/pratinjau/").status_code == 302


def test_regrade_confirmation_page_for_trainers(client, course):
    course_index_ensure(home=course.get_parent().get_parent().specific)
    q = question("single")
    quiz_in(course, [q])
    client.force_login(trainer())
    response = client.get(f"/admin/bank-soal/{q.pk}/nilai-ulang/")
    assert response.status_code == 200
    assert "Nilai ulang sekarang" in response.content.decode()


@pytest.mark.parametrize(
    "extra",
    [{"points": "1001"}, {"text": "Soal\x00"}],
)
def test_points_beyond_the_column_and_nul_are_refused_in_the_admin(client, extra):
    client.force_login(trainer())
    rows = [{"number": "5", "tolerance": "0", "fraction": "100"}]
    response = _add(client, "numeric", rows, **extra)
    assert response.status_code == 200  # the form again, with its errors
    assert not Question.objects.exists()


def test_the_admin_points_limit_is_the_importers():
    from assessments.importers.numbers import MAX_POINTS

    field = Question._meta.get_field("points")
    assert max(v.limit_value for v in field.validators if v.code == "max_value") == (
        MAX_POINTS
    )


def test_questions_are_not_copied_through_the_all_types_form(client):
    q = question("numeric")
    client.force_login(trainer())
    response = client.get(f"/admin/snippets/assessments/question/copy/{q.pk}/")
    assert response.status_code == 404


def test_a_category_cannot_move_under_itself_or_its_subcategory(client):
    from assessments.models import QuestionCategory

    top = QuestionCategory.objects.create(name="Induk")
    child = QuestionCategory.objects.create(name="Anak", parent=top)
    client.force_login(trainer())
    url = f"/admin/snippets/assessments/questioncategory/edit/{top.pk}/"
    for parent in (top, child):
        response = client.post(
            url, {"name": "Induk", "description": "", "parent": parent.pk}
        )
        assert response.status_code == 200  # the form again, with its error
    top.refresh_from_db()
    assert top.parent is None
    response = client.post(
        "/admin/snippets/assessments/questioncategory/add/",
        {"name": "Anak", "description": "Lain", "parent": top.pk},
    )
    assert response.status_code == 200  # a second "Anak" under "Induk"
    assert QuestionCategory.objects.filter(name="Anak").count() == 1
