"""Home page, language switch and log-in by phone, in a real browser."""

import re

from playwright.sync_api import expect

from tests.factories import PASSWORD, trainee


def test_home_page_is_indonesian_and_accessible(page):
    page.goto("/")
    page.axe.check()
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.get_by_role("link", name="Buat akun gratis")).to_be_visible()
    # The page fits a 360 px screen without sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_skip_link_is_the_first_stop_and_moves_focus_to_main(page):
    page.goto("/")
    page.axe.check()
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Langsung ke isi")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    page.axe.check()
    assert page.evaluate("document.activeElement.id") == "main"


def test_language_switch_to_english_and_back(page):
    page.goto("/")
    page.axe.check()
    page.get_by_role("button", name="English").click()
    page.wait_for_url(re.compile(r"/#bahasa$"))
    page.axe.check()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("link", name="Create a free account")).to_be_visible()
    page.get_by_role("button", name="Bahasa Indonesia").click()
    page.axe.check()
    expect(page.locator("html")).to_have_attribute("lang", "id")


def test_log_in_by_phone_with_local_and_international_forms(page):
    trainee(phone="+6281234567890", display_name="Siti Aminah")
    for typed in ("0812 3456 7890", "+6281234567890"):
        page.goto("/akun/login/")
        page.axe.check("login")
        page.get_by_label("Email atau nomor HP").fill(typed)
        page.get_by_label("Kata sandi").fill(PASSWORD)
        page.get_by_role("button", name="Masuk").last.click()
        page.wait_for_url(re.compile(r"/$"))
        page.axe.check("after login")
        greeting = (
            "Selamat datang di Sinau, Siti Aminah."  # the first log-in ever
            if typed.startswith("0")
            else "Selamat datang kembali, Siti Aminah."
        )
        expect(page.get_by_text(greeting)).to_be_visible()
        page.get_by_role("button", name="Keluar").click()
        page.axe.check("after logout")


def test_wrong_password_shows_an_announced_indonesian_error(page):
    trainee(phone="+6281234567890")
    page.goto("/akun/login/")
    page.axe.check()
    page.get_by_label("Email atau nomor HP").fill("081234567890")
    page.get_by_label("Kata sandi").fill("bukan-sandinya")
    page.get_by_role("button", name="Masuk").last.click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text(
        "Nomor HP dan/atau kata sandi yang Anda masukkan salah."
    )
    page.axe.check("login error")


def test_sign_up_with_a_phone_number_and_account_pages(page):
    page.goto("/akun/signup/")
    page.axe.check("sign-up")
    page.get_by_label("Nama Anda").fill("Wati Lestari")
    page.get_by_label("Nomor HP").fill("0813 2222 3333")
    page.get_by_label(re.compile(r"^Kata sandi:?$")).fill("gula-aren-manis-7")
    page.get_by_label("Kata sandi (sekali lagi)").fill("gula-aren-manis-7")
    page.get_by_role("button", name="Buat akun").last.click()
    page.wait_for_url(re.compile(r"/$"))
    page.axe.check("home after sign-up")
    expect(page.get_by_text("Selamat datang di Sinau, Wati Lestari.")).to_be_visible()
    page.goto("/akun/password/change/")
    page.axe.check("password change")
    page.get_by_role("button", name="Keluar").click()
    page.axe.check("after logout")
    page.goto("/akun/password/reset/")
    page.axe.check("password reset")
