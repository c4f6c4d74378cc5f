"""Spreadsheets Sinau reads (imports) and writes (exports).

Every file Sinau writes goes through `cell_safe`, so a cell a trainee typed
(a name such as `=HYPERLINK(...)`) is never run as a formula by Excel,
LibreOffice or Google Sheets (OWASP "CSV injection")."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import datetime
from decimal import Decimal

from django.utils import timezone

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell_safe(value):
    """A value safe to put in a CSV or XLSX cell: text that a spreadsheet
    would read as a formula gets a leading apostrophe; numbers, dates and
    booleans pass unchanged; aware datetimes become local naive ones
    (openpyxl cannot store a time zone); None becomes ""."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float | Decimal):
        return value
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_write(stream, rows: Iterable[Iterable]) -> int:
    """Write rows (the first is the header) as UTF-8 CSV with a BOM, so Excel
    opens Indonesian text correctly. Returns the number of rows written."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    writer = csv.writer(text)
    count = 0
    for row in rows:
        writer.writerow(
            [
                v.strftime("%Y-%m-%d %H:%M") if isinstance(v, datetime) else v
                for v in (cell_safe(c) for c in row)
            ]
        )
        count += 1
    text.flush()
    text.detach()
    return count


def xlsx_write(stream, rows: Iterable[Iterable], *, title: str = "Sinau") -> int:
    """Write rows (the first is the header) as an XLSX workbook in
    openpyxl's write-only mode (constant memory). Returns the row count."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    count = 0
    for row in rows:
        sheet.append([cell_safe(c) for c in row])
        count += 1
    workbook.save(stream)
    return count


class SpreadsheetError(ValueError):
    """The file cannot be read as a spreadsheet; the message says why."""


def table_read(upload, *, max_rows: int) -> list[dict[str, str]]:
    """Read the first sheet of an uploaded CSV or XLSX file into dicts keyed
    by the lower-cased header cells, every value a stripped string. Blank
    rows are skipped (their row numbers still count). Raises SpreadsheetError
    for an unreadable file or more than `max_rows` rows."""
    name = (getattr(upload, "name", "") or "").lower()
    data = upload.read()
    if name.endswith(".xlsx") or data[:2] == b"PK":
        raw_rows = _xlsx_rows(data)
    else:
        raw_rows = _csv_rows(data)
    try:
        header = next(raw_rows)
    except StopIteration:
        raise SpreadsheetError("empty") from None
    keys = [str(h or "").strip().lower() for h in header]
    rows = []
    for number, raw in enumerate(raw_rows, start=2):
        values = ["" if v is None else _text(v) for v in raw]
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


def _xlsx_rows(data: bytes) -> Iterator[tuple]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a bad file
        raise SpreadsheetError(str(exc)) from exc
    try:
        yield from workbook.worksheets[0].iter_rows(values_only=True)
    finally:
        workbook.close()
