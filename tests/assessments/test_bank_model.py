"""The bank's shape (docs/decisions/0007-moodle-question-bank.md): out-of-range values
refused, nested categories, random draws from a category and its subcategories, rich
text and images on trainee pages, and the opaque-value rule for the new types."""

import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from assessments.models import Choice, QuestionCategory, category_tree_ids
from assessments.rich_text import html_clean, html_from_markdown
from assessments.services import attempt_start
from tests.factories.assessments import question, quiz_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"fraction": Decimal("100.00001")}, "fraction"),
        ({"fraction": Decimal("-101")}, "fraction"),
        ({"fraction": Decimal("12.123456")}, "fraction"),  # 6 places: not Moodle's
        ({"number": Decimal("1e15")}, "number"),  # 16 digits before the point
        ({"number": Decimal("1." + "0" * 15 + "1")}, "number"),  # 16 places
        ({"number": Decimal("123456789.1234567")}, "number"),  # 16 significant
        ({"number": Decimal(1), "tolerance": Decimal("-0.1")}, "tolerance"),
        ({"number": Decimal(1), "tolerance": Decimal("1e15")}, "tolerance"),
    ],
)
def test_choice_values_out_of_range_are_refused(fields, field):
    q = question("numeric")
    choice = Choice(question=q, **fields)
    with pytest.raises(ValidationError) as error:
        choice.full_clean()
    assert field in error.value.message_dict


def test_the_database_refuses_fractions_and_tolerances_out_of_range():
    q = question("single")
    for fields in ({"fraction": 150}, {"fraction": -150}, {"tolerance": -1}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Choice.objects.create(question=q, text="x", **fields)


def test_precise_numbers_read_back_exactly():
    q = question("numeric", numeric_answer="9.80665", numeric_tolerance="0.00001")
    row = q.choices.get()
    assert (row.number, row.tolerance) == (Decimal("9.80665"), Decimal("0.00001"))
    row = Choice.objects.create(
        question=q, number=Decimal("-99999999.9999999"), tolerance=Decimal(0)
    )
    row.refresh_from_db()
    assert row.number == Decimal("-99999999.9999999")


def test_an_image_needs_alt_text(image_file):
    q = question("single", image=image_file, image_alt="")
    with pytest.raises(ValidationError) as error:
        q.full_clean()
    assert "image_alt" in error.value.message_dict
    choice = Choice(question=q, image=image_file, fraction=100)
    with pytest.raises(ValidationError):
        choice.full_clean()


def test_description_items_have_no_points():
    q = question("description", points=5)
    assert q.points == 0


def test_nested_categories_unique_per_parent():
    a = QuestionCategory.objects.create(name="A")
    b = QuestionCategory.objects.create(name="B")
    a_child = QuestionCategory.objects.create(name="Child", parent=a)
    b_child = QuestionCategory.objects.create(name="Child", parent=b)
    assert a_child.pk != b_child.pk
    assert b_child.path_names() == ["B", "Child"]
    with pytest.raises(IntegrityError), transaction.atomic():
        QuestionCategory.objects.create(name="Child", parent=a)
    with pytest.raises(IntegrityError), transaction.atomic():
        QuestionCategory.objects.create(name="A")  # two top categories named A
    deep = QuestionCategory.objects.create(name="Deep", parent=a_child)
    assert set(category_tree_ids(root_ids=[a.pk])) == {a.pk, a_child.pk, deep.pk}
    assert set(a.descendant_ids()) == {a.pk, a_child.pk, deep.pk}


def test_random_draws_from_subcategories_only_when_the_quiz_says_so(learner, course):
    top = QuestionCategory.objects.create(name="Pemasaran")
    child = QuestionCategory.objects.create(name="Foto", parent=top)
    grandchild = QuestionCategory.objects.create(name="Produk", parent=child)
    question("single", cat=top, text="Atas")
    question("single", cat=child, text="Anak")
    question("single", cat=grandchild, text="Cucu")
    question("description", cat=child, text="Hanya keterangan")
    quiz = quiz_in(course, [], random_category=top, random_count=10)
    attempt = attempt_start(user=learner, quiz=quiz)
    assert [i.snapshot["text"] for i in attempt.items.all()] == ["<p>Atas</p>"]
    attempt.delete()
    quiz.random_include_subcategories = True
    quiz.save()
    attempt = attempt_start(user=learner, quiz=quiz)
    texts = {i.snapshot["text"] for i in attempt.items.all()}
    assert texts == {"<p>Atas</p>", "<p>Anak</p>", "<p>Cucu</p>"}


def test_rich_text_allowlist_and_markdown():
    assert html_clean("Baris satu\nbaris dua\n\nParagraf dua") == (
        "<p>Baris satu<br>baris dua</p><p>Paragraf dua</p>"
    )
    assert html_clean("a < b dan c > d") == "<p>a &lt; b dan c &gt; d</p>"
    cleaned = html_clean('<img src="x" onerror="alert(1)"><iframe></iframe><p>ok</p>')
    assert cleaned == "<p>ok</p>"
    assert html_clean('<a href="mailto:a@b.id" target="_blank">m</a>') == (
        '<a href="mailto:a@b.id" rel="noopener noreferrer">m</a>'
    )
    markdown = html_from_markdown("**Tebal** dan `kode`\n\n- satu\n- dua")
    assert "<strong>Tebal</strong>" in markdown
    assert "<code>kode</code>" in markdown
    assert "<ul>" in markdown
    assert "<li>satu</li>" in markdown


def _page(client, attempt, order=1) -> str:
    url = reverse("assessments:question", args=[attempt.pk, order])
    return client.get(url).content.decode()


def test_matching_and_short_answer_markup_says_nothing_about_the_answer(
    client, learner, course
):
    matching = question("matching")
    short = question("short_answer")
    quiz = quiz_in(course, [matching, short])
    attempt = attempt_start(user=learner, quiz=quiz)
    client.force_login(learner)
    page = _page(client, attempt, 1)
    names = re.findall(r'<select name="([^"]+)"', page)
    values = [v for v in re.findall(r'<option value="([^"]*)"', page) if v]
    pks = {str(pk) for pk in Choice.objects.values_list("pk", flat=True)}
    assert len(names) == 3  # one select per item, not for the extra answer
    assert len(values) == 3 * 4  # every select offers all four answers
    for token in [*names, *values]:
        assert re.fullmatch(r"(match-)?[0-9a-f]{8}", token)
        assert token.removeprefix("match-") not in pks
    item_keys = {n.removeprefix("match-") for n in names}
    assert not item_keys & set(values)  # an item's key is not its answer's
    assert "selected" not in page
    page = _page(client, attempt, 2)
    assert 'name="text"' in page
    assert "Jakarta" not in page
    assert "Batavia" not in page


def test_images_render_as_webp_renditions_with_alt_text(
    client, learner, course, image_file
):
    q = question("single", image=image_file, image_alt="Dua bungkus kopi")
    Choice.objects.filter(question=q, sort_order=0).update(
        image=image_file, image_alt="Kopi bubuk", text=""
    )
    quiz = quiz_in(course, [q])
    attempt = attempt_start(user=learner, quiz=quiz)
    client.force_login(learner)
    page = _page(client, attempt)
    assert 'alt="Dua bungkus kopi"' in page
    assert 'alt="Kopi bubuk"' in page
    assert page.count('loading="lazy"') == 2
    assert ".webp" in page
    assert "srcset=" in page


def test_question_text_is_rendered_as_sanitised_html(client, learner, course):
    q = question("single")
    type(q).objects.filter(pk=q.pk).update(  # as a bulk import might write it
        text="<p>Pilih <strong>satu</strong></p><script>alert(1)</script><img src=x>"
    )
    quiz = quiz_in(course, [q])
    attempt = attempt_start(user=learner, quiz=quiz)
    client.force_login(learner)
    page = _page(client, attempt)
    assert "<p>Pilih <strong>satu</strong></p>" in page
    assert "alert(1)" not in page
    assert "<img src=x" not in page
