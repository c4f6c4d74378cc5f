"""A trainee finds a course, enrols, reads and finishes two lessons, sees the
progress bar move and continues from "Belajarku"; every page passes axe."""

import re

from playwright.sync_api import expect

from content.seed.schema import load_seed
from courses.models import CoursePage, LessonPage
from courses.seed import curriculum_load
from lms.management.commands.load_initial_data import SEED_DIR
from tests.factories import PASSWORD, trainee
from tests.factories.courses import course_tree

LESSON_BUDGET = 60 * 1024  # bytes of HTML + CSS + JS, before compression


def _log_in(page, phone):
    page.goto("/akun/login/")
    page.axe.check()
    page.get_by_label("Email atau nomor HP").fill(phone)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").last.click()
    page.wait_for_url(re.compile(r"/$"))
    page.axe.check()


def _progress(page) -> str:
    return page.locator(".progress__text").first.inner_text()


def test_trainee_journey_through_a_course(page):
    trainee(phone="+6281234567890")
    course_tree(title="Copywriting Jualan", modules=2, lessons=2)
    _log_in(page, "081234567890")

    page.get_by_role("link", name="Kursus").first.click()
    page.axe.check("catalogue")
    page.get_by_role("link", name="Copywriting Jualan").click()
    page.axe.check("course before enrolling")
    page.get_by_role("button", name="Daftar gratis").click()
    page.axe.check("course after enrolling")
    expect(page.get_by_text("0 dari 4 selesai (0%)")).to_be_visible()

    page.get_by_role("link", name="Mulai pelajaran pertama").click()
    page.axe.check("lesson 1")
    first_title = page.locator("h1").inner_text()
    page.get_by_role("button", name="Tandai selesai").click()
    page.axe.check("lesson 1 done")
    expect(page.get_by_text("1 dari 4 selesai (25%)")).to_be_visible()

    page.get_by_role("link", name="Berikutnya").click()
    page.axe.check("lesson 2")
    assert page.locator("h1").inner_text() != first_title
    page.get_by_role("button", name="Tandai selesai").click()
    page.axe.check("lesson 2 done")
    assert _progress(page) == "2 dari 4 selesai (50%)"

    page.get_by_role("link", name="Belajarku").click()
    page.axe.check("my learning")
    expect(page.get_by_text("2 dari 4 selesai (50%)")).to_be_visible()
    page.get_by_role("link", name="Lanjutkan").click()
    page.axe.check("continued lesson")
    third = LessonPage.objects.order_by("path")[2]
    assert page.url.endswith(third.url)


def _heaviest_seed_lesson(site) -> LessonPage:
    """Load the seed course with the longest lesson; return that lesson."""
    seed = load_seed(SEED_DIR)

    def size(lesson):
        return len(str(lesson["body"]))

    course = max(
        seed.courses,
        key=lambda c: max(size(le) for m in c["modules"] for le in m["lessons"]),
    )
    seed.courses, seed.paths = [course], []
    curriculum_load(seed=seed, home=site, report=lambda line: None)
    lessons = LessonPage.objects.descendant_of(
        CoursePage.objects.get(slug=course["slug"])
    )
    return max(lessons, key=lambda lesson: len(str(lesson.body.raw_data)))


def test_seeded_lesson_page_stays_inside_the_page_weight_budget(page, site):
    trainee(phone="+6281234567890")
    lesson = _heaviest_seed_lesson(site)
    course = CoursePage.objects.ancestor_of(lesson).get()
    _log_in(page, "081234567890")
    page.goto(course.url)
    page.axe.check()
    page.get_by_role("button", name="Daftar gratis").click()
    page.axe.check()
    weights = []
    page.on(
        "response",
        lambda r: (
            weights.append(len(r.body()))
            if r.request.resource_type in {"document", "stylesheet", "script"}
            else None
        ),
    )
    page.goto(lesson.url)
    page.wait_for_load_state("load")
    page.axe.check("heaviest seeded lesson")
    expect(page.locator(".lesson-body")).to_be_visible()
    total = sum(weights)
    assert 0 < total < LESSON_BUDGET, f"lesson page weighs {total} bytes"


def test_lesson_is_readable_at_360px_without_sideways_scrolling(page):
    trainee(phone="+6281234567890")
    course_tree(modules=1, lessons=1)
    _log_in(page, "081234567890")
    page.goto("/kursus/")
    page.axe.check()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
