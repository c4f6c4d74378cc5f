"""Trainees are led and taught, on a 360 px phone with axe on every page:
a failed quiz says which questions to read up on (no key), an essay waiting
for a mark leads on to the next step, stopping a course asks first (without
JavaScript too), and status pills stay inside the screen at 200 % text."""

import re

import pytest
from playwright.sync_api import expect

from assessments.demo import attempt_take
from courses.models import LessonPage
from courses.services import enrollment_create, lesson_complete
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, trainee
from tests.factories.assessments import question, quiz_in
from tests.factories.courses import course_tree, lessons_of

PHONE = "+6281234500001"
JS_TEST = "test_a_failed_quiz_and_a_waiting_essay_lead_the_trainee_on"
PILLS_TEST = "test_pills_stay_on_screen_at_200_percent_text"


@pytest.fixture
def journey():
    """A trainee in a course (lesson 1, a quiz, an optional lesson, lesson
    2): a failed quiz of two auto-marked questions, and an essay quiz
    waiting for its mark."""
    user = trainee(phone=PHONE)
    course = course_tree(title="Copywriting Jualan", modules=2, lessons=1)
    first, second = lessons_of(course)
    optional = LessonPage(title="Bacaan tambahan pilihan", slug="tambahan")
    optional.required = False
    optional.estimated_minutes = 5
    first.get_parent().add_child(instance=optional)
    enrollment_create(user=user, course=course)
    lesson_complete(user=user, lesson=first)
    failed_quiz = quiz_in(
        course,
        [question("single", lesson_to_reread=first), question("true_false")],
        title="Kuis AIDA",
    )
    failed = attempt_take(user=user, quiz=failed_quiz, right=False)
    essay_quiz = quiz_in(
        course, [question("essay")], title="Kuis esai", slug="kuis-esai"
    )
    waiting = attempt_take(user=user, quiz=essay_quiz, right=True)
    return {
        "course": course,
        "first": first,
        "second": second,
        "failed": failed,
        "waiting": waiting,
    }


def test_a_failed_quiz_and_a_waiting_essay_lead_the_trainee_on(page, journey):
    log_in(page, PHONE, PASSWORD)
    page.goto(f"/kuis/percobaan/{journey['failed'].pk}/hasil/")
    page.axe.check("failed result")
    expect(page.get_by_role("heading", name="Soal 1: salah (0 / 1)")).to_be_visible()
    assert "Satu (benar)" not in page.content()
    page.get_by_role("link", name=re.compile("^Baca lagi: ")).first.click()
    page.wait_for_url(journey["first"].url)
    page.axe.check("lesson to re-read")

    page.goto(journey["waiting"].quiz.url)
    page.axe.check("quiz waiting for marking")
    expect(page.get_by_text("Menunggu penilaian pelatih").first).to_be_visible()
    # The next step is the failed quiz before it (required, not done).
    page.get_by_role("link", name=re.compile("^Berikutnya: ")).click()
    page.wait_for_url(journey["failed"].quiz.url)
    page.axe.check("next step")

    page.goto(f"/kuis/percobaan/{journey['waiting'].pk}/hasil/")
    page.axe.check("result waiting for marking")
    page.goto("/belajarku/")
    page.axe.check("belajarku")
    expect(page.get_by_text("Menunggu penilaian pelatih:")).to_be_visible()


@pytest.mark.parametrize("javascript", [False])
def test_stopping_a_course_asks_first_without_javascript(page, journey, javascript):
    log_in(page, PHONE, PASSWORD)
    page.goto(journey["course"].url)
    page.axe.check("course", checked_by=JS_TEST)
    page.get_by_role("link", name=re.compile("^Berhenti dari kursus")).click()
    page.axe.check(
        "confirm", checked_by="test_pills_stay_on_screen_at_200_percent_text"
    )
    expect(
        page.get_by_role("heading", name="Berhenti dari kursus ini?")
    ).to_be_visible()
    page.get_by_role("button", name="Ya, berhenti dari kursus ini").click()
    page.wait_for_url(re.compile(re.escape(journey["course"].url)))
    page.axe.check("course after stopping", checked_by=JS_TEST)
    expect(
        page.get_by_text("Kemajuan dan sertifikat Anda tetap tersimpan")
    ).to_be_visible()


OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  const bad = [];
  // An element inside a sideways scroller that itself fits on the screen
  // (the header's links) is reached by scrolling that row, not the page.
  const scrolled = (el) => {
    for (let p = el.parentElement; p; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll') {
        const b = p.getBoundingClientRect();
        return b.left >= -0.5 && b.right <= width + 0.5;
      }
    }
    return false;
  };
  for (const el of document.querySelectorAll('.tag, .mark, .button, button')) {
    if (scrolled(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.width && (r.right > width + 0.5 || r.left < -0.5)) {
      const where = `${Math.round(r.left)}..${Math.round(r.right)}`;
      bad.push(`${el.className}: ${el.textContent.trim()} (${where})`);
    }
  }
  const scroll = document.documentElement.scrollWidth;
  if (scroll > width) bad.push(`page scrolls sideways: ${scroll}px`);
  return bad;
}"""


def _overflowing(page) -> list[str]:
    """Pills, marks and buttons reaching past the 360 px screen, and a page
    that scrolls sideways."""
    return page.evaluate(OVERFLOW_JS)


def test_pills_stay_on_screen_at_200_percent_text(page, journey):
    log_in(page, PHONE, PASSWORD)
    course = journey["course"]
    urls = [
        course.url,
        "/belajarku/",
        journey["waiting"].quiz.url,
        f"/kuis/percobaan/{journey['failed'].pk}/hasil/",
        f"/kursus/{course.pk}/berhenti/",
    ]
    found = {}
    for url in urls:
        page.goto(url)
        page.evaluate("() => { document.documentElement.style.fontSize = '200%'; }")
        page.axe.check(f"{url} at 200% text")
        bad = _overflowing(page)
        if bad:
            found[url] = bad
    assert found == {}
