"""The neutral shape every importer produces, and its two errors: a file
that cannot be imported (`ImportFailed`) and one wrong question
(`QuestionError`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

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


class QuestionError(Exception):
    """One question is wrong; the message is user-facing."""


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
