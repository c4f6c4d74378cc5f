"""The question-bank import and export pages in the admin, at 360 px,
with axe-core on each page: upload a GIFT file, read the result page,
open the export form."""

from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, trainer

SAMPLES = Path(__file__).parents[1] / "assessments" / "samples"


def test_trainer_imports_a_gift_file_and_reads_the_result(page):
    trainer(phone="+6281234567811")
    log_in(page, "081234567811", PASSWORD)
    page.goto("/admin/bank-soal/impor/")
    page.axe.check("import form")
    page.get_by_label("Berkas").set_input_files(str(SAMPLES / "gift_bank.txt"))
    page.get_by_label("Format").select_option("gift")
    page.get_by_role("button", name="Impor", exact=True).click()
    expect(page.get_by_role("heading", name="10 soal diimpor")).to_be_visible()
    expect(page.get_by_text("Setengah", exact=True)).to_be_visible()
    page.axe.check("import result")
    page.goto("/admin/bank-soal/ekspor/")
    page.axe.check("export form")
