"""docs/decisions/0008-accounts-without-email.md to 0012-weight-on-the-wire.md: one
browser test per item at 360 px, axe on every page, and the phone-only recovery journey
end to end."""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from playwright.sync_api import expect
from wagtail.models import GroupPagePermission

from courses.models import CoursePage
from courses.services import enrollment_create
from lms.accounts.roles import TRAINERS
from tests.e2e.test_courses import _heaviest_seed_lesson
from tests.factories import PASSWORD, UserFactory, trainee
from tests.factories.cohorts import cohort_with, provisioned_member
from tests.factories.courses import course_tree, lessons_of

NEW_PASSWORD = "gula-aren-manis-7"


def _course_trainer(course, **fields):
    group = Group.objects.create(name=f"Pelatih {course.pk}")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    for codename in ("add_page", "change_page", "publish_page"):
        GroupPagePermission.objects.create(
            group=group,
            page=course,
            permission=Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            ),
        )
    user = UserFactory(role=TRAINERS, **fields)
    user.groups.add(group)
    return user


def _log_in(page, login, password=PASSWORD):
    page.goto("/akun/login/")
    page.axe.check("login")
    page.get_by_label("Email atau nomor HP").fill(login)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").last.click()
    page.wait_for_url(re.compile(r"/$"))
    page.axe.check("home")


def _log_out(page):
    page.get_by_role("button", name="Keluar").click()
    page.wait_for_load_state("load")
    page.axe.check("after log-out")


# --- 1. Accounts for people without email ----------------------------------


def test_phone_only_trainee_gets_a_password_link_from_their_trainer(page):
    course = course_tree(modules=1, lessons=1, title="Jualan Online")
    bayu = _course_trainer(course, phone="+6281399998888", display_name="Pak Bayu")
    # Her account was made by her cohort's import: no password of her own.
    cohort = cohort_with(courses=[course], teacher=bayu)
    provisioned_member(
        cohort, email=None, phone="+6281311112222", display_name="Siti Aminah"
    )

    # The trainee forgot her password: the reset page tells her what to do.
    page.goto("/akun/password/reset/")
    page.axe.check("forgot password")
    expect(page.get_by_text("Minta ke pelatih Anda")).to_be_visible()
    help_link = page.get_by_role("link", name=re.compile("Hubungi kami"))
    expect(help_link.first).to_have_attribute("href", re.compile(r"^https://wa\.me/"))

    # Her trainer makes a one-time link and sends it by WhatsApp.
    _log_in(page, "0813 9999 8888")
    page.get_by_role("link", name="Akun").click()
    page.axe.check("trainer account")
    page.get_by_role("link", name="Buat tautan kata sandi").click()
    page.axe.check("make a link")
    page.get_by_label("Peserta").select_option(label="Siti Aminah · +6281311112222")
    page.get_by_role("button", name="Buat tautan").click()
    page.axe.check("link ready")
    whatsapp = page.get_by_role("link", name="Kirim lewat WhatsApp")
    href = whatsapp.get_attribute("href")
    assert href.startswith("https://wa.me/6281311112222?text=Halo%20Siti")
    link = page.get_by_label("Atau salin tautannya").input_value()
    assert "/akun/sandi-baru/" in link
    assert link.split("/akun/")[1] in href.replace("%2F", "/")
    _log_out(page)

    # She opens it, sets a password and logs in with her phone number.
    page.goto(link)
    page.axe.check("set a new password")
    page.get_by_label(re.compile(r"^Kata sandi baru:?$")).fill(NEW_PASSWORD)
    page.get_by_label("Kata sandi baru (sekali lagi)").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Simpan kata sandi baru").click()
    page.wait_for_url(re.compile(r"/akun/login/$"))
    page.axe.check("log in after the new password")
    expect(page.get_by_text("Kata sandi baru Anda tersimpan.")).to_be_visible()
    _log_in(page, "0813 1111 2222", NEW_PASSWORD)
    expect(page.get_by_text("Selamat datang di Sinau, Siti Aminah.")).to_be_visible()

    # The link worked once.
    page.goto(link)
    page.axe.check("spent link")
    expect(
        page.get_by_role("heading", name="Tautan ini sudah tidak berlaku")
    ).to_be_visible()


def test_trainee_edits_name_phone_and_email_on_the_account_page(page):
    trainee(email=None, phone="+6281311112222", display_name="Siti")
    _log_in(page, "081311112222")
    page.get_by_role("link", name="Akun").click()
    page.axe.check("account")
    page.get_by_label("Nama Anda").fill("Siti Aminah")
    page.get_by_label("Nomor HP").fill("0813 5555 6666")
    page.get_by_label("Email (boleh dikosongkan)").fill("siti@contoh.id")
    page.get_by_label("Kata sandi Anda saat ini").fill(PASSWORD)
    page.get_by_role("button", name="Simpan data saya").click()
    page.axe.check("account saved")
    expect(page.get_by_text("Data Anda tersimpan.")).to_be_visible()
    expect(page.get_by_label("Nomor HP")).to_have_value("+6281355556666")
    _log_out(page)
    _log_in(page, "siti@contoh.id")


# --- 2. Right words at the right time --------------------------------------


def _error_summary_is_focused_and_links_to_the_field(page, field_label):
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_have_attribute("role", "alert")
    box = summary.bounding_box()
    heading = page.locator("main h1").bounding_box()
    assert box["y"] < heading["y"], "the summary comes before the page heading"
    summary.get_by_role("link").first.click()
    expect(page.get_by_label(re.compile(rf"^{field_label}:?$"))).to_be_focused()


@pytest.mark.parametrize("javascript", [True, False])
def test_form_errors_are_summarised_at_the_top_and_focused(page, javascript):
    trainee(phone="+6281234567890")
    page.goto("/akun/signup/")
    page.axe.check("sign-up", checked_by="this test with javascript")
    page.get_by_label("Nama Anda").fill("Wati")
    page.get_by_label("Nomor HP").fill("0812 3456 7890")
    page.get_by_label(re.compile(r"^Kata sandi:?$")).fill("gula-aren-manis-7")
    page.get_by_label("Kata sandi (sekali lagi)").fill("gula-aren-manis-7")
    page.get_by_role("button", name="Buat akun").last.click()
    page.wait_for_load_state("load")
    page.axe.check("sign-up errors", checked_by="this test with javascript")
    expect(page.locator(".error-summary")).to_contain_text("Nomor HP")
    _error_summary_is_focused_and_links_to_the_field(page, "Nomor HP")


def test_a_new_account_is_welcomed_and_log_in_errors_are_summarised(page):
    trainee(phone="+6281234567890", display_name="Siti Aminah")
    page.goto("/akun/login/")
    page.axe.check("login")
    page.get_by_label("Email atau nomor HP").fill("081234567890")
    page.get_by_label("Kata sandi").fill("bukan-sandinya")
    page.get_by_role("button", name="Masuk").last.click()
    page.axe.check("login error")
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Nomor HP dan/atau kata sandi")
    _log_in(page, "081234567890")
    expect(page.get_by_text("Selamat datang di Sinau, Siti Aminah.")).to_be_visible()
    expect(page.get_by_text("Selamat datang kembali")).to_have_count(0)
    _log_out(page)
    _log_in(page, "081234567890")
    expect(page.get_by_text("Selamat datang kembali, Siti Aminah.")).to_be_visible()


# --- 3. No back-tracking ---------------------------------------------------


def _in_view(page, locator) -> bool:
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    return box is not None and 0 <= box["y"] and box["y"] + box["height"] <= height


def test_mark_as_done_returns_to_the_done_block_with_next_in_reach(page):
    course = course_tree(modules=1, lessons=2)
    lesson = lessons_of(course)[0]
    long_body = "".join(
        f"<p>Paragraf {n} tentang menulis iklan.</p>" for n in range(60)
    )
    lesson.body = [{"type": "paragraph", "value": long_body}]
    lesson.save_revision().publish()
    enrollment_create(user=trainee(phone="+6281234567890"), course=course)
    _log_in(page, "081234567890")
    page.goto(lesson.url)
    page.axe.check("lesson")
    page.get_by_role("button", name="Tandai selesai").click()
    page.wait_for_url(re.compile(r"#selesai$"))
    page.axe.check("lesson done")
    expect(page.get_by_text("Anda sudah menyelesaikan pelajaran ini.")).to_be_visible()
    next_link = page.get_by_role("link", name=re.compile("^Berikutnya"))
    assert _in_view(page, next_link), "Next is on screen after marking done"
    assert page.evaluate("window.scrollY") > 1000, "not back at the top"


def test_language_switch_returns_to_the_switch(page):
    course_tree(modules=1, lessons=1)
    page.goto("/kursus/")
    page.axe.check("catalogue")
    page.get_by_role("button", name="English").click()
    page.wait_for_url(re.compile(r"#bahasa$"))
    page.axe.check("catalogue in English")
    assert _in_view(page, page.get_by_role("button", name="Bahasa Indonesia"))


# --- 4. Language marked up --------------------------------------------------


def test_indonesian_content_is_marked_lang_id_under_an_english_interface(page):
    course = course_tree(modules=1, lessons=1, title="Menulis Caption")
    lesson = lessons_of(course)[0]
    enrollment_create(user=trainee(phone="+6281234567890"), course=course)
    _log_in(page, "081234567890")
    page.get_by_role("button", name="English").click()
    page.axe.check("home in English")
    page.goto("/kursus/")
    page.axe.check("catalogue in English")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("link", name="Menulis Caption")).to_have_attribute(
        "lang", "id"
    )
    page.goto(CoursePage.objects.get().url)
    page.axe.check("course in English")
    expect(page.locator("h1")).to_have_attribute("lang", "id")
    expect(page.locator(".outline__module span").first).to_have_attribute("lang", "id")
    page.goto(lesson.url)
    page.axe.check("lesson in English")
    expect(page.locator("h1")).to_have_attribute("lang", "id")
    expect(page.locator("article.lesson-body")).to_have_attribute("lang", "id")
    expect(page.get_by_role("button", name="Mark as done")).to_be_visible()


# --- 5. Weight on the wire ---------------------------------------------------


# What the server sent, not what the service worker answered from it.
@pytest.mark.parametrize("service_workers", ["block"])
def test_the_heaviest_lesson_page_is_sent_gzipped(page, site):
    trainee(phone="+6281234567890")
    lesson = _heaviest_seed_lesson(site)
    course = CoursePage.objects.ancestor_of(lesson).get()
    enrollment_create(user=trainee(phone="+6281234567899"), course=course)
    _log_in(page, "081234567899")
    response = page.goto(lesson.url)
    page.axe.check("heaviest lesson")
    assert response.headers.get("content-encoding") == "gzip"
    sent = response.request.sizes()["responseBodySize"]
    html = len(response.body())
    assert 0 < sent < html / 2, f"{sent} bytes sent for {html} bytes of HTML"


def test_an_invited_trainee_accepts_on_belajarku(page):
    """An account that existed before an import joins only when its owner
    accepts: the invitation waits on Belajarku, above the courses."""
    from lms.cohorts.models import CohortMembership

    course = course_tree(modules=1, lessons=1, title="Foto Produk")
    cohort = cohort_with(courses=[course], name="Angkatan Bambu")
    dewi = trainee(phone="+6281322223333", display_name="Dewi")
    invitation = CohortMembership.objects.create(
        cohort=cohort, user=dewi, status="invited"
    )
    _log_in(page, "0813 2222 3333")
    page.goto("/angkatan/undangan/")
    page.axe.check("invitations page")
    expect(page.get_by_role("heading", name="Angkatan Bambu")).to_be_visible()
    page.goto("/belajarku/")
    page.axe.check("invitation on Belajarku")
    expect(page.get_by_role("heading", name="Undangan ke angkatan")).to_be_visible()
    page.get_by_role("button", name=re.compile(r"^Terima\W+Angkatan Bambu$")).click()
    expect(page.get_by_text("Anda bergabung dengan Angkatan Bambu")).to_be_visible()
    page.axe.check("after accepting")
    expect(page.get_by_role("link", name="Foto Produk", exact=True)).to_be_visible()
    invitation.refresh_from_db()
    assert invitation.status == "active"
    page.goto("/angkatan/undangan/")
    page.axe.check("no invitations left")
    expect(page.get_by_text("Tidak ada undangan yang menunggu Anda.")).to_be_visible()
