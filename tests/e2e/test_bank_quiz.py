"""A quiz with the bank's richer questions
(docs/decisions/0007-moodle-question-bank.md): a question with a picture, a question
whose choices are pictures, a matching question (one select per item) and a short
answer, taken by keyboard alone and again with JavaScript off, 360 px wide, axe-checked
on every page; the review shows the pictures with their alt text and the answers."""

import re

import pytest
import wagtail_factories
from playwright.sync_api import Page, expect

from assessments.models import Choice
from courses.services import enrollment_create
from tests.e2e.conftest import log_in
from tests.e2e.test_quizzes import _focused, _press_on, _tab_to
from tests.factories import PASSWORD, trainee
from tests.factories.assessments import question, quiz_in
from tests.factories.courses import course_tree

JS_TEST = "test_bank_quiz_by_keyboard"


@pytest.fixture
def bank_quiz():
    user = trainee(phone="+6281234567890")
    course = course_tree(title="Foto Produk", modules=1, lessons=1)
    enrollment_create(user=user, course=course)
    photo = wagtail_factories.ImageFactory(title="Kemasan")
    pictured = question(
        "single",
        text="Foto mana yang lebih menjual?",
        image=photo,
        image_alt="Dua foto kemasan kopi berdampingan",
    )
    choices = question("single", text="Pilih foto dengan cahaya alami.")
    for row, alt in zip(
        choices.choices.order_by("sort_order"),
        ["Kopi di dekat jendela", "Kopi dengan lampu kilat", "Kopi di tempat gelap"],
        strict=True,
    ):
        Choice.objects.filter(pk=row.pk).update(text="", image=photo, image_alt=alt)
    quiz = quiz_in(
        course,
        [pictured, choices, question("matching"), question("short_answer")],
        title="Kuis Foto",
        review_policy="after_submit",
    )
    return quiz


class Driver:
    def __init__(self, page: Page, keyboard: bool):
        self.page, self.keyboard = page, keyboard

    def check(self, label: str) -> None:
        self.page.axe.check(label, checked_by=JS_TEST)

    def activate(self, locator) -> None:
        with self.page.expect_navigation():
            if self.keyboard:
                _press_on(self.page, locator)
            else:
                locator.click()

    def choose(self, label: str) -> None:
        radio = self.page.get_by_role("radio", name=label, exact=True)
        if self.keyboard:
            name = radio.get_attribute("name")
            _tab_to(self.page, f"input[type=radio][name='{name}']")
            for _ in range(10):
                if _focused(self.page, radio):
                    break
                self.page.keyboard.press("ArrowDown")
            self.page.keyboard.press("Space")
        else:
            radio.check()
        expect(radio).to_be_checked()

    def match(self, item: str, answer: str) -> None:
        select = self.page.get_by_label(item, exact=True)
        if self.keyboard:
            _press_on(self.page, select, answer[0])
        else:
            select.select_option(label=answer)
        chosen = select.evaluate("s => s.options[s.selectedIndex].text")
        assert chosen == answer

    def type_text(self, text: str) -> None:
        field = self.page.get_by_label("Jawaban Anda", exact=True)
        if self.keyboard:
            _press_on(self.page, field, "End")
            self.page.keyboard.type(text)
        else:
            field.fill(text)


def _journey(page: Page, quiz, *, keyboard: bool) -> None:
    drive = Driver(page, keyboard)
    log_in(page, "081234567890", PASSWORD)
    page.goto(quiz.url)
    drive.check("quiz intro")
    drive.activate(page.get_by_role("button", name="Mulai kuis"))
    drive.check("question with a picture")
    picture = page.get_by_role("img", name="Dua foto kemasan kopi berdampingan")
    expect(picture).to_be_visible()
    assert ".webp" in picture.get_attribute("srcset")
    drive.choose("Satu (benar)")
    drive.activate(page.get_by_role("button", name="Simpan & lanjut"))

    drive.check("choices that are pictures")
    expect(page.get_by_role("img", name="Kopi di tempat gelap")).to_be_visible()
    drive.choose("Kopi di dekat jendela")
    drive.activate(page.get_by_role("button", name="Simpan & lanjut"))

    drive.check("matching")
    expect(page.locator("select")).to_have_count(3)
    drive.match("Beras", "kg")
    drive.match("Minyak", "liter")
    drive.match("Telur", "butir")
    drive.activate(page.get_by_role("button", name="Simpan & lanjut"))

    drive.check("short answer")
    drive.type_text("jakarta")
    drive.activate(page.get_by_role("button", name="Simpan & periksa"))
    drive.check("review before submitting")
    expect(page.get_by_text("Semua soal sudah dijawab.")).to_be_visible()

    drive.activate(page.get_by_role("button", name="Kumpulkan jawaban saya"))
    drive.check("result with review")
    expect(page.get_by_text("100%", exact=True)).to_be_visible()
    expect(
        page.get_by_role("img", name="Dua foto kemasan kopi berdampingan")
    ).to_be_visible()
    expect(page.get_by_role("img", name="Kopi di dekat jendela")).to_be_visible()
    expect(
        page.get_by_text(re.compile(r"Minyak → jawaban Anda: liter"))
    ).to_be_visible()
    expect(page.get_by_text("Jawaban Anda: jakarta.", exact=False)).to_be_visible()


def test_bank_quiz_by_keyboard(page, bank_quiz):
    _journey(page, bank_quiz, keyboard=True)


@pytest.mark.parametrize("javascript", [False])
def test_bank_quiz_without_javascript(page, bank_quiz):
    _journey(page, bank_quiz, keyboard=False)
