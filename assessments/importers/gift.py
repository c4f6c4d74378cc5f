"""GIFT question import (https://docs.moodle.org/en/GIFT_format).

Questions are separated by blank lines; `//` lines are comments; a
`$CATEGORY: path` line sets the category of the questions after it. A
question is `::Title::` (optional), an optional `[html]`/`[moodle]`/
`[plain]`/`[markdown]` format, the text, and an answer block in braces:

- `{=right ~wrong ~%50%half}`: single choice (Moodle: any `=` answer);
  without `=` (`{~%50%a ~%50%b ~%-100%c}`) it is multiple choice. Every
  answer keeps its `%grade%` (one of Moodle's fractions, else an error);
- `{T}` `{F}` `{TRUE}` `{FALSE}`: true/false, `{T#if wrong#if right}`;
- `{#2.5:0.1}`, `{#2.4..2.6}`, `{#=1822:0 =%50%1822:2}`: numeric, every
  answer with its tolerance and credit; `~#text` is wrong-answer feedback;
- `{=four =%50%4}`: short answer (no `~`); `{=cat -> food =dog -> bone}`:
  matching; `{}`: essay; no braces: a description.

Text after the closing `}` makes a missing-word question: the answers'
place in the text becomes `_____` (as Moodle does), whatever the type,
so `Pi to 3 dp? {#3.141..3.142}.` is a numeric question. `#text` after an
answer is its feedback; `####text` at the end of the block is the general
feedback. `\\~ \\= \\# \\{ \\} \\: \\\\` are literal characters and `\\n` a line
break.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from ..kinds import kind_for
from .base import (
    ParsedCategory,
    ParsedChoice,
    ParsedImage,
    ParsedQuestion,
    ParseResult,
    QuestionError,
)
from .checks import check_accepted, check_choices, check_tolerance, finish
from .markup import plain_text, rich_is_empty, rich_text
from .media import media_take
from .names import category_path, question_label, short_name, shorten
from .numbers import answer_number, fraction_check

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
_WEIGHT = re.compile(r"^%([^%]*)%")
BLANK = "_____"
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
    answers: str | None
    label: str
    notes: list[str] = field(default_factory=list)


def parse(content: str) -> ParseResult:
    """Parse a GIFT file."""
    questions: list[ParsedQuestion] = []
    skipped: list[str] = []
    errors: list[str] = []
    categories: list[ParsedCategory] = []
    path: tuple[str, ...] = ()
    number = 0
    for block in _blocks(content):
        lines, numbers = block.lines, block.numbers
        while lines and lines[0].startswith(_CATEGORY):
            path = category_path(_restore(lines[0][len(_CATEGORY) :]))
            if path and all(known.path != path for known in categories):
                categories.append(ParsedCategory(path))
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
            outcome.category_path = path
            outcome.category = path[-1] if path else ""
            questions.append(outcome)
    result = finish(questions, skipped, errors)
    result.categories = categories
    return result


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


def _rich(text: str, source: _Source, where: str) -> str:
    """Sanitised HTML of a GIFT text that holds no picture (a feedback;
    its own `[format]` or the question's); what it loses (pictures,
    sounds, links to files) is noted on `source`."""
    fmt, text = _split_format(text, source.fmt)
    raw = _restore(text)
    if fmt in ("html", "moodle"):
        raw, _images, notes = media_take(raw, {}, source.label, where, pictures=False)
        source.notes.extend(notes)
    return rich_text(raw, fmt)


def _rich_picture(
    text: str, default_fmt: str, label: str, where: str, side: str = "after"
) -> tuple[str, ParsedImage | None, list[str]]:
    """Sanitised HTML of a GIFT text, the picture it embeds (an `<img>`
    with a `data:image/...;base64,` URI, in html or moodle format) and
    notes on what was changed or left out (`where` names the field,
    `side` where Sinau shows its picture, see `common.media_take`)."""
    fmt, text = _split_format(text, default_fmt)
    raw = _restore(text)
    images, notes = [], []
    if fmt in ("html", "moodle"):
        raw, images, notes = media_take(raw, {}, label, where, side=side)
    markup = rich_text(raw, fmt)
    if images or notes:
        markup = re.sub(r"<p>\s*</p>", "", markup).strip()
    for extra in images[1:]:
        notes.append(
            _("%(question)s: only one picture is kept; %(name)s was left out.")
            % {"question": label, "name": extra.name}
        )
    return markup, images[0] if images else None, notes


def _split(text: str, number: int, line: int) -> _Source:
    """Title, format, text and answer block of a question. Text after the
    answer block makes a missing-word question: `_____` marks the place of
    the answers (Moodle's rule). A question without braces is a
    description (`answers` None)."""
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
        return _Source(title, fmt, text, None, label)
    if end == -1:
        raise QuestionError(
            _("%(question)s: the answers are not closed: '}' is missing.")
            % {"question": label}
        )
    if start == -1 or end < start:
        raise QuestionError(
            _("%(question)s: '}' comes before any '{'.") % {"question": label}
        )
    after = text[end + 1 :].strip()
    if "{" in after or "}" in after:
        raise QuestionError(
            _(
                "%(question)s: more than one answer block; Sinau imports one "
                "'{...}' per question (cloze questions are not supported)."
            )
            % {"question": label}
        )
    body = text[:start] + BLANK + text[end + 1 :] if after else text[:start]
    return _Source(title, fmt, body, text[start + 1 : end].strip(), label)


def _parse_question(text: str, number: int, line: int) -> ParsedQuestion | str:
    """One question; raises QuestionError."""
    source = _split(text, number, line)
    answers, explanation = source.answers, ""
    if answers is not None:
        separator = answers.rfind("####")
        if separator != -1:
            explanation = _rich(
                answers[separator + 4 :], source, _("the general feedback")
            )
            answers = answers[:separator].strip()
    kind = "description" if answers is None else _kind(answers)
    question_html, image, notes = _rich_picture(
        source.text, source.fmt, source.label, _("the question text")
    )
    notes = notes + source.notes
    source.notes.clear()
    if rich_is_empty(question_html) and image is None:
        raise QuestionError(
            _("%(question)s: the question text is empty.") % {"question": source.label}
        )
    question = ParsedQuestion(
        kind=kind,
        name=source.title or short_name(question_html) or image.alt,
        text=question_html,
        explanation=explanation,
        points=1 if kind_for(kind).asks else 0,
        image=image,
        notes=notes,
    )
    fill = {
        "choice": _fill_choices,
        "true_false": _fill_true_false,
        "numeric": _fill_numeric,
        "short_answer": _fill_short_answer,
        "matching": _fill_matching,
    }.get(kind)
    if fill:
        fill(question, answers, source)
    question.notes.extend(source.notes)
    return question


def _kind(answers: str) -> str:
    """What the answer block is, following Moodle's rules: "essay",
    "numeric", "choice", "matching", "true_false" or "short_answer"."""
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
    return "short_answer"


def _true_false_value(answers: str) -> str:
    """The T/F part of a true/false block (`{T#wrong feedback#right one}`),
    upper-cased."""
    return _restore(answers.split("#", 1)[0]).upper()


def _weighted(answer: str, default: Decimal, label: str) -> tuple[Decimal, str]:
    """An answer's `%grade%` (checked against Moodle's fractions) or
    `default`, and the rest of it."""
    match = _WEIGHT.match(answer.strip())
    if not match:
        return default, answer.strip()
    return fraction_check(_restore(match.group(1)), label), answer.strip()[
        match.end() :
    ]


def _answer_parts(answers: str, source: _Source) -> list[tuple[str, Decimal, str]]:
    """`=`/`~` answers as (marker, grade, body) in file order; `=` answers
    are worth 100 % and `~` ones 0 % unless a `%grade%` says otherwise."""
    parts = []
    for index, part in enumerate(re.split(r"(?=[=~])", answers)):
        if not part.strip() and index == 0:
            continue
        marker, body = part[:1], part[1:]
        if marker not in "=~":
            raise QuestionError(
                _("%(question)s: an answer must start with '=' or '~'.")
                % {"question": source.label}
            )
        default = Decimal(100) if marker == "=" else Decimal(0)
        weight, body = _weighted(body, default, source.label)
        parts.append((marker, weight, body))
    return parts


def _fill_choices(question: ParsedQuestion, answers: str, source: _Source) -> None:
    """Single choice when an answer is marked `=`, multiple choice
    otherwise (Moodle's rule); every answer keeps its grade. As in Moodle,
    which reads `~=right` as `~` then `=right`, a blank answer is not an
    answer: it is left out (with a note when it carried a grade or a
    feedback)."""
    parts = _answer_parts(answers, source)
    question.single = any(marker == "=" for marker, _weight, _body in parts)
    question.kind = "single" if question.single else "multiple"
    for number, (_marker, weight, answer) in enumerate(parts, start=1):
        text, _hash, feedback = answer.partition("#")
        choice_text, image, notes = _rich_picture(
            text,
            source.fmt,
            source.label,
            _("answer %(number)d") % {"number": number},
            side="before",
        )
        question.notes.extend(notes)
        if rich_is_empty(choice_text) and image is None:
            if weight or plain_text(_restore(feedback)):
                question.notes.append(
                    _(
                        "%(question)s: answer %(number)d has no text, so it "
                        "was left out with its grade and feedback, as Moodle "
                        "does."
                    )
                    % {"question": source.label, "number": number}
                )
            continue
        question.choices.append(
            ParsedChoice(
                choice_text,
                weight > 0,
                _rich(
                    feedback,
                    source,
                    _("the feedback of answer %(number)d") % {"number": number},
                ),
                fraction=weight,
                image=image,
            )
        )
    check_choices(question.choices, source.label)


def _fill_true_false(question: ParsedQuestion, answers: str, source: _Source) -> None:
    """`{T#if wrong#if right}`: the first feedback is for a wrong answer,
    the second for a right one (Moodle's rule)."""
    value, *feedback = answers.split("#")
    question.true_false_answer = _TRUE_FALSE[_restore(value).upper()]
    wrong = (
        _rich(feedback[0], source, _("the feedback for a wrong answer"))
        if feedback
        else ""
    )
    right = (
        _rich(feedback[1], source, _("the feedback for a right answer"))
        if len(feedback) > 1
        else ""
    )
    if question.true_false_answer:
        question.true_feedback, question.false_feedback = right, wrong
    else:
        question.true_feedback, question.false_feedback = wrong, right


def _fill_short_answer(question: ParsedQuestion, answers: str, source: _Source) -> None:
    """Accepted answers (`=text`, `=%50%text`), case-insensitive as in
    Moodle's GIFT; `*` in an answer is a wildcard."""
    parts = _answer_parts(answers, source)
    for number, (_marker, weight, answer) in enumerate(parts, start=1):
        text, _hash, feedback = answer.partition("#")
        value = plain_text(_restore(text))
        if not value:
            raise QuestionError(
                _("%(question)s: an answer is empty.") % {"question": source.label}
            )
        where = _("the feedback of answer %(number)d") % {"number": number}
        question.choices.append(
            ParsedChoice(
                value, weight > 0, _rich(feedback, source, where), fraction=weight
            )
        )
    check_accepted(question.choices, source.label)


def _fill_matching(question: ParsedQuestion, answers: str, source: _Source) -> None:
    """Pairs `=item -> answer`; `= -> answer` adds a wrong answer only."""
    for marker, _weight, pair in _answer_parts(answers, source):
        item, arrow, match = pair.partition("->")
        if marker != "=" or not arrow or not plain_text(_restore(match)):
            raise QuestionError(
                _("%(question)s: each pair is written '=item -> answer'.")
                % {"question": source.label}
            )
        question.choices.append(
            ParsedChoice(
                _rich(item, source, _("a matching item")),
                bool(item.strip()),
                match=plain_text(_restore(match)),
            )
        )
    if sum(1 for choice in question.choices if choice.correct) < 2:
        raise QuestionError(
            _("%(question)s: needs at least two pairs.") % {"question": source.label}
        )


def _fill_numeric(question: ParsedQuestion, answers: str, source: _Source) -> None:
    """`{#value}`, `{#value:tolerance}`, `{#min..max}`; several answers are
    `=`-separated, each with its `%grade%` and `#feedback`. `~#text` after
    them is the feedback for any other answer (a `*` answer worth 0)."""
    label = source.label
    answers, tilde, wrong = answers[1:].partition("~")
    parts = [part for part in answers.split("=") if part.strip()]
    if not parts:
        raise QuestionError(_("%(question)s: no numeric answer.") % {"question": label})
    for number, part in enumerate(parts, start=1):
        weight, body = _weighted(part, Decimal(100), label)
        raw, _hash, feedback = body.partition("#")
        value, tolerance = _numeric_value(_restore(raw), label)
        where = _("the feedback of answer %(number)d") % {"number": number}
        question.choices.append(
            ParsedChoice(
                _restore(raw).strip(),
                weight > 0,
                _rich(feedback, source, where),
                fraction=weight,
                value=value,
                tolerance=tolerance,
            )
        )
    if tilde:
        question.choices.append(
            ParsedChoice(
                "*",
                False,
                _rich(
                    wrong.partition("#")[2],
                    source,
                    _("the feedback for any other number"),
                ),
                fraction=Decimal(0),
            )
        )
    full = [c for c in question.choices if c.value is not None and c.credit >= 100]
    if not full:
        raise QuestionError(_("%(question)s: no correct answer.") % {"question": label})
    question.numeric_answer, question.numeric_tolerance = (
        full[0].value,
        (full[0].tolerance or Decimal(0)),
    )


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
