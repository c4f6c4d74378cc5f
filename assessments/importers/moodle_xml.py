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

from .base import ImportFailed, ParsedChoice, ParsedQuestion, ParseResult
from .common import (
    MAX_POINTS,
    QuestionError,
    answer_number,
    category_leaf,
    check_choices,
    check_tolerance,
    finish,
    format_plain,
    format_text,
    html_to_text,
    is_huge_number,
    parse_decimal,
    points_from_grade,
    points_out_of_range,
    question_label,
    short_name,
    shorten,
    unsupported,
)

if TYPE_CHECKING:  # type hints only; parsing always goes through defusedxml
    from xml.etree.ElementTree import Element

SUPPORTED_TYPES = ("multichoice", "truefalse", "numerical", "essay", "ordering")


def parse(content: str) -> ParseResult:
    """Parse a Moodle XML question file."""
    root = _read_xml(content)
    questions: list[ParsedQuestion] = []
    skipped: list[str] = []
    errors: list[str] = []
    category = ""
    number = 0
    for element in root.findall("question"):
        qtype = (element.get("type") or "").strip()
        if qtype == "category":
            category = category_leaf(_category_path(element))
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
        question.category = category
        questions.append(question)
    return finish(questions, skipped, errors)


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


def _formatted(element: Element, path: str) -> str:
    """Simple HTML of a Moodle text field (`<path format="..."><text>`)."""
    field = element.find(path)
    if field is None:
        return ""
    return format_text(_child_text(field, "text"), field.get("format", "html"))


def _parse_question(
    element: Element, qtype: str, name: str, label: str
) -> ParsedQuestion:
    """One supported question; raises QuestionError."""
    text = _formatted(element, "questiontext")
    if not html_to_text(text):
        raise QuestionError(
            _("%(question)s: the question text is empty.") % {"question": label}
        )
    question = ParsedQuestion(
        kind="",
        name=name or short_name(text),
        text=text,
        explanation=_formatted(element, "generalfeedback"),
        points=_points(element, label),
    )
    fill = {
        "multichoice": _fill_multichoice,
        "truefalse": _fill_truefalse,
        "numerical": _fill_numerical,
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


def _answers(element: Element, label: str) -> list[tuple[Decimal, Element]]:
    """The `<answer>` elements with their fraction (0 when absent)."""
    answers = []
    for answer in element.findall("answer"):
        raw = answer.get("fraction", "0")
        fraction = parse_decimal(raw)
        if fraction is None:
            raise QuestionError(
                _("%(question)s: the answer grade '%(value)s' is not a number.")
                % {"question": label, "value": shorten(raw)}
            )
        answers.append((fraction, answer))
    return answers


def _answer_text(answer: Element) -> str:
    """Plain text of an answer."""
    return format_plain(_child_text(answer, "text"), answer.get("format", "html"))


def _answer_feedback(answer: Element) -> str:
    """Plain text of an answer's feedback."""
    feedback = answer.find("feedback")
    if feedback is None:
        return ""
    return format_plain(_child_text(feedback, "text"), feedback.get("format", "html"))


def _fill_multichoice(question: ParsedQuestion, element: Element, label: str) -> None:
    """single=true: the 100% answers are correct; single=false: every answer
    with a positive grade is. Blank answers are ignored, as in Moodle."""
    single = _child_text(element, "single").strip().lower() not in ("false", "0")
    question.kind = "single" if single else "multiple"
    for fraction, answer in _answers(element, label):
        text = _answer_text(answer)
        if not text:
            continue
        correct = fraction >= 100 if single else fraction > 0
        question.choices.append(ParsedChoice(text, correct, _answer_feedback(answer)))
    check_choices(question.choices, label)


def _fill_truefalse(question: ParsedQuestion, element: Element, label: str) -> None:
    """The answer graded 100% says whether the statement is true. Answers
    not labelled "true"/"false" are taken as true then false, as in Moodle."""
    question.kind = "true_false"
    for position, (fraction, answer) in enumerate(_answers(element, label)):
        value = _answer_text(answer).lower()
        if value not in ("true", "false"):
            value = "true" if position == 0 else "false"
        if fraction >= 100:
            question.true_false_answer = value == "true"
            return
    raise QuestionError(_("%(question)s: no correct answer.") % {"question": label})


def _fill_numerical(question: ParsedQuestion, element: Element, label: str) -> None:
    """The first answer graded 100%, with its tolerance."""
    question.kind = "numeric"
    for fraction, answer in _answers(element, label):
        if fraction < 100:
            continue
        raw = _answer_text(answer)
        value = answer_number(raw, label)
        if value is None:
            raise QuestionError(
                _("%(question)s: '%(value)s' is not a number.")
                % {"question": label, "value": shorten(raw)}
            )
        question.numeric_answer = value
        question.numeric_tolerance = check_tolerance(
            _child_text(answer, "tolerance").strip() or "0", label
        )
        return
    raise QuestionError(_("%(question)s: no correct answer.") % {"question": label})


def _fill_essay(question: ParsedQuestion, element: Element, label: str) -> None:
    """An essay; the grader information becomes the rubric."""
    question.kind = "essay"
    question.rubric = _formatted(element, "graderinfo")


def _fill_ordering(question: ParsedQuestion, element: Element, label: str) -> None:
    """Items in their correct order. The ordering plugin stores each item's
    position as its fraction (1, 2, 3...); a stable sort on it keeps file
    order when the fractions say nothing."""
    question.kind = "ordering"
    answers = sorted(_answers(element, label), key=lambda pair: pair[0])
    for _fraction, answer in answers:
        text = _answer_text(answer)
        if text:
            question.choices.append(ParsedChoice(text))
    if len(question.choices) < 2:
        raise QuestionError(
            _("%(question)s: needs at least two items to order.") % {"question": label}
        )
