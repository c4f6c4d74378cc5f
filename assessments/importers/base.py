"""The neutral shape every importer produces."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from ..text import text_printable, text_storable

KINDS = ("single", "multiple", "true_false", "numeric", "ordering", "essay")


class ImportFailed(Exception):
    """The file cannot be imported. `errors` lists every problem found, each
    naming the question (by its name or number) and what is wrong; nothing
    is written when this is raised. `skipped` lists questions of types
    Sinau does not support (reported, never silently dropped)."""

    def __init__(self, errors: list[str], skipped: list[str] | None = None):
        self.errors = errors
        self.skipped = skipped or []
        super().__init__("\n".join(errors))


@dataclass
class ParsedChoice:
    text: str
    correct: bool = False
    feedback: str = ""


@dataclass
class ParsedQuestion:
    """One question, whatever file it came from.

    - `kind`: one of KINDS.
    - `name`: how the source names it (Moodle <name>, GIFT ::title::, or
      "quiz-app mcquestion #12"); used in error messages.
    - `text`: the question, plain text (HTML from the source is kept as
      simple HTML: p, b, i, br, ul, ol, li).
    - `category`: category name from the source, "" if none.
    - `choices`: single/multiple: the options with `correct` set;
      ordering: the items in their correct order (correct ignored).
    - `true_false_answer`: for true_false.
    - `numeric_answer`, `numeric_tolerance`: for numeric (Decimal).
    - `rubric`: for essay (Moodle graderinfo, quiz-app has none -> "").
    - `explanation`: general feedback shown after the attempt.
    - `points`: whole number >= 1 (Moodle defaultgrade rounded up).
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


@dataclass
class ParseResult:
    questions: list[ParsedQuestion]
    skipped: list[str] = field(default_factory=list)  # "name: unsupported type X"


def parse(content: bytes | str, fmt: str) -> ParseResult:
    """Parse `content` in format `fmt` ("moodle", "gift" or "quizapp").
    Raises ImportFailed (nothing partial is ever returned)."""
    from . import gift, moodle_xml, quizapp

    parsers = {"moodle": moodle_xml.parse, "gift": gift.parse, "quizapp": quizapp.parse}
    if fmt not in parsers:
        raise ImportFailed([_("Unknown file format.")])
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ImportFailed(
                [_("The file is not UTF-8 text. Save it as UTF-8 and try again.")]
            ) from exc
    _check_text(content)
    try:
        result = parsers[fmt](content)
    except ImportFailed as failed:
        raise ImportFailed(
            [text_printable(error) for error in failed.errors],
            [text_printable(entry) for entry in failed.skipped],
        ) from failed
    result.skipped = [text_printable(entry) for entry in result.skipped]
    return result


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
