"""A program manager imports trainees from a spreadsheet, opens the cohort
dashboard, filters to those at risk, opens a trainee and downloads an
export built by a real worker; 360 px wide, axe-checked on every page."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lms.cohorts.models import CohortMembership
from tests.cohorts.test_exports import _worker_env
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, program_manager
from tests.factories.cohorts import cohort_with, trainees_bulk
from tests.factories.courses import course_tree

CSV = (
    "nama,hp,email,desa\n"
    "Siti Aminah,0812 3456 7001,,Batu Ampar\n"
    "Budi,,budi@contoh.id,\n"
)


@pytest.mark.worker
def test_manager_imports_filters_at_risk_and_downloads_an_export(page, tmp_path):
    from tests.support.worker import celery_worker

    manager = program_manager(phone="+6281234567803")
    cohort = cohort_with(
        courses=[course_tree(title="Cakap Digital", modules=1, lessons=2)],
        manager=manager,
        name="Angkatan Batu Ampar",
    )
    (idle,) = trainees_bulk(cohort, 1, prefix="idle")
    CohortMembership.objects.filter(user=idle).update(
        joined_at=timezone.now() - dt.timedelta(days=30)
    )
    log_in(page, "081234567803", PASSWORD)

    page.goto(f"/angkatan/{cohort.pk}/impor/")
    page.axe.check("import form")
    upload = tmp_path / "peserta.csv"
    upload.write_text(CSV)
    page.get_by_label("Lembar kerja (CSV atau XLSX)").set_input_files(str(upload))
    page.get_by_role("button", name="Periksa berkas").click()
    expect(page.get_by_text("Berkas sudah benar")).to_be_visible()
    page.axe.check("import preview")
    page.get_by_role("button", name="Impor 2 peserta").click()
    expect(page.get_by_role("heading", name="Peserta berhasil diimpor")).to_be_visible()
    page.axe.check("import done")
    expect(
        page.get_by_role("link", name=re.compile("Kirim lewat WhatsApp"))
    ).to_have_attribute("href", re.compile(r"^https://wa\.me/6281234567001\?text="))

    page.get_by_role("link", name="Buka dasbor").click()
    expect(page.get_by_role("heading", name="Angkatan Batu Ampar")).to_be_visible()
    page.axe.check("dashboard")
    page.get_by_label("Tampilkan").select_option("at_risk")
    page.get_by_role("button", name="Terapkan").click()
    page.wait_for_url(re.compile(r"show=at_risk"))
    page.axe.check("dashboard at risk")
    matrix = page.locator("table.matrix")
    expect(matrix.get_by_role("link", name=idle.display_name)).to_be_visible()
    expect(matrix.get_by_text("Siti Aminah")).to_have_count(0)
    matrix.get_by_role("link", name=idle.display_name).click()
    expect(page.get_by_role("heading", name=idle.display_name)).to_be_visible()
    page.axe.check("trainee detail")

    page.get_by_role("link", name="Ekspor").first.click()
    page.axe.check("exports")
    page.get_by_label("Laporan").select_option("matrix")
    page.get_by_label("CSV").check()
    with celery_worker(_worker_env()):
        page.get_by_role("button", name="Siapkan berkas").click()
        download_link = page.get_by_role("link", name="Unduh", exact=True)
        expect(download_link).to_be_visible(timeout=60_000)
    page.axe.check("export ready")
    with page.expect_download() as info:
        download_link.click()
    content = Path(info.value.path()).read_text(encoding="utf-8-sig")
    assert "Siti Aminah" in content
    assert idle.display_name in content


def test_table_captions_stay_readable_at_360px(page):
    """A wide table scrolls sideways inside its region; its caption (the
    region's name) stays whole in view, not cut at the screen's edge."""
    manager = program_manager(phone="+6281234567803")
    cohort = cohort_with(
        courses=[
            course_tree(title=f"Kursus dengan judul panjang {n}", modules=1)
            for n in range(4)
        ],
        manager=manager,
        name="Angkatan Batu Ampar",
    )
    trainees_bulk(cohort, 2)
    log_in(page, "081234567803", PASSWORD)
    page.goto(f"/angkatan/{cohort.pk}/")
    page.axe.check("dashboard")
    cut = page.evaluate(
        """() => [...document.querySelectorAll('.table-scroll caption')]
          .filter(c => c.getBoundingClientRect().right
                       > c.closest('.table-scroll').getBoundingClientRect().right + 1)
          .map(c => c.innerText)"""
    )
    assert cut == []


def test_the_password_links_page_fits_360px(page, tmp_path):
    """The links table scrolls inside its region; the hidden "(opens in a
    new tab)" text of its share links must not widen the page."""
    manager = program_manager(phone="+6281234567803")
    cohort = cohort_with(
        courses=[course_tree(title="Cakap Digital", modules=1)],
        manager=manager,
        name="Angkatan Batu Ampar",
    )
    log_in(page, "081234567803", PASSWORD)
    page.goto(f"/angkatan/{cohort.pk}/impor/")
    page.axe.check("import form")
    upload = tmp_path / "peserta.csv"
    upload.write_text(CSV)
    page.get_by_label("Lembar kerja (CSV atau XLSX)").set_input_files(str(upload))
    page.get_by_role("button", name="Periksa berkas").click()
    page.axe.check("import preview")
    page.get_by_role("button", name="Impor 2 peserta").click()
    expect(page.get_by_role("heading", name="Peserta berhasil diimpor")).to_be_visible()
    page.axe.check("import done")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
