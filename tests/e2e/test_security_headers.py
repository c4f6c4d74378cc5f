"""The Content-Security-Policy in Chromium: a trainee's pages and the Wagtail
admin as staff use it run without the browser refusing anything (the `page`
fixture fails a test on any violation: `securitypolicyviolation` events and
console reports, in every frame). And on a shared phone, the back button
after log-out does not bring back the last trainee's answers."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from courses.models import Enrollment
from courses.services import enrollment_create, lesson_complete
from lms.certificates.models import Certificate
from lms.certificates.services import certificate_ensure
from lms.cohorts.models import CohortMembership
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, checked_page, log_in
from tests.factories import PASSWORD, UserFactory, trainee
from tests.factories.assessments import question, quiz_in
from tests.factories.cohorts import cohort_with
from tests.factories.courses import course_tree, lessons_of

ESSAY = "Gula aren Bu Siti dijual Rp15.000 per kilo"


@pytest.fixture
def course(site):
    """A course with one lesson and a closing quiz (single choice + essay),
    under the catalogue, with the media collections the image chooser
    needs (the live server's database was emptied)."""
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import Collection

    from courses.seed import course_index_ensure
    from lms.accounts.roles import role_collections_sync

    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    role_collections_sync(group_model=Group, permission_model=Permission)
    course_index_ensure(home=site)
    course = course_tree(title="Jualan Gula Aren", modules=1, lessons=1)
    quiz_in(course, [question("single"), question("essay")], title="Kuis penutup")
    return course


def _certificate(course) -> Certificate:
    """An issued certificate of another trainee who finished `course`."""
    owner = trainee(display_name="Dewi Lestari")
    enrollment_create(user=owner, course=course)
    lesson_complete(user=owner, lesson=lessons_of(course)[0])
    Enrollment.objects.filter(user=owner).update(completed_at=timezone.now())
    certificate, _created = certificate_ensure(
        enrollment=Enrollment.objects.get(user=owner)
    )
    certificate.status = Certificate.Status.ISSUED
    certificate.issued_at = timezone.now()
    certificate.save()
    return certificate


def _log_out(page: Page) -> None:
    page.locator("form[action='/akun/logout/'] button").click()
    page.wait_for_url(re.compile(r"/$"))
    page.axe.check("home after log-out")


def _answer_quiz(page: Page, quiz_url: str, *, submit: bool = True) -> None:
    """Start the quiz, pick the right choice, write the essay, and submit
    (or stay on the essay's page, showing the answer saved)."""
    page.goto(quiz_url)
    page.axe.check("quiz page")
    page.get_by_role("button", name="Mulai kuis").click()
    page.axe.check("question 1")
    page.get_by_label("Satu (benar)", exact=True).check()
    page.get_by_role("button", name="Simpan & lanjut").click()
    page.axe.check("question 2")
    page.locator("textarea[name=text]").fill(ESSAY)
    essay_url = page.url
    page.get_by_role("button", name="Simpan & periksa").click()
    page.axe.check("review")
    if not submit:
        page.goto(essay_url)
        page.axe.check("question 2, answered")
        expect(page.locator("textarea[name=text]")).to_have_value(ESSAY)
        return
    page.get_by_role("button", name="Kumpulkan jawaban saya").click()
    page.axe.check("result")


def test_trainee_pages_and_the_admin_run_under_the_policy(page: Page, course):
    from assessments.models import QuizPage

    quiz = QuizPage.objects.get()
    lesson = lessons_of(course)[0]
    certificate = _certificate(course)
    learner = trainee(phone="+6281234567890", display_name="Siti Aminah")
    enrollment_create(user=learner, course=course)
    UserFactory(is_superuser=True, is_staff=True, phone="+6281234567800")
    cohort = cohort_with(courses=[course])
    CohortMembership.objects.create(cohort=cohort, user=learner)

    # Anyone: sign-up and the certificate verify page.
    page.goto("/akun/signup/")
    page.axe.check("sign-up")
    page.goto(f"/c/{certificate.uuid}/")
    page.axe.check("verify page")
    expect(page.locator("main")).to_contain_text("Dewi Lestari")

    # A trainee: catalogue, course, lesson, quiz, result, Belajarku, profile.
    log_in(page, "081234567890", PASSWORD)
    page.get_by_role("link", name="Kursus").first.click()
    page.axe.check("catalogue")
    page.get_by_role("link", name="Jualan Gula Aren").click()
    page.axe.check("course")
    page.goto(lesson.url)
    page.axe.check("lesson")
    _answer_quiz(page, quiz.url)
    page.goto("/belajarku/")
    page.axe.check("Belajarku")
    page.goto("/akun/profil/")
    page.axe.check("profile")
    _log_out(page)

    # Staff: the Wagtail admin, its preview and image chooser, marking and
    # the cohort dashboard.
    log_in(page, "081234567800", PASSWORD)
    page.goto("/admin/")
    page.axe.check("admin dashboard")
    page.goto(f"/admin/pages/{course.pk}/")
    page.axe.check("page explorer")
    page.goto(f"/admin/pages/{course.pk}/edit/")
    page.axe.check("course editor")
    page.locator("[data-chooser-action-choose]:visible").first.click()
    expect(page.get_by_role("tab", name=re.compile("Unggah", re.I))).to_be_visible()
    page.goto(f"/admin/pages/{lesson.pk}/edit/")
    page.axe.check("lesson editor")
    page.get_by_role("button", name="Pratinjau").first.click()
    preview = page.frame_locator("#w-preview-iframe")
    expect(preview.locator("main h1")).to_contain_text(lesson.title)
    page.goto("/penilaian/")
    page.axe.check("marking queue")
    page.get_by_role("link", name=re.compile("^Nilai")).first.click()
    page.axe.check("marking form")
    expect(page.locator("main")).to_contain_text(ESSAY)
    page.goto(f"/angkatan/{cohort.pk}/")
    page.axe.check("cohort dashboard")
    expect(page.locator("table.bars svg rect").first).to_be_attached()


@pytest.fixture
def phone_page(browser, live_server, site):
    """A page in a Chromium that keeps pages for the back button as phones
    do (Playwright turns the back/forward cache off by default)."""
    phone = browser.browser_type.launch(
        executable_path=CHROMIUM,
        args=CHROMIUM_ARGS,
        ignore_default_args=["--disable-back-forward-cache"],
    )
    try:
        with checked_page(phone, live_server.url) as page:
            yield page
    finally:
        phone.close()


def test_back_after_log_out_does_not_show_the_last_trainees_answers(
    phone_page: Page, course
):
    from assessments.models import QuizPage

    page = phone_page

    learner = trainee(phone="+6281234567890")
    enrollment_create(user=learner, course=course)
    log_in(page, "081234567890", PASSWORD)
    _answer_quiz(page, QuizPage.objects.get().url, submit=False)
    _log_out(page)
    page.go_back(wait_until="commit")  # a page restored from memory never loads
    # Fetched again, signed out: the log-in form, not the cached result.
    expect(page.locator("body")).not_to_contain_text(ESSAY)
    assert "/akun/login/" in page.url
    page.axe.check("after going back")
