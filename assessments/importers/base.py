"""The neutral shape every importer produces."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..text import text_printable, text_storable

KINDS = (
    "single",
    "multiple",
    "true_false",
    "numeric",
    "ordering",
    "essay",
    "short_answer",
    "matching",
    "description",
)


class ImportFailed(Exception):
    """The file cannot be imported. `errors` lists every problem found, each
    naming the question (by its name or number) and what is wrong; nothing
    is written when this is raised. `skipped` lists questions of types
    Sinau does not support (reported, never silently dropped).
    `importable` counts the questions that could be imported if the rest
    were left out ("import the rest"), 0 when the file itself is wrong."""

    def __init__(
        self,
        errors: list[str],
        skipped: list[str] | None = None,
        *,
        importable: int = 0,
    ):
        self.errors = errors
        self.skipped = skipped or []
        self.importable = importable
        super().__init__("\n".join(errors))


@dataclass
class ParsedImage:
    """An image embedded in the file (Moodle's base64 `<file>`): its file
    name, bytes and alt text (the img's alt; the file name when the file
    gives none, which the import reports)."""

    name: str
    data: bytes
    alt: str


@dataclass
class ParsedChoice:
    """One answer row.

    - `text`: sanitised HTML (for numeric answers the number as written,
      for matching the item, for short answer the accepted text).
    - `correct`: whether it earns credit (fraction > 0).
    - `fraction`: the credit in percent (100, 50, 33.33333, -50...), one of
      Moodle's grade fractions; None means 100 if correct else 0.
    - `feedback`: sanitised HTML shown to a trainee who gave this answer.
    - `value`, `tolerance`: numeric answers (Decimal, exact).
    - `match`: matching: the answer paired with `text`.
    - `image`: a choice that is (or shows) a picture."""

    text: str
    correct: bool = False
    feedback: str = ""
    fraction: Decimal | None = None
    value: Decimal | None = None
    tolerance: Decimal | None = None
    match: str = ""
    image: ParsedImage | None = None

    @property
    def credit(self) -> Decimal:
        """The fraction in percent, `fraction` or 100/0 from `correct`."""
        if self.fraction is not None:
            return self.fraction
        return Decimal(100) if self.correct else Decimal(0)


@dataclass
class ParsedQuestion:
    """One question, whatever file it came from.

    - `kind`: one of KINDS.
    - `name`: how the source names it (Moodle <name>, GIFT ::title::, or
      "quiz-app mcquestion #12"); used in error messages.
    - `text`: the question, plain text (HTML from the source is kept as
      simple HTML: p, b, i, br, ul, ol, li).
    - `category`: the name of the category from the source (the last
      segment of its path), "" if none.
    - `category_path`: the whole path as a tuple of names below Moodle's
      context and "top", top first (`$course$/top/A/Child` -> ("A", "Child")).
    - `choices`: single/multiple: the options with `correct` set;
      ordering: the items in their correct order (correct ignored).
    - `true_false_answer`: for true_false.
    - `numeric_answer`, `numeric_tolerance`: for numeric (Decimal).
    - `rubric`: for essay (Moodle graderinfo, quiz-app has none -> "").
    - `explanation`: general feedback shown after the attempt.
    - `points`: whole number >= 1 (Moodle defaultgrade rounded up).
    - `true_feedback`, `false_feedback`: true/false: shown to a trainee
      who answered true / false.
    - `correct_feedback`, `partial_feedback`, `incorrect_feedback`:
      Moodle's combined feedback (shown for a right, partly right or wrong
      response).
    - `case_sensitive`: short answer.
    - `single`: choice questions: one answer allowed (Moodle single=true).
    - `all_or_nothing`: multiple choice scored all or nothing.
    - `shuffle`: whether choices are shuffled (Moodle shuffleanswers,
      quiz-app answer_order); False is "keep the choices in this order".
    - `unit`: numeric: the unit shown next to the answer box.
    - `image`: a picture shown with the question.
    - `notes`: what the import changed on the way in (shown in the report).
    """

    kind: str
    name: str
    text: str
    category: str = ""
    points: int = 1
    explanation: str = ""
    choices: list[ParsedChoice] = field(default_factory=list)
    true_false_answer: bool | None = None
    numeric_answer: Decimal | None = None
    numeric_tolerance: Decimal = Decimal(0)
    rubric: str = ""
    category_path: tuple[str, ...] = ()
    true_feedback: str = ""
    false_feedback: str = ""
    correct_feedback: str = ""
    partial_feedback: str = ""
    incorrect_feedback: str = ""
    case_sensitive: bool = False
    single: bool = True
    all_or_nothing: bool = False
    shuffle: bool = True
    unit: str = ""
    image: ParsedImage | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class ParsedCategory:
    """A category named in the file (Moodle XML `type="category"`, GIFT
    `$CATEGORY:`), with its description (Moodle `<info>`)."""

    path: tuple[str, ...]
    description: str = ""


@dataclass
class ParseResult:
    """What a parser read: the importable `questions`, the `skipped` ones
    of unsupported types ("name (type): why"), the `refused` ones (one
    message each, naming the question and what is wrong; none of such a
    question is imported), the `categories` the file names and
    `file_notes` on what the whole file loses."""

    questions: list[ParsedQuestion]
    skipped: list[str] = field(default_factory=list)
    categories: list[ParsedCategory] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    file_notes: list[str] = field(default_factory=list)

    @property
    def notes(self) -> list[str]:
        """Notes on the whole file (`file_notes`, e.g. Moodle settings
        Sinau has no place for), then every question's, in file order."""
        return self.file_notes + [
            note for question in self.questions for note in question.notes
        ]


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
    from . import gift, moodle_xml, quizapp

    parsers = {"moodle": moodle_xml.parse, "gift": gift.parse, "quizapp": quizapp.parse}
    if fmt not in parsers:
        raise ImportFailed([_("Unknown file format.")])
    if isinstance(content, bytes):
        content = _decode(content, fmt)
    _check_text(content)
    try:
        result = parsers[fmt](content)
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
    per question by `common.finish`."""
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
