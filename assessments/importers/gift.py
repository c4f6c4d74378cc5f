"""GIFT question import (https://docs.moodle.org/en/GIFT_format).

Questions are separated by blank lines; `//` lines are comments; a
`$CATEGORY: path` line sets the category of the questions after it. A
question is `::Title::` (optional), an optional `[html]`/`[moodle]`/
`[plain]`/`[markdown]` format, the text, and an answer block in braces:

- `{=right ~wrong}`: single choice (`~%50%a ~%50%b`: multiple choice);
- `{T}` `{F}` `{TRUE}` `{FALSE}`: true/false;
- `{#2.5:0.1}` or `{#2.4..2.6}`: numeric;
- `{}`: essay.

`#text` after an answer is its feedback; `####text` at the end of the block
is the general feedback. `\\~ \\= \\# \\{ \\} \\: \\\\` are literal characters and
`\\n` a line break. Matching, short answer, missing word and description
questions are reported as skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from .base import ParsedChoice, ParsedQuestion, ParseResult
from .common import (
    QuestionError,
    answer_number,
    category_leaf,
    check_choices,
    check_tolerance,
    clean_html,
    finish,
    html_to_text,
    plain_text,
    question_label,
    short_name,
    shorten,
    text_to_html,
    unsupported,
)

# Escaped characters become private-use placeholders while the question is
# split up, and are restored in each piece.
_ESCAPABLE = "\\~=#{}:n"
_PLACEHOLDERS = {char: chr(0xE000 + index) for index, char in enumerate(_ESCAPABLE)}
_RESTORE = str.maketrans(
    {
        placeholder: ("\n" if char == "n" else char)
        for char, placeholder in _PLACEHOLDERS.items()
    }
)
_FORMAT = re.compile(r"^\s*\[(html|moodle|plain|markdown)\]", re.IGNORECASE)
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
_CATEGORY = "$CATEGORY:"


@dataclass
class _Block:
    """The lines of one question (comments removed) and their numbers."""

    lines: list[str]
    numbers: list[int]


@dataclass
class _Source:
    """A question split into its parts, escapes still as placeholders."""

    title: str
    fmt: str
    text: str
    answers: str
    label: str


def parse(content: str) -> ParseResult:
    """Parse a GIFT file."""
    questions: list[ParsedQuestion] = []
    skipped: list[str] = []
    errors: list[str] = []
    category = ""
    number = 0
    for block in _blocks(content):
        lines, numbers = block.lines, block.numbers
        if lines[0].startswith(_CATEGORY):
            category = category_leaf(_restore(lines[0][len(_CATEGORY) :]))
            lines, numbers = lines[1:], numbers[1:]
            if not lines:
                continue
        number += 1
        try:
            outcome = _parse_question("\n".join(lines), number, numbers[0])
        except QuestionError as exc:
            errors.append(str(exc))
            continue
        if isinstance(outcome, str):
            skipped.append(outcome)
        else:
            outcome.category = category
            questions.append(outcome)
    return finish(questions, skipped, errors)


def _blocks(content: str) -> list[_Block]:
    """Split the file at blank lines into blocks of trimmed, comment-free
    lines with escapes replaced by placeholders."""
    blocks: list[_Block] = []
    current: _Block | None = None
    for number, raw in enumerate(content.lstrip("\ufeff").splitlines(), start=1):
        line = raw.strip()
        if not line:
            current = None
            continue
        if line.startswith("//"):
            continue
        if current is None:
            current = _Block([], [])
            blocks.append(current)
        current.lines.append(_escape(line))
        current.numbers.append(number)
    return blocks


def _escape(text: str) -> str:
    """Replace GIFT escapes (`\\~`, `\\=`, ...) with placeholders."""
    return re.sub(r"\\([\\~=#{}:n])", lambda match: _PLACEHOLDERS[match.group(1)], text)


def _restore(text: str) -> str:
    """Turn placeholders back into the characters they stand for."""
    return text.translate(_RESTORE).strip()


def _split_format(text: str, default: str) -> tuple[str, str]:
    """A leading `[format]` marker and the text after it."""
    match = _FORMAT.match(text)
    if not match:
        return default, text.strip()
    return match.group(1).lower(), text[match.end() :].strip()


def _as_html(text: str, fmt: str) -> str:
    """Simple HTML of a text in GIFT format `fmt` (moodle: HTML with line
    breaks kept; html: HTML; plain/markdown: plain text)."""
    text = _restore(text)
    if fmt in ("plain", "markdown"):
        return text_to_html(text)
    if fmt == "moodle":
        text = text.replace("\n", "<br>")
    return clean_html(text)


def _as_text(text: str, default_fmt: str) -> str:
    """Plain text of an answer or feedback (its own `[format]` or the
    question's)."""
    fmt, text = _split_format(text, default_fmt)
    text = _restore(text)
    return plain_text(text) if fmt in ("plain", "markdown") else html_to_text(text)


def _split(text: str, number: int, line: int) -> _Source | str:
    """Title, format, text and answer block of a question; a string (the
    `skipped` entry) for description and missing-word questions."""
    title = ""
    label = question_label("", number, line)
    if text.startswith("::"):
        end = text.find("::", 2)
        if end == -1:
            raise QuestionError(
                _("%(question)s: the title is not closed with '::'.")
                % {"question": label}
            )
        title = plain_text(_restore(text[2:end]))
        label = question_label(title, number, line)
        text = text[end + 2 :]
    fmt, text = _split_format(text, "moodle")
    start, end = text.find("{"), text.find("}")
    if start == -1 and end == -1:
        return unsupported(label, _("description"))
    if end == -1:
        raise QuestionError(
            _("%(question)s: the answers are not closed: '}' is missing.")
            % {"question": label}
        )
    if start == -1 or end < start:
        raise QuestionError(
            _("%(question)s: '}' comes before any '{'.") % {"question": label}
        )
    if text[end + 1 :].strip():
        return unsupported(label, _("missing word"))
    return _Source(title, fmt, text[:start], text[start + 1 : end].strip(), label)


def _parse_question(text: str, number: int, line: int) -> ParsedQuestion | str:
    """One question, or the `skipped` entry for an unsupported one; raises
    QuestionError."""
    source = _split(text, number, line)
    if isinstance(source, str):
        return source
    answers, explanation = source.answers, ""
    separator = answers.rfind("####")
    if separator != -1:
        fmt, feedback = _split_format(answers[separator + 4 :], source.fmt)
        explanation = _as_html(feedback, fmt)
        answers = answers[:separator].strip()
    kind = _kind(answers)
    if kind in ("matching", "shortanswer"):
        name = _("matching") if kind == "matching" else _("short answer")
        return unsupported(source.label, name)
    question_html = _as_html(source.text, source.fmt)
    if not html_to_text(question_html):
        raise QuestionError(
            _("%(question)s: the question text is empty.") % {"question": source.label}
        )
    question = ParsedQuestion(
        kind=kind,
        name=source.title or short_name(question_html),
        text=question_html,
        explanation=explanation,
    )
    if kind == "choice":
        _fill_choices(question, answers, source)
    elif kind == "true_false":
        question.true_false_answer = _TRUE_FALSE[_true_false_value(answers)]
    elif kind == "numeric":
        _fill_numeric(question, answers[1:], source.label)
    return question


def _kind(answers: str) -> str:
    """What the answer block is, following Moodle's rules: "essay",
    "numeric", "choice", "matching", "true_false" or "shortanswer"."""
    if not answers:
        return "essay"
    if answers.startswith("#"):
        return "numeric"
    if "~" in answers:
        return "choice"
    if "=" in answers and "->" in answers:
        return "matching"
    if _true_false_value(answers) in _TRUE_FALSE:
        return "true_false"
    return "shortanswer"


def _true_false_value(answers: str) -> str:
    """The T/F part of a true/false block (`{T#wrong feedback#right one}`),
    upper-cased."""
    return _restore(answers.split("#", 1)[0]).upper()


def _weighted(answer: str, default: Decimal) -> tuple[Decimal, str]:
    """An answer's `%weight%` (or `default`) and the rest of it."""
    match = _WEIGHT.match(answer.strip())
    if not match:
        return default, answer.strip()
    return Decimal(match.group(1)), answer.strip()[match.end() :]


def _fill_choices(question: ParsedQuestion, answers: str, source: _Source) -> None:
    """Single or multiple choice. With `=` answers it is single choice (the
    `=` answers are correct); otherwise the `%weight%`s decide: one positive
    weight is single choice, more are multiple choice."""
    weighted: list[tuple[Decimal, str]] = []
    has_equals = False
    for index, part in enumerate(re.split(r"(?=[=~])", answers)):
        if not part.strip() and index == 0:
            continue
        marker, body = part[:1], part[1:]
        if marker == "=":
            has_equals = True
            weighted.append(_weighted(body, Decimal(100)))
        else:
            weighted.append(_weighted(body if marker == "~" else part, Decimal(0)))
    positives = sum(1 for weight, _answer in weighted if weight > 0)
    single = has_equals or positives <= 1
    question.kind = "single" if single else "multiple"
    for weight, answer in weighted:
        text, _hash, feedback = answer.partition("#")
        choice_text = _as_text(text, source.fmt)
        if not choice_text:
            raise QuestionError(
                _("%(question)s: an answer is empty.") % {"question": source.label}
            )
        correct = weight >= 100 if has_equals else weight > 0
        question.choices.append(
            ParsedChoice(choice_text, correct, _as_text(feedback, source.fmt))
        )
    check_choices(question.choices, source.label)


def _fill_numeric(question: ParsedQuestion, answers: str, label: str) -> None:
    """`{#value}`, `{#value:tolerance}`, `{#min..max}`; several answers are
    `=`-separated with optional `%weight%`: the first full-weight one is
    used, all are checked. `~` starts feedback for wrong answers (ignored)."""
    answers = answers.split("~", 1)[0]
    parts = [part for part in answers.split("=") if part.strip()]
    if not parts:
        raise QuestionError(_("%(question)s: no numeric answer.") % {"question": label})
    chosen: tuple[Decimal, Decimal] | None = None
    for part in parts:
        weight, body = _weighted(part, Decimal(100))
        value = _numeric_value(_restore(body.partition("#")[0]), label)
        if chosen is None and weight >= 100:
            chosen = value
    if chosen is None:
        raise QuestionError(_("%(question)s: no correct answer.") % {"question": label})
    question.numeric_answer, question.numeric_tolerance = chosen


def _numeric_value(raw: str, label: str) -> tuple[Decimal, Decimal]:
    """Answer and tolerance of `value`, `value:tolerance` or `min..max`
    (the midpoint, plus or minus half the range)."""
    if ".." in raw:
        low_raw, high_raw = raw.split("..", 1)
        low, high = _number(low_raw, label), _number(high_raw, label)
        if low > high:
            raise QuestionError(
                _("%(question)s: the range %(value)s goes from high to low.")
                % {"question": label, "value": raw}
            )
        return (low + high) / 2, (high - low) / 2
    value_raw, _colon, tolerance_raw = raw.partition(":")
    tolerance = check_tolerance(tolerance_raw.strip() or "0", label)
    return _number(value_raw, label), tolerance


def _number(raw: str, label: str) -> Decimal:
    """`raw` as a Decimal, or QuestionError naming the question."""
    value = answer_number(raw, label)
    if value is None:
        raise QuestionError(
            _(
                "%(question)s: '%(value)s' is not a number "
                "(use a dot for decimals, e.g. 2.5)."
            )
            % {"question": label, "value": shorten(raw)}
        )
    return value
