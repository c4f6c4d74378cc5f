"""A password-protected course: Wagtail's password form in Sinau's layout,
usable and axe-clean, then the course once the password is right."""

from playwright.sync_api import expect
from wagtail.models import PageViewRestriction

from tests.factories.courses import course_tree


def test_password_protected_course_asks_for_the_password_then_opens(page):
    course = course_tree(title="Kursus Berkata Sandi", modules=1, lessons=1)
    PageViewRestriction.objects.create(
        page=course, restriction_type="password", password="kopi-desa"
    )
    page.goto(course.url)
    expect(page.get_by_role("heading", name="Perlu kata sandi")).to_be_visible()
    page.axe.check("password form")
    page.get_by_label("Kata sandi").fill("salah")
    page.get_by_role("button", name="Lanjutkan").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Kata sandi yang Anda masukkan salah"
    )
    page.axe.check("password form with an error")
    page.get_by_label("Kata sandi").fill("kopi-desa")
    page.get_by_role("button", name="Lanjutkan").click()
    expect(page.get_by_role("heading", name="Kursus Berkata Sandi")).to_be_visible()
    page.axe.check("course after the password")


def test_not_found_page_is_a_sinau_page(page):
    """What a trainee meets after an old link: Indonesian, with the site's
    header, usable at 360 px and axe-clean (tests/lms/test_error_pages.py
    covers 403, the expired form, 400 and 500)."""
    response = page.goto("/kursus/tautan-lama/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Halaman tidak ditemukan")).to_be_visible()
    expect(page.get_by_role("link", name="Kembali ke beranda")).to_be_visible()
    page.axe.check("page not found")
