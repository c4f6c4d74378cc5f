"""The marking queue with more work than one page holds, at 360 px: the
pager is a labelled navigation, reachable and usable by keyboard, page 2
lists the rest, and both pages pass axe."""

import re

import pytest
from playwright.sync_api import expect

from courses.services import enrollment_create
from tests.assessments.test_staff_scope import course_trainer
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, trainee
from tests.factories.courses import course_tree
from tests.factories.practice import submission, task_in

TRAINER_PHONE = "+6281234567893"


@pytest.fixture
def crowded(site):
    """55 trainees, each with one version of one task waiting."""
    course = course_tree(title="Foto Produk", modules=1, lessons=1)
    task = task_in(course)
    for n in range(55):
        person = trainee(display_name=f"Peserta {n:02d}")
        enrollment_create(user=person, course=course)
        submission(task, person)
    teacher = course_trainer(course)
    teacher.phone = TRAINER_PHONE
    teacher.save()
    return task


def test_the_queue_pages_by_keyboard_at_360_px(page, crowded):
    log_in(page, TRAINER_PHONE, PASSWORD)
    page.goto("/penilaian/")
    page.axe.check("marking queue, page 1")
    expect(page.get_by_text(re.compile(r"55 tugas praktik menunggu"))).to_be_visible()
    pager = page.get_by_role("navigation", name=re.compile("tugas", re.IGNORECASE))
    expect(pager).to_be_visible()
    expect(pager.locator('[aria-current="page"]')).to_have_text("Halaman 1")
    # No sideways scrolling at 360 px.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    link = pager.get_by_role("link", name="Halaman 2", exact=True)
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"page=2"))
    page.axe.check("marking queue, page 2")
    pager = page.get_by_role("navigation", name=re.compile("tugas", re.IGNORECASE))
    expect(pager.locator('[aria-current="page"]')).to_have_text("Halaman 2")
    assert page.get_by_role("link", name=re.compile(r"^Nilai ")).count() == 5
