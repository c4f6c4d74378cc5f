"""The quiz's intro says what the trainee is in for (how many questions,
time, attempts, pass mark), and a question page gives each instruction once."""

import re

import pytest
from django.urls import reverse

from assessments.services import attempt_start
from tests.factories.assessments import category, question, quiz_in

pytestmark = pytest.mark.django_db


def _facts(body: str) -> list[str]:
    block = re.search(r'<ul class="facts">(.*?)</ul>', body, re.S).group(1)
    return [
        " ".join(re.sub(r"<[^>]+>", " ", li).split())
        for li in re.findall(r"<li>(.*?)</li>", block, re.S)
    ]


def test_the_intro_says_how_many_questions_and_the_rules(client, learner, quiz):
    quiz.time_limit_minutes = 15
    quiz.max_attempts = 3
    quiz.save()
    client.force_login(learner)
    facts = _facts(client.get(quiz.url).content.decode())
    assert facts[:4] == [
        "4 soal",
        "Nilai lulus: 70%",
        "Batas waktu: 15 menit",
        "Sisa 3 percobaan",
    ]


def test_the_count_leaves_out_information_items_and_adds_the_random_draw(
    client, learner, course
):
    pool = category("Acak")
    for n in range(5):
        question("single", cat=pool, text=f"Acak {n}?")
    quiz = quiz_in(
        course,
        [question("single"), question("description", text="Baca dulu.")],
        random_category=pool,
        random_count=3,
    )
    client.force_login(learner)
    assert _facts(client.get(quiz.url).content.decode())[0] == "4 soal"
    attempt = attempt_start(user=learner, quiz=quiz)
    asked = attempt.items.exclude(snapshot__kind="description").count()
    assert asked == 4


def test_a_draw_larger_than_its_category_counts_what_it_can_draw(
    client, learner, course
):
    pool = category("Kecil")
    question("single", cat=pool)
    quiz = quiz_in(course, [], random_category=pool, random_count=10)
    client.force_login(learner)
    assert _facts(client.get(quiz.url).content.decode())[0] == "1 soal"


INSTRUCTION = re.compile(r"pilih semua yang benar", re.IGNORECASE)


def _question_page(client, learner, quiz) -> list[str]:
    attempt = attempt_start(user=learner, quiz=quiz)
    client.force_login(learner)
    return [
        client.get(
            reverse("assessments:question", args=[attempt.pk, item.order])
        ).content.decode()
        for item in attempt.items.order_by("order")
    ]


def test_the_choose_all_instruction_is_shown_once(client, learner, course):
    written = question("multiple", text="Mana tanda hoaks? (Pilih semua yang benar)")
    plain = question("multiple", text="Mana tanda hoaks?")
    pages = _question_page(client, learner, quiz_in(course, [written, plain]))
    assert [len(INSTRUCTION.findall(page)) for page in pages] == [1, 1]


def test_every_seeded_multiple_choice_question_gives_the_instruction_once(
    client, learner, course
):
    """The seed curriculum writes the instruction in the question text in
    two ways; every one of its questions shows it once."""
    from assessments.seed import _question_create
    from content.seed.schema import load_seed
    from lms.management.commands.load_initial_data import SEED_DIR

    cat = category("Seed")
    seed = load_seed(SEED_DIR)
    questions = [
        _question_create(q, cat, {})
        for course_data in seed.courses
        for module in course_data["modules"]
        for q in (module.get("quiz") or {}).get("questions", [])
        if q["type"] == "multiple"
    ]
    assert len(questions) >= 10
    pages = _question_page(client, learner, quiz_in(course, questions))
    counts = [len(INSTRUCTION.findall(page)) for page in pages]
    assert counts == [1] * len(questions)
