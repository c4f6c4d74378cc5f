"""A trainee finishes a course; a real Celery worker issues the certificate;
the trainee finds it in Sertifikatku, downloads the PDF, and the QR code in
it opens the public verify page. Every page passes axe."""

import re

import pypdfium2
import pytest
import zxingcpp
from playwright.sync_api import expect

from lms.certificates.models import Certificate
from tests.certificates.conftest import wait_for, worker_env
from tests.factories import PASSWORD, trainee
from tests.factories.courses import course_tree
from tests.support.worker import celery_worker

pytestmark = pytest.mark.worker


def _log_in(page, phone):
    page.goto("/akun/login/")
    page.axe.check("login")
    page.get_by_label("Email atau nomor HP").fill(phone)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").last.click()
    page.wait_for_url(re.compile(r"/$"))
    page.axe.check("home")


def test_trainee_finishes_a_course_and_shares_a_verifiable_certificate(
    page, media, public_url
):
    trainee(phone="+6281234567891", display_name="Siti Ñúñez ꦱꦶꦤꦻ")
    course_tree(title="Copywriting Jualan", modules=1, lessons=1)
    env = worker_env(media, SINAU_PUBLIC_URL=public_url)
    with celery_worker(env) as log:
        _log_in(page, "081234567891")
        page.get_by_role("link", name="Kursus").first.click()
        page.axe.check("catalogue")
        page.get_by_role("link", name="Copywriting Jualan").click()
        page.get_by_role("button", name="Daftar gratis").click()
        page.axe.check("course after enrolling")
        page.get_by_role("link", name="Mulai pelajaran pertama").click()
        page.axe.check("lesson")
        page.get_by_role("button", name="Tandai selesai").click()
        page.axe.check("lesson done")
        wait_for(
            lambda: Certificate.objects.filter(status="issued").exists(),
            log=log,
            what="the worker to issue the certificate",
        )
    certificate = Certificate.objects.get()

    page.get_by_role("link", name="Belajarku").click()
    page.axe.check("my learning with a certificate")
    section = page.locator("#sertifikatku")
    expect(section.get_by_role("heading", name="Sertifikatku")).to_be_visible()
    expect(section.get_by_text(certificate.code)).to_be_visible()
    share = section.get_by_role("link", name=re.compile("Bagikan ke WhatsApp"))
    assert share.get_attribute("href").startswith("https://wa.me/?text=")

    download = section.get_by_role("link", name=re.compile("Unduh PDF"))
    response = page.request.get(download.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    bitmap = pypdfium2.PdfDocument(response.body())[0].render(scale=3).to_pil()
    (qr,) = zxingcpp.read_barcodes(bitmap)
    assert qr.text == f"{public_url}/c/{certificate.uuid}/"

    page.goto(qr.text)
    page.axe.check("verify page")
    expect(page.get_by_text("SAH", exact=True)).to_be_visible()
    expect(page.get_by_text("Siti Ñúñez ꦱꦶꦤꦻ")).to_be_visible()
    expect(page.get_by_text("Copywriting Jualan")).to_be_visible()

    page.get_by_role("link", name="Periksa kode lain").click()
    page.axe.check("code form")
    page.get_by_label("Kode sertifikat").fill(certificate.code.lower())
    page.get_by_role("button", name="Periksa").click()
    page.axe.check("verify page from the code")
    assert page.url == f"{public_url}/c/{certificate.uuid}/"


def test_trainee_corrects_the_printed_name(page, media):
    user = trainee(phone="+6281234567892", display_name="Sri Rahayu")
    _log_in(page, "081234567892")
    page.goto("/belajarku/")
    page.axe.check("my learning")
    page.get_by_role("link", name="Perbaiki nama").click()
    page.axe.check("name form")
    page.get_by_label("Nama di sertifikat Anda").fill("Sri Rahayu Ningsih")
    page.get_by_label("Kata sandi Anda").fill("salah-sekali")
    page.get_by_role("button", name="Simpan nama").click()
    page.axe.check("name form with an error")
    expect(page.get_by_text("Kata sandi tidak benar.", exact=True)).to_be_visible()
    page.get_by_label("Kata sandi Anda").fill(PASSWORD)
    page.get_by_role("button", name="Simpan nama").click()
    page.axe.check("my learning after the correction")
    expect(page.get_by_text("Nama Anda tersimpan.")).to_be_visible()
    user.refresh_from_db()
    assert user.display_name == "Sri Rahayu Ningsih"
