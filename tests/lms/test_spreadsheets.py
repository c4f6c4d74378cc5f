"""Spreadsheets Sinau writes keep text exactly (XLSX: typed string cells) or
guard only what a spreadsheet would evaluate (CSV); XLSX files that unpack
into more than Sinau reads are refused before any part is decompressed."""

import csv
import io
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from lms.accounts.models import User
from lms.common.spreadsheets import (
    XLSX_MEMBER_MAX_BYTES,
    SpreadsheetError,
    csv_formula_like,
    csv_write,
    table_read,
    xlsx_check,
    xlsx_write,
)
from tests.factories.cohorts import cohort_with

# Text that is data, not a formula: phone numbers, numbers, names.
DATA = ["+6281234567890", "+62 812-3456-7890", "-5", "-12,5", "0812", "Siti"]
# Text a spreadsheet evaluates when it opens a CSV.
FORMULAS = [
    "=1+1",
    '=HYPERLINK("http://x","y")',
    "@SUM(A1)",
    "+A1",
    "-HYPERLINK(1)",
    "-Ani",
    "+1+1",
    "-2*3",
    "\tx",
    "\rx",
    "\nx",
    "  =1+1",
    "\uff1d1+1",
]


def _csv_cells(values: list) -> list[str]:
    stream = io.BytesIO()
    csv_write(stream, [values])
    text = stream.getvalue().decode("utf-8-sig")
    return next(csv.reader(io.StringIO(text, newline="")))


def test_a_phone_number_is_written_as_it_is_in_xlsx_and_csv():
    stream = io.BytesIO()
    xlsx_write(stream, [["hp"], ["+6281234567890"], ["-Ani"]])
    stream.seek(0)
    sheet = load_workbook(stream).active
    assert sheet["A2"].value == "+6281234567890"
    assert sheet["A2"].data_type == "s"
    assert sheet["A3"].value == "-Ani"
    assert _csv_cells(["+6281234567890", "-5"]) == ["+6281234567890", "-5"]


def test_a_formula_is_a_string_cell_in_xlsx():
    stream = io.BytesIO()
    xlsx_write(stream, [["a"], ["=1+1"], [42]])
    stream.seek(0)
    sheet = load_workbook(stream).active
    assert sheet["A2"].value == "=1+1"
    assert sheet["A2"].data_type == "s"
    assert sheet["A3"].value == 42
    assert sheet["A3"].data_type == "n"
    with zipfile.ZipFile(stream) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml
    assert 't="inlineStr"' in xml


@pytest.mark.parametrize("value", DATA)
def test_csv_leaves_numbers_and_phones_alone(value):
    assert _csv_cells([value]) == [value]


@pytest.mark.parametrize("value", FORMULAS)
def test_csv_guards_what_a_spreadsheet_evaluates(value):
    assert _csv_cells([value]) == ["'" + value]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(), min_size=1, max_size=4))
def test_any_text_round_trips_through_xlsx_exactly(values):
    stream = io.BytesIO()
    xlsx_write(stream, [values])
    assert list(_read_exact(stream.getvalue())) == [tuple(values)]


def _read_exact(data: bytes):
    from lms.common.spreadsheets import _xlsx_rows

    for row in _xlsx_rows(data, max_row=1000):
        yield tuple("" if v is None else v for v in row)


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_no_csv_cell_starts_a_formula(value):
    (cell,) = _csv_cells([value])
    assert not csv_formula_like(cell)
    # What is not guarded is exactly what was given.
    assert cell == value or cell == "'" + value


# -- XLSX bombs ----------------------------------------------------------------


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006"
PARTS = {
    "[Content_Types].xml": (
        f'<Types xmlns="{PKG}/content-types">'
        '<Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        f'<Relationships xmlns="{PKG}/relationships"><Relationship Id="rId1" '
        f'Type="{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets>'
        '<sheet name="peserta" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{PKG}/relationships">'
        f'<Relationship Id="rId1" Type="{RELS}/worksheet" '
        'Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{RELS}/sharedStrings" '
        'Target="sharedStrings.xml"/></Relationships>'
    ),
    "xl/worksheets/sheet1.xml": (
        f'<worksheet xmlns="{MAIN}"><sheetData>'
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
        '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" t="s"><v>3</v></c></row>'
        "</sheetData></worksheet>"
    ),
}


def _bomb(unpacked: int) -> bytes:
    """A real XLSX (a header row and one trainee) whose shared-strings part
    holds the trainee's name as one string of `unpacked` bytes: a few hundred
    KB on disk (deflate packs about 1,000 to 1)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in PARTS.items():
            archive.writestr(name, text)
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(
                f'<sst xmlns="{MAIN}" count="4" uniqueCount="4"><si><t>nama</t>'
                "</si><si><t>hp</t></si><si><t>".encode()
            )
            chunk = b"A" * (1024 * 1024)
            for _ in range(unpacked // len(chunk)):
                part.write(chunk)
            part.write(b"</t></si><si><t>081234567890</t></si></sst>")
    return out.getvalue()


def test_the_bomb_is_a_readable_xlsx_when_small():
    rows = table_read(SimpleUploadedFile("b.xlsx", _bomb(1024 * 1024)), max_rows=9)
    assert [(r["nama"][:3], len(r["nama"]), r["hp"]) for r in rows] == [
        ("AAA", 1024 * 1024, "081234567890")
    ]


@pytest.fixture(scope="module")
def bomb() -> bytes:
    data = _bomb(XLSX_MEMBER_MAX_BYTES + 8 * 1024 * 1024)
    assert len(data) < 500 * 1024
    return data


def test_an_xlsx_bomb_is_refused_before_it_is_unpacked(bomb):
    tracemalloc.start()
    try:
        with pytest.raises(SpreadsheetError) as caught:
            table_read(SimpleUploadedFile("b.xlsx", bomb), max_rows=10)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "MB" in caught.value.refusal
    assert peak < 8 * 1024 * 1024


def test_xlsx_check_passes_an_ordinary_file():
    stream = io.BytesIO()
    xlsx_write(stream, [["nama"], ["Siti"]])
    xlsx_check(stream.getvalue())


@pytest.mark.django_db
def test_the_cohort_import_refuses_an_xlsx_bomb_in_indonesian(client, home, bomb):
    cohort = cohort_with()
    client.force_login(cohort.managers.get())
    before = User.objects.count()
    response = client.post(
        reverse("cohorts:import", args=[cohort.pk]),
        {"file": SimpleUploadedFile("peserta.xlsx", bomb)},
        HTTP_ACCEPT_LANGUAGE="id",
    )
    assert response.status_code in (200, 400)
    assert "berkas xlsx ini" in response.content.decode().lower()
    assert User.objects.count() == before


def test_a_sheet_longer_than_the_bound_is_refused_however_blank():
    """The kind of the XFD1048576 workbook, in CSV: blank lines past
    max_rows + TABLE_BLANK_ROWS are not walked one by one."""
    from lms.common.spreadsheets import TABLE_BLANK_ROWS, SpreadsheetError

    text = "nama,hp\nSiti,0812\n" + "\n" * (10 + TABLE_BLANK_ROWS) + "Budi,0813\n"
    with pytest.raises(SpreadsheetError, match="too many rows"):
        table_read(SimpleUploadedFile("p.csv", text.encode()), max_rows=10)
    wide = "nama," + ",".join(f"k{i}" for i in range(5000)) + "\nSiti\n"
    rows = table_read(SimpleUploadedFile("w.csv", wide.encode()), max_rows=10)
    assert len(rows[0]) == 64 + 1  # the first 64 columns and "_row"
