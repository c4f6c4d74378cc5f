"""Moved to `lms.common.spreadsheets`: this path re-exports
it for the code that still imports it from here."""

from lms.common.spreadsheets import *  # noqa: F403
from lms.common.spreadsheets import (  # noqa: F401
    FORMULA_ALWAYS,
    FORMULA_SIGNS,
    TABLE_BLANK_ROWS,
    TABLE_MAX_COLUMNS,
    XLSX_MEMBER_MAX_BYTES,
    XLSX_TOTAL_MAX_BYTES,
    SpreadsheetError,
    _xlsx_rows,
    cell_value,
    csv_cell,
    csv_formula_like,
    csv_write,
    ooxml_escape,
    ooxml_unescape,
    table_read,
    xlsx_check,
    xlsx_write,
)
