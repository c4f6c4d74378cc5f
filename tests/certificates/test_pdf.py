"""The certificate PDF: A4 landscape, any Unicode name, fonts embedded and
subset, QR code decoding to the verify URL, under 200 KB."""

import re

import pypdfium2
import pytest
import zxingcpp
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lms.certificates.models import CertificateSettings
from lms.certificates.pdf import certificate_pdf_render, completion_date
from lms.certificates.services import certificate_ensure, certificate_verify_url

from .conftest import completed_enrollment

pytestmark = pytest.mark.django_db

NAMES = [
    "Siti Nurhaliza Ñúñez-Đặng",  # Latin with diacritics
    "ꦱꦶꦤꦻ ꦧꦸꦢꦶ",  # Javanese script
    "Dewi O'Connor d\u2019Arc",  # apostrophes (straight and curly)
]


def _render(name: str, **course_fields) -> tuple[bytes, object]:
    enrollment = completed_enrollment(**course_fields)
    certificate, _created = certificate_ensure(enrollment=enrollment)
    certificate.recipient_name = name
    data = certificate_pdf_render(
        certificate=certificate,
        config=CertificateSettings.load(),
        verify_url=certificate_verify_url(certificate=certificate),
    )
    return data, certificate


@pytest.mark.parametrize("name", NAMES)
def test_pdf_prints_any_unicode_name_with_embedded_subset_fonts(name):
    data, certificate = _render(name)
    document = pypdfium2.PdfDocument(data)
    assert len(document) == 1
    assert [round(v) for v in document[0].get_size()] == [842, 595]  # A4 landscape
    assert len(data) < 200 * 1024
    # Every font is a subset (a six-letter tag before its name) with its
    # TrueType program embedded; no base-14 font is referenced.
    fonts = set(re.findall(rb"/BaseFont /([A-Z]{6}\+[\w-]+)", data))
    assert fonts, data[:2000]
    assert data.count(b"/FontFile2") == len(fonts)
    assert b"/Helvetica" not in data
    assert any(b"NotoSans" in font for font in fonts)
    if "ꦱ" in name:
        assert any(b"Javanese" in font for font in fonts), fonts
    text = pypdfium2.PdfDocument(data)[0].get_textpage().get_text_range()
    assert certificate.code in text
    assert certificate.course.title in text
    if "ꦱ" not in name:  # shaped Javanese text does not round-trip as text
        assert name in text


def test_pdf_qr_code_decodes_to_the_verify_url():
    data, certificate = _render("Budi Santoso")
    bitmap = pypdfium2.PdfDocument(data)[0].render(scale=3).to_pil()
    results = zxingcpp.read_barcodes(bitmap)
    assert [r.text for r in results] == [
        certificate_verify_url(certificate=certificate)
    ]
    assert results[0].format == zxingcpp.BarcodeFormat.QRCode


def test_pdf_shows_the_completion_date_in_indonesian_and_skills():
    data, certificate = _render(
        "Budi Santoso", outcomes="Menulis iklan dengan rumus AIDA\nMembalas chat"
    )
    text = pypdfium2.PdfDocument(data)[0].get_textpage().get_text_range()
    date = completion_date(certificate.completed_at)
    assert date.split()[1] in {
        "Januari",
        "Februari",
        "Maret",
        "April",
        "Mei",
        "Juni",
        "Juli",
        "Agustus",
        "September",
        "Oktober",
        "November",
        "Desember",
    }
    assert f"Diselesaikan pada {date}" in text
    assert "Menulis iklan dengan rumus AIDA" in text


def test_pdf_rendering_reads_no_database_beyond_the_settings():
    _data, certificate = _render("Budi Santoso")
    config = CertificateSettings.load()
    with CaptureQueriesContext(connection) as queries:
        certificate_pdf_render(
            certificate=certificate, config=config, verify_url="http://x/c/1/"
        )
    assert len(queries) == 0
