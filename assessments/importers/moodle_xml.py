"""Moodle XML question import (https://docs.moodle.org/en/Moodle_XML_format).

The file is a `<quiz>` of `<question type="...">` elements. Supported types:
multichoice (single or multiple), truefalse, numerical, essay and the
`ordering` plugin; `type="category"` entries set the category of the
questions after them; every other type is reported in `ParseResult.skipped`.

This module also holds the text helpers the GIFT and quiz-app parsers share
(HTML cleanup, plain text, category paths, numbers, question labels).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from django.utils.translation import gettext as _

from .base import (
    ImportFailed,
    ParsedCategory,
    ParsedChoice,
    ParsedImage,
    ParsedQuestion,
    ParseResult,
)
from .common import (
    MAX_POINTS,
    QuestionError,
    answer_number,
    category_path,
    check_accepted,
    check_choices,
    check_tolerance,
    finish,
    fraction_check,
    html_to_text,
    images_take,
    is_huge_number,
    parse_decimal,
    plain_text,
    points_from_grade,
    points_out_of_range,
    question_label,
    rich_is_empty,
    rich_text,
    short_name,
    shorten,
    unsupported,
)

if TYPE_CHECKING:  # type hints only; parsing always goes through defusedxml
    from xml.etree.ElementTree import Element

SUPPORTED_TYPES = (
    "multichoice",
    "multichoiceset",
    "truefalse",
    "numerical",
    "shortanswer",
    "match",
    "description",
    "essay",
    "ordering",
)


def parse(content: str) -> ParseResult:
    """Parse a Moodle XML question file."""
    root = _read_xml(content)
    questions: list[ParsedQuestion] = []
    skipped: list[str] = []
    errors: list[str] = []
    categories: list[ParsedCategory] = []
    path: tuple[str, ...] = ()
    number = 0
    for element in root.findall("question"):
        qtype = (element.get("type") or "").strip()
        if qtype == "category":
            path = category_path(_category_path(element))
            info = element.find("info")
            description = ""
            if info is not None:
                description = rich_text(
                    _child_text(info, "text"), info.get("format", "html")
                )
            if path:
                categories.append(ParsedCategory(path, description))
            continue
        number += 1
        name = html_to_text(_child_text(element, "name/text"))
        label = question_label(name, number)
        if qtype not in SUPPORTED_TYPES:
            skipped.append(unsupported(label, qtype or "?"))
            continue
        try:
            question = _parse_question(element, qtype, name, label)
        except QuestionError as exc:
            errors.append(str(exc))
            continue
        question.category_path = path
        question.category = path[-1] if path else ""
        questions.append(question)
    result = finish(questions, skipped, errors)
    result.categories = categories
    return result


def _read_xml(content: str) -> Element:
    """The `<quiz>` root element, or ImportFailed for a file that is not
    well-formed Moodle XML."""
    try:
        root = SafeET.fromstring(content.lstrip("\ufeff"))
    except SafeET.ParseError as exc:
        line, column = exc.position
        reason = re.sub(r": line \d+, column \d+$", "", str(exc))
        raise ImportFailed(
            [
                _(
                    "The file is not valid XML: %(reason)s at line %(line)d, "
                    "column %(column)d."
                )
                % {"reason": reason, "line": line, "column": column + 1}
            ]
        ) from exc
    except DefusedXmlException as exc:
        raise ImportFailed(
            [
                _(
                    "The file uses XML entities or external references, "
                    "which are not allowed."
                )
            ]
        ) from exc
    if root.tag != "quiz":
        raise ImportFailed(
            [
                _(
                    "This is not a Moodle XML file: the root element is "
                    "<%(tag)s>, not <quiz>."
                )
                % {"tag": root.tag}
            ]
        )
    return root


def _child_text(element: Element, path: str) -> str:
    """Text of the child at `path` ("" if missing)."""
    child = element.find(path)
    return (child.text or "") if child is not None else ""


def _category_path(element: Element) -> str:
    """The category path of a `type="category"` entry (`<category><text>`,
    or the older `<category>` with the path directly inside)."""
    path = _child_text(element, "category/text")
    return path or _child_text(element, "category")


def _files(element: Element, label: str) -> dict[str, bytes]:
    """The base64 `<file name=...>` children of a text field, by name."""
    import base64
    import binascii

    files = {}
    for file in element.findall("file"):
        name = file.get("name") or ""
        try:
            files[name] = base64.b64decode(
                "".join((file.text or "").split()), validate=True
            )
        except (binascii.Error, ValueError) as exc:
            raise QuestionError(
                _("%(question)s: the embedded file %(name)s is not valid base64.")
                % {"question": label, "name": shorten(name)}
            ) from exc
    return files


def _rich_field(
    element: Element | None, label: str
) -> tuple[str, list[ParsedImage], list[str]]:
    """A Moodle text field (`<x format="..."><text>...</text><file/>`) as
    sanitised HTML, the pictures it embeds and notes about them."""
    if element is None:
        return "", [], []
    markup, images, notes = images_take(
        _child_text(element, "text"), _files(element, label), label
    )
    markup = rich_text(markup, element.get("format", "html"))
    if images or notes:  # a paragraph that only held a picture
        markup = re.sub(r"<p>\s*</p>", "", markup).strip()
    return markup, images, notes


def _formatted(element: Element, path: str, label: str = "") -> str:
    """Sanitised HTML of a Moodle text field with no pictures kept."""
    markup, _images, _notes = _rich_field(element.find(path), label)
    return markup


def _keep_one_image(
    question: ParsedQuestion, images: list[ParsedImage], notes: list[str], label: str
) -> ParsedImage | None:
    """The first picture; the others are named in a note."""
    question.notes.extend(notes)
    for extra in images[1:]:
        question.notes.append(
            _("%(question)s: only one picture is kept; %(name)s was left out.")
            % {"question": label, "name": extra.name}
        )
    return images[0] if images else None


def _parse_question(
    element: Element, qtype: str, name: str, label: str
) -> ParsedQuestion:
    """One supported question; raises QuestionError."""
    text, images, notes = _rich_field(element.find("questiontext"), label)
    if rich_is_empty(text) and not images:
        raise QuestionError(
            _("%(question)s: the question text is empty.") % {"question": label}
        )
    question = ParsedQuestion(
        kind="",
        name=name or short_name(text) or (images[0].alt if images else ""),
        text=text,
        explanation=_formatted(element, "generalfeedback", label),
        points=0 if qtype == "description" else _points(element, label),
        shuffle=_child_text(element, "shuffleanswers").strip().lower()
        not in ("0", "false"),
    )
    question.image = _keep_one_image(question, images, notes, label)
    if qtype != "description":
        question.notes.extend(_points_note(element, question.points, label))
    question.correct_feedback = _formatted(element, "correctfeedback", label)
    question.partial_feedback = _formatted(element, "partiallycorrectfeedback", label)
    question.incorrect_feedback = _formatted(element, "incorrectfeedback", label)
    fill = {
        "multichoice": _fill_multichoice,
        "multichoiceset": _fill_multichoiceset,
        "truefalse": _fill_truefalse,
        "numerical": _fill_numerical,
        "shortanswer": _fill_shortanswer,
        "match": _fill_match,
        "description": _fill_description,
        "essay": _fill_essay,
        "ordering": _fill_ordering,
    }[qtype]
    fill(question, element, label)
    return question


def _points(element: Element, label: str) -> int:
    """Points from `<defaultgrade>` (1 when absent)."""
    raw = _child_text(element, "defaultgrade").strip()
    if not raw:
        return 1
    grade = parse_decimal(raw)
    if is_huge_number(raw) or (grade is not None and grade > MAX_POINTS):
        raise QuestionError(points_out_of_range(label, shorten(raw)))
    if grade is None:
        raise QuestionError(
            _("%(question)s: the default grade '%(value)s' is not a number.")
            % {"question": label, "value": shorten(raw)}
        )
    return points_from_grade(grade)


def _points_note(element: Element, points: int, label: str) -> list[str]:
    """A note when a fractional default grade was rounded up to points."""
    raw = _child_text(element, "defaultgrade").strip()
    grade = parse_decimal(raw) if raw else None
    if grade is None or grade == points:
        return []
    return [
        _("%(question)s: the default grade %(grade)s became %(points)d points.")
        % {"question": label, "grade": shorten(raw), "points": points}
    ]


def _answers(
    element: Element, label: str, *, check: bool = True
) -> list[tuple[Decimal, Element]]:
    """The `<answer>` elements with their fraction in percent (0 when
    absent), each one of Moodle's grade fractions unless `check` is off
    (the ordering plugin stores positions there)."""
    answers = []
    for answer in element.findall("answer"):
        raw = answer.get("fraction", "0")
        if check:
            fraction = fraction_check(raw, label)
        else:
            fraction = parse_decimal(raw)
            if fraction is None:
                raise QuestionError(
                    _("%(question)s: the answer grade '%(value)s' is not a number.")
                    % {"question": label, "value": shorten(raw)}
                )
        answers.append((fraction, answer))
    return answers


def _answer_raw(answer: Element) -> str:
    """The plain text of an answer (numbers, short answers, true/false)."""
    raw = _child_text(answer, "text")
    if answer.get("format", "") in ("plain_text", "markdown", "moodle_auto_format"):
        return plain_text(raw)
    return html_to_text(raw)


def _answer_feedback(answer: Element, label: str) -> str:
    """Sanitised HTML of an answer's feedback."""
    return _formatted(answer, "feedback", label)


def _choice(
    question: ParsedQuestion, answer: Element, fraction: Decimal, label: str
) -> ParsedChoice | None:
    """A choice from an `<answer>` (its text and picture); None when it has
    neither, as Moodle ignores blank answers."""
    text, images, notes = _rich_field(answer, label)
    image = _keep_one_image(question, images, notes, label)
    if rich_is_empty(text) and image is None:
        return None
    return ParsedChoice(
        text,
        fraction > 0,
        _answer_feedback(answer, label),
        fraction=fraction,
        image=image,
    )


def _fill_multichoice(question: ParsedQuestion, element: Element, label: str) -> None:
    """Single or multiple choice (`<single>`); every answer keeps its
    fraction, its feedback and its picture."""
    question.single = _child_text(element, "single").strip().lower() not in (
        "false",
        "0",
    )
    question.kind = "single" if question.single else "multiple"
    for fraction, answer in _answers(element, label):
        choice = _choice(question, answer, fraction, label)
        if choice is not None:
            question.choices.append(choice)
    check_choices(question.choices, label)


def _fill_multichoiceset(
    question: ParsedQuestion, element: Element, label: str
) -> None:
    """The all-or-nothing multiple choice plugin: answers marked with a
    positive fraction must all be chosen, and nothing else."""
    question.kind, question.single, question.all_or_nothing = "multiple", False, True
    for answer in element.findall("answer"):
        value = parse_decimal(answer.get("fraction", "0"))
        fraction = Decimal(100) if value is not None and value > 0 else Decimal(0)
        choice = _choice(question, answer, fraction, label)
        if choice is not None:
            question.choices.append(choice)
    check_choices(question.choices, label)


def _fill_truefalse(question: ParsedQuestion, element: Element, label: str) -> None:
    """The answer graded 100% says whether the statement is true; each
    answer's feedback is kept. Answers not labelled "true"/"false" are
    taken as true then false, as in Moodle."""
    question.kind = "true_false"
    for position, (fraction, answer) in enumerate(_answers(element, label)):
        value = _answer_raw(answer).lower()
        if value not in ("true", "false"):
            value = "true" if position == 0 else "false"
        feedback = _answer_feedback(answer, label)
        if value == "true":
            question.true_feedback = feedback
        else:
            question.false_feedback = feedback
        if fraction >= 100:
            question.true_false_answer = value == "true"
    if question.true_false_answer is None:
        raise QuestionError(_("%(question)s: no correct answer.") % {"question": label})


def _fill_numerical(question: ParsedQuestion, element: Element, label: str) -> None:
    """Every answer with its tolerance, credit and feedback; `*` matches
    any other number."""
    question.kind = "numeric"
    for fraction, answer in _answers(element, label):
        raw = _answer_raw(answer)
        if raw == "*":
            question.choices.append(
                ParsedChoice(
                    "*", False, _answer_feedback(answer, label), fraction=fraction
                )
            )
            continue
        value = answer_number(raw, label)
        if value is None:
            raise QuestionError(
                _("%(question)s: '%(value)s' is not a number.")
                % {"question": label, "value": shorten(raw)}
            )
        tolerance = check_tolerance(
            _child_text(answer, "tolerance").strip() or "0", label
        )
        question.choices.append(
            ParsedChoice(
                raw,
                fraction > 0,
                _answer_feedback(answer, label),
                fraction=fraction,
                value=value,
                tolerance=tolerance,
            )
        )
    full = [c for c in question.choices if c.value is not None and c.credit >= 100]
    if not full:
        raise QuestionError(_("%(question)s: no correct answer.") % {"question": label})
    question.numeric_answer = full[0].value
    question.numeric_tolerance = full[0].tolerance or Decimal(0)
    if element.find("units/unit") is not None:
        question.notes.append(
            _("%(question)s: units are not imported; only the numbers are.")
            % {"question": label}
        )


def _fill_shortanswer(question: ParsedQuestion, element: Element, label: str) -> None:
    """Accepted answers with credit and feedback; `<usecase>` 1 makes the
    match case-sensitive; `*` is a wildcard."""
    question.kind = "short_answer"
    question.case_sensitive = _child_text(element, "usecase").strip() in (
        "1",
        "true",
    )
    for fraction, answer in _answers(element, label):
        raw = _answer_raw(answer)
        if raw:
            question.choices.append(
                ParsedChoice(
                    raw,
                    fraction > 0,
                    _answer_feedback(answer, label),
                    fraction=fraction,
                )
            )
    check_accepted(question.choices, label)


def _fill_match(question: ParsedQuestion, element: Element, label: str) -> None:
    """Pairs of `<subquestion>` (the item, HTML) and its `<answer>` (plain
    text); a subquestion without text adds a wrong answer only."""
    question.kind = "matching"
    for sub in element.findall("subquestion"):
        text, images, notes = _rich_field(sub, label)
        image = _keep_one_image(question, images, notes, label)
        match = html_to_text(_child_text(sub, "answer/text"))
        if not match:
            continue
        question.choices.append(
            ParsedChoice(
                text,
                not rich_is_empty(text) or image is not None,
                match=match,
                image=image,
            )
        )
    if sum(1 for choice in question.choices if choice.correct) < 2:
        raise QuestionError(
            _("%(question)s: needs at least two pairs.") % {"question": label}
        )


def _fill_description(question: ParsedQuestion, element: Element, label: str) -> None:
    """Text only, no answer and no points."""
    question.kind = "description"


def _fill_essay(question: ParsedQuestion, element: Element, label: str) -> None:
    """An essay; the grader information becomes the rubric."""
    question.kind = "essay"
    question.rubric = _formatted(element, "graderinfo", label)


def _fill_ordering(question: ParsedQuestion, element: Element, label: str) -> None:
    """Items in their correct order. The ordering plugin stores each item's
    position as its fraction (1, 2, 3...); a stable sort on it keeps file
    order when the fractions say nothing."""
    question.kind = "ordering"
    answers = sorted(_answers(element, label, check=False), key=lambda pair: pair[0])
    for _fraction, answer in answers:
        text, _images, _notes = _rich_field(answer, label)
        if not rich_is_empty(text):
            question.choices.append(ParsedChoice(text))
    if len(question.choices) < 2:
        raise QuestionError(
            _("%(question)s: needs at least two items to order.") % {"question": label}
        )
