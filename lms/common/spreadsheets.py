"""Spreadsheets Sinau reads (imports) and writes (exports).

Formula injection (OWASP "CSV injection") is handled per format:

- XLSX cells are typed: text is written as an inline string cell (`t="inlineStr"`),
  which Excel, LibreOffice and Google Sheets never evaluate, so text is stored
  exactly as given (`+62812…`, `-Ani`, even `=1+1`). Characters XML cannot hold
  (control characters) and literal `_xHHHH_` sequences are escaped the OOXML way
  (`_x0001_`, `_x005F_`), which `xlsx`-reading programs, and `table_read`, decode.
- CSV has no types, so a cell gets a leading apostrophe only where a spreadsheet
  would evaluate it (`csv_cell`): text starting (after leading spaces) with `=`,
  `@`, a tab, CR or LF (and their full-width forms) always; text starting with
  `+` or `-` unless the rest is a number or phone number (digits, spaces, `.`,
  `,`, `-`, `/`), so `+6281234567890`, `-5` and `-12,5` stay as they are while
  `-Ani`, `+A1` and `-HYPERLINK(...)` are guarded.

Reading an XLSX bounds the uncompressed size of every zip member before any is
read (`xlsx_check`), so a small file cannot unpack into gigabytes."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from datetime import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

# Text a spreadsheet evaluates whatever follows (OWASP CSV injection list, plus
# LF and the full-width forms some spreadsheets accept).
FORMULA_ALWAYS = ("=", "@", "\t", "\r", "\n", "\uff1d", "\uff20")
# Signs a spreadsheet evaluates only when the rest is not a plain number.
FORMULA_SIGNS = ("+", "-", "\uff0b", "\uff0d")
_PLAIN_NUMBER = re.compile(r"[0-9][0-9 .,/\-]*")
# XLSX: characters XML 1.0 cannot carry, and literal escapes to protect.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\r\ufffe\uffff]")
_OOXML_ESCAPE = re.compile("_x[0-9A-Fa-f]{4}_")
# XLSX bounds (uncompressed bytes): any one part of the file, and all of it.
XLSX_MEMBER_MAX_BYTES = 32 * 1024 * 1024
XLSX_TOTAL_MAX_BYTES = 64 * 1024 * 1024


def cell_value(value):
    """A value ready for a cell: numbers, dates and booleans pass unchanged;
    aware datetimes become local naive ones (openpyxl cannot store a time
    zone); None becomes ""; anything else becomes its text (unguarded)."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float | Decimal):
        return value
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)
        return value
    return str(value)


def csv_formula_like(text: str) -> bool:
    """Would a spreadsheet opening a CSV evaluate `text` as a formula? Leading
    spaces are ignored (some spreadsheets trim them)."""
    head = text.lstrip(" ")
    if not head:
        return False
    if head.startswith(FORMULA_ALWAYS):
        return True
    if head.startswith(FORMULA_SIGNS):
        rest = head[1:].lstrip(" ")
        return not _PLAIN_NUMBER.fullmatch(rest)
    return False


def csv_cell(value):
    """A value safe for a CSV cell: `cell_value`, then an apostrophe in front of
    text a spreadsheet would evaluate (`csv_formula_like`); other text, numbers
    and phone numbers pass unchanged."""
    value = cell_value(value)
    if isinstance(value, str) and csv_formula_like(value):
        return "'" + value
    return value


def ooxml_escape(text: str) -> str:
    """Text as an XLSX string holds it: literal `_xHHHH_` gets its underscore
    escaped (`_x005F_`), characters XML cannot carry become `_xHHHH_`."""
    text = _OOXML_ESCAPE.sub(lambda m: "_x005F_" + m.group(0)[1:], text)
    return _XML_ILLEGAL.sub(lambda m: f"_x{ord(m.group(0)):04X}_", text)


def ooxml_unescape(text: str) -> str:
    """The inverse of `ooxml_escape` (the OOXML ST_Xstring rule), left to right."""
    return _OOXML_ESCAPE.sub(lambda m: chr(int(m.group(0)[2:6], 16)), text)


def csv_write(stream, rows: Iterable[Iterable]) -> int:
    """Write rows (the first is the header) as UTF-8 CSV with a BOM, so Excel
    opens Indonesian text correctly; every cell through `csv_cell`. Returns
    the number of rows written."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    writer = csv.writer(text)
    count = 0
    for row in rows:
        writer.writerow(
            [
                v.strftime("%Y-%m-%d %H:%M") if isinstance(v, datetime) else v
                for v in (csv_cell(c) for c in row)
            ]
        )
        count += 1
    text.flush()
    text.detach()
    return count


def xlsx_write(stream, rows: Iterable[Iterable], *, title: str = "Sinau") -> int:
    """Write rows (the first is the header) as an XLSX workbook in
    openpyxl's write-only mode (constant memory). Text is always a typed
    string cell (never a formula), stored exactly (`ooxml_escape`); numbers,
    booleans and dates are typed cells. Returns the row count."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    count = 0
    for row in rows:
        cells = []
        for raw in row:
            value = cell_value(raw)
            if isinstance(value, str):
                cell = WriteOnlyCell(sheet, value=None)
                cell._value = ooxml_escape(value)
                cell.data_type = "s"
                value = cell
            cells.append(value)
        sheet.append(cells)
        count += 1
    workbook.save(stream)
    return count


class SpreadsheetError(ValueError):
    """The file cannot be read as a spreadsheet; the message says why (for
    the log). `refusal` is a translated sentence for the person, when there
    is one more precise than "cannot be read"."""

    def __init__(self, message: str, refusal: str = "") -> None:
        super().__init__(message)
        self.refusal = refusal


def xlsx_check(data: bytes) -> None:
    """Refuse an XLSX (zip) file whose parts would unpack to more than
    `XLSX_MEMBER_MAX_BYTES` each or `XLSX_TOTAL_MAX_BYTES` together, reading
    only the zip directory (no part is decompressed). Python's zipfile never
    yields more than a part's declared size, so the declared sizes are the
    bound. Raises SpreadsheetError (with a translated `refusal`); a file
    that is not a zip is left to the reader."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            sizes = [info.file_size for info in archive.infolist()]
    except (zipfile.BadZipFile, ValueError, OSError):
        return
    if (
        any(size > XLSX_MEMBER_MAX_BYTES for size in sizes)
        or sum(sizes) > XLSX_TOTAL_MAX_BYTES
    ):
        raise SpreadsheetError(
            "xlsx too large unpacked",
            refusal=_(
                "This XLSX file unpacks to more than %(mb)s MB, which no "
                "list of trainees needs. Save it again from your spreadsheet "
                "program, or save it as CSV."
            )
            % {"mb": XLSX_TOTAL_MAX_BYTES // (1024 * 1024)},
        )


# Columns read from any row: a list of people needs a handful; a sheet that
# claims 16,384 (one cell at XFD1) is not walked cell by cell.
TABLE_MAX_COLUMNS = 64
# Blank rows allowed beside `max_rows` filled ones before a sheet counts as
# too long: one blank cell at row 1,048,576 of a 5 KB workbook made the
# reader walk a million empty rows.
TABLE_BLANK_ROWS = 1000


def table_read(upload, *, max_rows: int) -> list[dict[str, str]]:
    """Read the first sheet of an uploaded CSV or XLSX file into dicts keyed
    by the lower-cased header cells, every value a stripped string. Blank
    rows are skipped (their row numbers still count). Only the first
    TABLE_MAX_COLUMNS columns are read, and no row past
    `max_rows + TABLE_BLANK_ROWS` (blank or not) is: the work is bounded by
    the limits, not by what the file claims. Raises SpreadsheetError for an
    unreadable file, or "too many rows" for more than `max_rows` filled rows
    or a sheet longer than that bound."""
    name = (getattr(upload, "name", "") or "").lower()
    data = upload.read()
    last_row = max_rows + TABLE_BLANK_ROWS + 1  # the header is row 1
    if name.endswith(".xlsx") or data[:2] == b"PK":
        xlsx_check(data)
        raw_rows = _xlsx_rows(data, max_row=last_row + 1)
    else:
        raw_rows = _csv_rows(data)
    try:
        header = next(raw_rows)
    except StopIteration:
        raise SpreadsheetError("empty") from None
    keys = [str(h or "").strip().lower() for h in header[:TABLE_MAX_COLUMNS]]
    rows = []
    for number, raw in enumerate(raw_rows, start=2):
        if number > last_row:
            raise SpreadsheetError("too many rows")
        values = ["" if v is None else _text(v) for v in raw[:TABLE_MAX_COLUMNS]]
        if not any(values):
            continue
        if len(rows) >= max_rows:
            raise SpreadsheetError("too many rows")
        record = {k: (values[i] if i < len(values) else "") for i, k in enumerate(keys)}
        record["_row"] = str(number)
        rows.append(record)
    return rows


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _csv_rows(data: bytes) -> Iterator[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        yield from csv.reader(io.StringIO(text), dialect)
    except csv.Error as exc:
        raise SpreadsheetError(str(exc)) from exc


def _xlsx_rows(data: bytes, *, max_row: int) -> Iterator[tuple]:
    """The first sheet's rows as tuples of values, at most `max_row` rows of
    TABLE_MAX_COLUMNS cells (openpyxl pads every row to the sheet's claimed
    width and yields every row up to its claimed height otherwise)."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a bad file
        raise SpreadsheetError(str(exc)) from exc
    try:
        # A damaged sheet only fails while its rows are read.
        sheet = workbook.worksheets[0]
        # The width the sheet claims, at most TABLE_MAX_COLUMNS (a sheet
        # that claims none is not padded at all).
        width = sheet.max_column and min(sheet.max_column, TABLE_MAX_COLUMNS)
        for row in sheet.iter_rows(max_row=max_row, max_col=width, values_only=True):
            yield tuple(ooxml_unescape(v) if isinstance(v, str) else v for v in row)
    except Exception as exc:  # openpyxl and the XML parser raise many kinds
        raise SpreadsheetError(str(exc)) from exc
    finally:
        workbook.close()
