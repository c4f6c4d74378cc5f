"""Moodle XML question import (https://docs.moodle.org/en/Moodle_XML_format).

The file is a `<quiz>` of `<question type="...">` elements. Supported types:
multichoice (single or multiple), truefalse, numerical, essay and the
`ordering` plugin; `type="category"` entries set the category of the
questions after them; every other type is reported in `ParseResult.skipped`.

This module also holds the text helpers the GIFT and quiz-app parsers share
(HTML cleanup, plain text, category paths, numbers, question labels).
"""

from __future__ import annotations

import base64
import binascii
import re
from decimal import Decimal
from typing import TYPE_CHECKING
from urllib.parse import quote

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .base import (
    ImportFailed,
    ParsedCategory,
    ParsedChoice,
    ParsedImage,
    ParsedQuestion,
    ParseResult,
    QuestionError,
)
from .checks import check_accepted, check_choices, check_tolerance, finish
from .markup import html_to_text, plain_text, rich_is_empty, rich_text
from .media import PLUGINFILE, media_take
from .names import category_path, question_label, short_name, shorten, unsupported
from .numbers import (
    MAX_POINTS,
    answer_number,
    fraction_check,
    is_huge_number,
    parse_decimal,
    points_from_grade,
    points_out_of_range,
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
    unread: dict[str, int] = {}
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
        for tag in _unread_settings(element):
            unread[tag] = unread.get(tag, 0) + 1
    result = finish(questions, skipped, errors)
    result.categories = categories
    if unread:
        result.file_notes.append(
            _(
                "Moodle settings Sinau does not have were not imported "
                "(setting: number of questions): %(settings)s."
            )
            % {
                "settings": ", ".join(
                    f"{tag}: {count}" for tag, count in sorted(unread.items())
                )
            }
        )
    return result


# What the parser reads of a question; any other child with a value is a
# Moodle setting Sinau has no place for, named once per file in the report.
READ_TAGS = frozenset(
    {
        "name",
        "questiontext",
        "generalfeedback",
        "defaultgrade",
        "shuffleanswers",
        "correctfeedback",
        "partiallycorrectfeedback",
        "incorrectfeedback",
        "single",
        "answer",
        "usecase",
        "subquestion",
        "graderinfo",
        "units",
        "image",
        "image_base64",
    }
)
_SETTING_DEFAULTS = {"hidden": "0", "idnumber": ""}


def _unread_settings(element: Element) -> list[str]:
    """The children of a question the parser does not read that hold a
    value (text anywhere inside; `<hidden>0</hidden>` is Sinau's own
    behaviour and not counted)."""
    found = []
    for child in element:
        if child.tag in READ_TAGS or not isinstance(child.tag, str):
            continue
        value = "".join(child.itertext()).strip()
        if value and value != _SETTING_DEFAULTS.get(child.tag):
            found.append(child.tag)
    return found


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
    element: Element | None,
    label: str,
    where,
    *,
    pictures: bool = True,
    side: str = "after",
) -> tuple[str, list[ParsedImage], list[str]]:
    """A Moodle text field (`<x format="..."><text>...</text><file/>`) as
    sanitised HTML, the pictures it embeds and notes on what was changed
    or left out (see `common.media_take`; `where` names the field)."""
    if element is None:
        return "", [], []
    markup, images, notes = media_take(
        _child_text(element, "text"),
        _files(element, label),
        label,
        where,
        pictures=pictures,
        side=side,
    )
    markup = rich_text(markup, element.get("format", "html"))
    if images or notes:  # a paragraph that only held a picture
        markup = re.sub(r"<p>\s*</p>", "", markup).strip()
    return markup, images, notes


def _formatted(
    question: ParsedQuestion, element: Element | None, label: str, where
) -> str:
    """Sanitised HTML of a Moodle text field that holds no picture (a
    feedback, the grader information); what it loses is noted on
    `question`."""
    markup, _images, notes = _rich_field(element, label, where, pictures=False)
    question.notes.extend(notes)
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


def _numbered(message: str, number: int):
    """A `where` for `media_take`: `message` (marked with gettext_noop
    where it is written) with its number, translated only when a note
    needs it."""
    return lambda: _(message) % {"number": number}


def _RIGHT() -> str:
    return _("the feedback for a right answer")


def _PARTLY() -> str:
    return _("the feedback for a partly right answer")


def _WRONG() -> str:
    return _("the feedback for a wrong answer")


def _legacy_image(element: Element, label: str) -> tuple[list[ParsedImage], list[str]]:
    """Moodle 1.x's question picture: `<image>name</image>` with its bytes
    in `<image_base64>` (shown after the text, as Moodle 2 converts it), or
    a note when the file does not carry it."""
    name = _child_text(element, "image").strip()
    data = "".join(_child_text(element, "image_base64").split())
    if not name and not data:
        return [], []
    name = name.replace("\\", "/").rsplit("/", 1)[-1] or "image"
    try:
        decoded = base64.b64decode(data, validate=True) if data else b""
    except (binascii.Error, ValueError):
        decoded = b""
    markup = f'<img src="{PLUGINFILE}{quote(name)}">'
    files = {name: decoded} if decoded else {}
    _markup, images, notes = media_take(
        markup, files, label, _("the question picture (<image>)")
    )
    return images, notes


def _parse_question(
    element: Element, qtype: str, name: str, label: str
) -> ParsedQuestion:
    """One supported question; raises QuestionError. Moodle's
    `<shuffleanswers>` 0/false becomes "keep the choices in this order"."""
    text, images, notes = _rich_field(
        element.find("questiontext"), label, lambda: _("the question text")
    )
    legacy_images, legacy_notes = _legacy_image(element, label)
    images += legacy_images
    notes += legacy_notes
    if rich_is_empty(text) and not images:
        raise QuestionError(
            _("%(question)s: the question text is empty.") % {"question": label}
        )
    question = ParsedQuestion(
        kind="",
        name=name or short_name(text) or (images[0].alt if images else ""),
        text=text,
        points=0 if qtype == "description" else _points(element, label),
        shuffle=_child_text(element, "shuffleanswers").strip().lower()
        not in ("0", "false"),
    )
    question.image = _keep_one_image(question, images, notes, label)
    question.explanation = _formatted(
        question,
        element.find("generalfeedback"),
        label,
        lambda: _("the general feedback"),
    )
    if qtype != "description":
        question.notes.extend(_points_note(element, question.points, label))
    for attribute, tag, where in (
        ("correct_feedback", "correctfeedback", _RIGHT),
        ("partial_feedback", "partiallycorrectfeedback", _PARTLY),
        ("incorrect_feedback", "incorrectfeedback", _WRONG),
    ):
        markup = _formatted(question, element.find(tag), label, where)
        setattr(question, attribute, markup)
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


def _answer_feedback(
    question: ParsedQuestion, answer: Element, label: str, number: int
) -> str:
    """Sanitised HTML of the feedback of answer `number` (from 1)."""
    return _formatted(
        question,
        answer.find("feedback"),
        label,
        _numbered(gettext_noop("the feedback of answer %(number)d"), number),
    )


def _choice(
    question: ParsedQuestion,
    answer: Element,
    fraction: Decimal,
    label: str,
    number: int,
) -> ParsedChoice | None:
    """A choice from answer `number` (its text and picture); None when it
    has neither, as Moodle ignores blank answers."""
    text, images, notes = _rich_field(
        answer,
        label,
        _numbered(gettext_noop("answer %(number)d"), number),
        side="before",
    )
    image = _keep_one_image(question, images, notes, label)
    feedback = _answer_feedback(question, answer, label, number)
    if rich_is_empty(text) and image is None:
        if fraction or not rich_is_empty(feedback):
            question.notes.append(
                _(
                    "%(question)s: answer %(number)d has no text, so it was "
                    "left out with its grade and feedback, as Moodle does."
                )
                % {"question": label, "number": number}
            )
        return None
    return ParsedChoice(
        text,
        fraction > 0,
        feedback,
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
    for number, (fraction, answer) in enumerate(_answers(element, label), start=1):
        choice = _choice(question, answer, fraction, label, number)
        if choice is not None:
            question.choices.append(choice)
    check_choices(question.choices, label)


def _fill_multichoiceset(
    question: ParsedQuestion, element: Element, label: str
) -> None:
    """The all-or-nothing multiple choice plugin: answers marked with a
    positive fraction must all be chosen, and nothing else. A fraction
    that is one of Moodle's grades is kept as written; any other counts as
    right (positive) or wrong."""
    question.kind, question.single, question.all_or_nothing = "multiple", False, True
    for number, answer in enumerate(element.findall("answer"), start=1):
        raw = answer.get("fraction", "0")
        value = parse_decimal(raw)
        fraction = Decimal(100) if value is not None and value > 0 else Decimal(0)
        try:  # one of Moodle's fractions is kept as written (Sinau's export)
            fraction = fraction_check(raw, label)
        except QuestionError:
            pass  # the plugin's own 1/0: right or wrong
        choice = _choice(question, answer, fraction, label, number)
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
        feedback = _answer_feedback(question, answer, label, position + 1)
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
    for number, (fraction, answer) in enumerate(_answers(element, label), start=1):
        raw = _answer_raw(answer)
        feedback = _answer_feedback(question, answer, label, number)
        if raw == "*":
            question.choices.append(
                ParsedChoice("*", False, feedback, fraction=fraction)
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
                feedback,
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
    _units(question, element, label)


def _units(question: ParsedQuestion, element: Element, label: str) -> None:
    """The first `<unit>` worth 1 (multiplier 1) is the question's unit,
    shown next to the answer box; any other unit is named in a note (Sinau
    reads numbers only, so "5 km" is not "5000 m")."""
    for unit in element.findall("units/unit"):
        name = plain_text(_child_text(unit, "unit_name"))
        multiplier = parse_decimal(_child_text(unit, "multiplier").strip() or "1")
        if name and multiplier == 1 and not question.unit:
            question.unit = name
        elif name:
            question.notes.append(
                _(
                    "%(question)s: the unit %(unit)s (multiplier %(multiplier)s) "
                    "is not imported; Sinau shows one unit and reads numbers only."
                )
                % {
                    "question": label,
                    "unit": shorten(name),
                    "multiplier": shorten(_child_text(unit, "multiplier")),
                }
            )


def _fill_shortanswer(question: ParsedQuestion, element: Element, label: str) -> None:
    """Accepted answers with credit and feedback; `<usecase>` 1 makes the
    match case-sensitive; `*` is a wildcard."""
    question.kind = "short_answer"
    question.case_sensitive = _child_text(element, "usecase").strip() in (
        "1",
        "true",
    )
    for number, (fraction, answer) in enumerate(_answers(element, label), start=1):
        raw = _answer_raw(answer)
        if raw:
            question.choices.append(
                ParsedChoice(
                    raw,
                    fraction > 0,
                    _answer_feedback(question, answer, label, number),
                    fraction=fraction,
                )
            )
    check_accepted(question.choices, label)


def _fill_match(question: ParsedQuestion, element: Element, label: str) -> None:
    """Pairs of `<subquestion>` (the item, HTML) and its `<answer>` (plain
    text); a subquestion without text adds a wrong answer only."""
    question.kind = "matching"
    for number, sub in enumerate(element.findall("subquestion"), start=1):
        text, images, notes = _rich_field(
            sub, label, _numbered(gettext_noop("matching item %(number)d"), number)
        )
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
    question.rubric = _formatted(
        question,
        element.find("graderinfo"),
        label,
        lambda: _("the grader information"),
    )


def _fill_ordering(question: ParsedQuestion, element: Element, label: str) -> None:
    """Items in their correct order. The ordering plugin stores each item's
    position as its fraction (1, 2, 3...); a stable sort on it keeps file
    order when the fractions say nothing."""
    question.kind = "ordering"
    answers = sorted(_answers(element, label, check=False), key=lambda pair: pair[0])
    for number, (_fraction, answer) in enumerate(answers, start=1):
        text, images, notes = _rich_field(
            answer,
            label,
            _numbered(gettext_noop("item %(number)d"), number),
            side="before",
        )
        image = _keep_one_image(question, images, notes, label)
        if not rich_is_empty(text) or image is not None:
            question.choices.append(ParsedChoice(text, image=image))
    if len(question.choices) < 2:
        raise QuestionError(
            _("%(question)s: needs at least two items to order.") % {"question": label}
        )
