"""A trainee takes a quiz by keyboard alone: leaves mid-way, resumes,
submits, fails, retakes, passes, and the course progress moves. The same
journey works with JavaScript switched off."""

import re

import pytest
from playwright.sync_api import Page, expect

from courses.models import CoursePage
from courses.services import enrollment_create
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, trainee
from tests.factories.assessments import question, quiz_in
from tests.factories.courses import course_tree

JS_TEST = "test_quiz_by_keyboard_fail_resume_retake_pass"


@pytest.fixture
def quiz_course():
    user = trainee(phone="+6281234567890")
    course = course_tree(title="Copywriting Jualan", modules=1, lessons=1)
    enrollment_create(user=user, course=course)
    quiz = quiz_in(
        course,
        [question("single"), question("true_false"), question("numeric")],
        title="Kuis AIDA",
    )
    return course, quiz


def _tab_to(page: Page, selector: str, limit: int = 80) -> None:
    """Press Tab until the focused element matches the CSS `selector`."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"could not reach {selector} with Tab")


def _focused(page: Page, locator) -> bool:
    return page.evaluate(
        "el => document.activeElement === el", locator.element_handle()
    )


def _press_on(page: Page, locator, key: str = "Enter", limit: int = 80) -> None:
    """Tab (forwards) until `locator` has focus, then press `key`."""
    for _ in range(limit):
        if _focused(page, locator):
            page.keyboard.press(key)
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"could not reach {locator} with Tab")


class Driver:
    """Answers through the keyboard, or by clicking with JavaScript off."""

    def __init__(self, page: Page, keyboard: bool):
        self.page, self.keyboard = page, keyboard

    def check(self, label: str) -> None:
        self.page.axe.check(label, checked_by=JS_TEST)

    def activate(self, locator) -> None:
        """Follow a link or press a button; wait for the next page."""
        with self.page.expect_navigation():
            if self.keyboard:
                _press_on(self.page, locator)
            else:
                locator.click()

    def choose(self, label: str) -> None:
        """Pick a radio button: Tab into its group, arrow keys to it."""
        radio = self.page.get_by_label(label, exact=True)
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

    def type_number(self, text: str) -> None:
        field = self.page.get_by_label("Jawaban Anda")
        if self.keyboard:
            _press_on(self.page, field, "End")
            self.page.keyboard.type(text)
        else:
            field.fill(text)

    def save(self) -> None:
        self.activate(self.page.get_by_role("button", name="Simpan"))
        self.check("after saving")

    def answer_all(self, *, right: bool) -> None:
        self.choose("Satu (benar)" if right else "Dua")
        # Moving by the question numbers keeps the answer just picked.
        self.activate(self.page.get_by_role("button", name=re.compile(r"^2 ")))
        self.check("question 2 by its number")
        expect(
            self.page.get_by_role("button", name=re.compile(r"^1 \(sudah dijawab\)"))
        ).to_be_visible()
        self.choose("Benar" if right else "Salah")
        self.activate(self.page.get_by_role("button", name="Simpan & lanjut"))
        self.check("question 3")
        self.type_number("2,5" if right else "7")
        self.activate(self.page.get_by_role("button", name="Simpan & periksa"))
        self.check("review")


def _journey(page: Page, course: CoursePage, quiz, *, keyboard: bool) -> None:
    drive = Driver(page, keyboard)
    log_in(page, "081234567890", PASSWORD)
    page.goto(course.url)
    drive.check("course")
    expect(page.get_by_text("0 dari 2 selesai (0%)")).to_be_visible()

    page.goto(quiz.url)
    drive.check("quiz intro")
    expect(page.get_by_text("Nilai lulus: 70%")).to_be_visible()
    drive.activate(page.get_by_role("button", name="Mulai kuis"))
    drive.check("question 1")
    expect(page.get_by_role("heading", name="Soal 1 dari 3")).to_be_visible()
    drive.choose("Dua")
    drive.activate(page.get_by_role("button", name="Simpan & lanjut"))
    drive.check("question 2")

    # Leave mid-way, come back later: the attempt resumes where it stopped.
    page.goto("/")
    drive.check("home")
    page.goto(quiz.url)
    drive.check("quiz intro, attempt open")
    drive.activate(page.get_by_role("button", name="Lanjutkan percobaan"))
    drive.check("resumed")
    expect(page.get_by_role("heading", name="Soal 2 dari 3")).to_be_visible()
    drive.choose("Salah")
    drive.activate(page.get_by_role("button", name="Simpan & lanjut"))
    drive.check("question 3")
    drive.type_number("7")
    drive.activate(page.get_by_role("button", name="Simpan & periksa"))
    drive.check("review")
    expect(page.get_by_text("Semua soal sudah dijawab.")).to_be_visible()
    drive.activate(page.get_by_role("button", name="Kumpulkan jawaban saya"))
    drive.check("failed result")
    expect(page.get_by_text("0%", exact=True)).to_be_visible()
    expect(page.get_by_text("Belum lulus")).to_be_visible()

    drive.activate(page.get_by_role("link", name="Kembali ke kuis"))
    drive.check("quiz intro after failing")
    drive.activate(page.get_by_role("button", name="Coba lagi"))
    drive.check("retake")
    drive.answer_all(right=True)
    drive.activate(page.get_by_role("button", name="Kumpulkan jawaban saya"))
    drive.check("passed result")
    expect(page.get_by_text("100%", exact=True)).to_be_visible()
    expect(page.get_by_text("Lulus! Nilai lulusnya 70%.")).to_be_visible()

    drive.activate(page.get_by_role("link", name="Kembali ke kursus"))
    drive.check("course after passing")
    expect(page.get_by_text("1 dari 2 selesai (50%)")).to_be_visible()

    drive.activate(page.get_by_role("link", name="Belajarku"))
    drive.check("my learning with quiz scores")
    expect(page.get_by_role("heading", name="Nilai kuisku per topik")).to_be_visible()
    expect(page.get_by_text("Copywriting: 3 dari 3 poin (100%)")).to_be_visible()


def test_quiz_by_keyboard_fail_resume_retake_pass(page, quiz_course):
    course, quiz = quiz_course
    _journey(page, course, quiz, keyboard=True)


@pytest.mark.parametrize("javascript", [False])
def test_quiz_without_javascript(page, quiz_course):
    course, quiz = quiz_course
    assert page.evaluate("() => navigator.userAgent")  # the page still loads
    _journey(page, course, quiz, keyboard=False)


def test_trainer_marks_an_essay(page, site):
    from assessments.demo import attempt_take
    from courses.seed import course_index_ensure
    from tests.factories import trainer

    course = course_tree(title="Copywriting Jualan", modules=1, lessons=0)
    course_index_ensure(home=site)
    learner = trainee(display_name="Siti Aminah")
    enrollment_create(user=learner, course=course)
    quiz = quiz_in(course, [question("essay", points=4)], title="Kuis Caption")
    attempt_take(user=learner, quiz=quiz, right=True)
    trainer(phone="+6281234567891")
    log_in(page, "081234567891", PASSWORD)
    page.goto("/penilaian/")
    page.axe.check("marking queue")
    page.get_by_role("link", name=re.compile("^Nilai")).first.click()
    page.axe.check("marking form")
    expect(page.get_by_text("Ada masalah, agitasi dan solusi.")).to_be_visible()
    page.get_by_label("Poin").fill("5")
    page.get_by_role("button", name="Simpan nilai").click()
    page.axe.check("marking form with an error")
    expect(page.get_by_role("alert")).to_contain_text("Beri antara 0 dan 4 poin.")
    page.get_by_label("Poin").fill("3,5")
    page.get_by_label("Umpan balik").fill("Bagus. Tambahkan ajakan membeli.")
    page.get_by_role("button", name="Simpan nilai").click()
    page.axe.check("marking queue after marking")
    expect(page.get_by_text("Tidak ada yang perlu dinilai.")).to_be_visible()
    page.goto(quiz.url)
    page.axe.check("quiz page for a trainer")
    page.get_by_role("link", name="Statistik soal").click()
    page.axe.check("question statistics")
    expect(page.get_by_text("Soal essay?")).to_be_visible()
