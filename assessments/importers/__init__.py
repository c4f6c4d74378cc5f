"""Question-bank importers: Moodle XML, GIFT and django-quiz-app data.

This module is the format dispatcher: `parse(content, fmt)` decodes the
file, hands it to the parser for `fmt` (PARSERS) and applies the one
all-or-nothing rule to what the parser refused or skipped. Each parser
turns a file into a `ParseResult` of `ParsedQuestion`s (base.py) or raises
`ImportFailed` naming the question and the problem. Writing the parsed
questions to the bank is `write.questions_import` (atomic); `jobs` runs an
uploaded file in the request or on a worker.

The modules:
- `base`: the neutral shape (ParsedQuestion, ParseResult...) and errors.
- `moodle_xml`, `gift`, `quizapp`: one parser per format.
- `markup`: text and HTML as the bank keeps it.
- `names`: question names, category paths, how messages name things.
- `numbers`: numbers, points and grade fractions read from a file.
- `media`: pictures kept, other files and links left out and noted.
- `checks`: what every question must satisfy to be stored (`finish`).
- `write`: the parsed questions into the bank, in bulk.
- `jobs`: import jobs (inline or queued) and their reports.
- `common`: the old home of the helpers, re-exporting what tests import.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..text import text_printable, text_storable
from . import gift, moodle_xml, quizapp
from .base import ImportFailed, ParsedChoice, ParsedQuestion, ParseResult

__all__ = ["FORMATS", "ImportFailed", "ParsedChoice", "ParsedQuestion", "parse"]

# The parser for each format, by the name the upload form and the
# import_questions command give it.
PARSERS = {"moodle": moodle_xml.parse, "gift": gift.parse, "quizapp": quizapp.parse}
FORMATS = tuple(PARSERS)


def parse(
    content: bytes | str, fmt: str, *, skip_unsupported: bool = False
) -> ParseResult:
    """Parse `content` in format `fmt` ("moodle", "gift" or "quizapp").
    Raises ImportFailed for a file that cannot be read at all. Questions of
    types Sinau does not support (cloze, calculated, drag and drop...) are
    listed by name and type in `skipped`, questions with an error in
    `refused` (each question is whole or absent: nothing of a refused
    question is kept). Unless `skip_unsupported` ("import the rest"), any
    of them fails the whole file (ImportFailed with the refused questions
    as `errors`), so nothing is imported without the importer knowing
    what was left out."""
    if fmt not in PARSERS:
        raise ImportFailed([_("Unknown file format.")])
    if isinstance(content, bytes):
        content = _decode(content, fmt)
    _check_text(content)
    try:
        result = PARSERS[fmt](content)
    except ImportFailed as failed:
        raise ImportFailed(
            [text_printable(error) for error in failed.errors],
            [text_printable(entry) for entry in failed.skipped],
            importable=failed.importable,
        ) from failed
    result.skipped = [text_printable(entry) for entry in result.skipped]
    result.refused = [text_printable(entry) for entry in result.refused]
    if result.refused and (not skip_unsupported or not result.questions):
        raise ImportFailed(
            result.refused,
            result.skipped,
            importable=0 if skip_unsupported else len(result.questions),
        )
    if result.skipped and not skip_unsupported:
        raise ImportFailed(
            [
                ngettext(
                    "%(count)d question is of a type Sinau does not support "
                    "(listed below), so nothing was imported. Remove it, or "
                    "choose to import the rest without it.",
                    "%(count)d questions are of types Sinau does not support "
                    "(listed below), so nothing was imported. Remove them, or "
                    "choose to import the rest without them.",
                    len(result.skipped),
                )
                % {"count": len(result.skipped)}
            ],
            result.skipped,
            importable=len(result.questions),
        )
    return result


_GIFT_TITLE = re.compile(r"::(.+?)::")
_XML_NAME = re.compile(r"<name>\s*<text>(.*?)</text>", re.DOTALL)


def _decode(content: bytes, fmt: str) -> str:
    """`content` as text (UTF-8, with or without a byte-order mark), or
    ImportFailed naming the line, and the question when the file names it
    before that line, of the first byte that is not UTF-8."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = content[: exc.start].decode("utf-8", errors="replace")
        line = before.count("\n") + 1
        start = before.rfind("\n\n") if fmt == "gift" else before.rfind("<question")
        pattern = {"gift": _GIFT_TITLE, "moodle": _XML_NAME}.get(fmt)
        found = pattern.findall(before[max(start, 0) :]) if pattern else []
        values = {
            "line": line,
            "question": text_printable(found[-1].strip())[:80] if found else "",
        }
        if values["question"]:
            message = _(
                "Question '%(question)s', line %(line)d: the file is not "
                "UTF-8 text. Save it as UTF-8 and try again."
            )
        else:
            message = _(
                "Line %(line)d: the file is not UTF-8 text. Save it as "
                "UTF-8 and try again."
            )
        raise ImportFailed([message % values]) from exc


def _check_text(content: str) -> None:
    """ImportFailed for text no database can keep: a NUL character (named
    by line) or invalid Unicode. Escaped ones (JSON `\\u0000`) are caught
    per question by `checks.finish`."""
    if "\x00" in content:
        line = content.count("\n", 0, content.index("\x00")) + 1
        raise ImportFailed(
            [
                _(
                    "Line %(line)d contains a NUL character: this is not a "
                    "text file. Save it as UTF-8 text."
                )
                % {"line": line}
            ]
        )
    if not text_storable(content):
        raise ImportFailed([_("The file contains invalid Unicode text.")])
