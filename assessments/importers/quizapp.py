"""django-quiz-app import (github.com/tomwalker/django_quiz): the JSON that
`manage.py dumpdata` writes, a list of {"model", "pk", "fields"} records.

Questions use multi-table inheritance: a "quiz.question" row holds content,
explanation and category, and a "multichoice.mcquestion",
"true_false.tf_question" or "essay.essay_question" row with the same pk says
what kind it is. "multichoice.answer" rows belong to an mcquestion. Flattened
dumps, where the subclass row carries content/explanation/category itself,
are accepted too. Other models are ignored.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from .base import ImportFailed, ParsedChoice, ParsedQuestion, ParseResult, QuestionError
from .checks import check_choices, finish
from .markup import html_to_text, plain_text, rich_is_empty, rich_text
from .names import unsupported

BASE = "quiz.question"
CATEGORY = "quiz.category"
SUBCATEGORY = "quiz.subcategory"
ANSWER = "multichoice.answer"
SUBCLASSES = {
    "multichoice.mcquestion": "mcquestion",
    "true_false.tf_question": "tf_question",
    "essay.essay_question": "essay_question",
}
BASE_FIELDS = ("content", "explanation", "category")


@dataclass
class _Dump:
    """The records of a dump that matter, keyed by pk (as a string)."""

    categories: dict[str, str] = field(default_factory=dict)
    subcategories: dict[str, tuple[str, Any]] = field(default_factory=dict)
    bases: dict[str, dict[str, Any]] = field(default_factory=dict)
    subclasses: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    answers: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


def parse(content: str) -> ParseResult:
    """Parse a django-quiz-app dumpdata JSON file."""
    dump = _read(_load(content))
    questions: list[ParsedQuestion] = []
    errors: list[str] = []
    answers = _answers_by_question(dump, errors)
    for model, pk, fields in sorted(dump.subclasses, key=lambda row: _order(row[1])):
        try:
            questions.append(_question(dump, model, pk, fields, answers.get(pk, [])))
        except QuestionError as exc:
            errors.append(str(exc))
    typed = {pk for _model, pk, _fields in dump.subclasses}
    skipped = [
        unsupported(_("quiz-app question #%(pk)s") % {"pk": pk}, _("unknown type"))
        for pk in sorted(dump.bases, key=_order)
        if pk not in typed
    ]
    return finish(questions, skipped, errors)


def _load(content: str) -> list[Any]:
    """The decoded JSON list, or ImportFailed."""
    try:
        data = json.loads(content.lstrip("\ufeff"))
    except json.JSONDecodeError as exc:
        raise ImportFailed(
            [
                _(
                    "The file is not valid JSON: %(reason)s at line %(line)d, "
                    "column %(column)d."
                )
                % {"reason": exc.msg, "line": exc.lineno, "column": exc.colno}
            ]
        ) from exc
    except (ValueError, RecursionError) as exc:  # a huge integer, deep nesting
        raise ImportFailed(
            [
                _(
                    "The file cannot be read as JSON: a number is too long or "
                    "the data is nested too deeply."
                )
            ]
        ) from exc
    if not isinstance(data, list):
        raise ImportFailed(
            [_("This is not a django-quiz-app dump: expected a JSON list of records.")]
        )
    return data


def _read(records: list[Any]) -> _Dump:
    """Sort the records by model; ImportFailed for malformed records."""
    dump = _Dump()
    errors = []
    for index, record in enumerate(records, start=1):
        if not _is_record(record):
            errors.append(
                _("Record %(index)d is not a dumpdata record (model, pk, fields).")
                % {"index": index}
            )
            continue
        model, pk, fields = record["model"].lower(), str(record["pk"]), record["fields"]
        if model == CATEGORY:
            dump.categories[pk] = plain_text(str(fields.get("category") or ""))
        elif model == SUBCATEGORY:
            dump.subcategories[pk] = (
                plain_text(str(fields.get("sub_category") or "")),
                fields.get("category"),
            )
        elif model == BASE:
            dump.bases[pk] = fields
        elif model in SUBCLASSES:
            dump.subclasses.append((SUBCLASSES[model], pk, fields))
        elif model == ANSWER:
            dump.answers.append((pk, fields))
    if errors:
        raise ImportFailed(errors)
    return dump


def _is_record(record: Any) -> bool:
    """Whether `record` looks like {"model": str, "pk": ..., "fields": {}}."""
    return (
        isinstance(record, dict)
        and isinstance(record.get("model"), str)
        and record.get("pk") is not None
        and isinstance(record.get("fields"), dict)
    )


def _order(pk: str) -> tuple[int, int | str]:
    """Sort key: numeric pks in numeric order, then the others."""
    if pk.isascii() and pk.isdigit() and len(pk) <= 18:
        return (0, int(pk))
    return (1, pk)


def _answers_by_question(
    dump: _Dump, errors: list[str]
) -> dict[str, list[tuple[str, dict[str, Any]]]]:
    """The answers grouped by mcquestion pk, in pk order; an error for each
    answer whose question is not in the file."""
    mcquestions = {
        pk for model, pk, _fields in dump.subclasses if model == "mcquestion"
    }
    grouped: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for pk, fields in sorted(dump.answers, key=lambda row: _order(row[0])):
        question = str(fields.get("question"))
        if question not in mcquestions:
            errors.append(
                _(
                    "quiz-app answer #%(pk)s: its question #%(question)s "
                    "is not in the file."
                )
                % {"pk": pk, "question": question}
            )
            continue
        grouped.setdefault(question, []).append((pk, fields))
    return grouped


def _question(
    dump: _Dump,
    model: str,
    pk: str,
    fields: dict[str, Any],
    answers: list[tuple[str, dict[str, Any]]],
) -> ParsedQuestion:
    """One question from a subclass row and its base row; raises
    QuestionError."""
    name = _("quiz-app %(model)s #%(pk)s") % {"model": model, "pk": pk}
    base = _base_fields(dump, pk, fields, name)
    text = rich_text(str(base.get("content") or ""), "plain")
    if not html_to_text(text):
        raise QuestionError(
            _("%(question)s: the question text is empty.") % {"question": name}
        )
    question = ParsedQuestion(
        kind="essay",
        name=name,
        text=text,
        category=_category(dump, base.get("category"), name),
        explanation=rich_text(str(base.get("explanation") or ""), "plain"),
    )
    figure = str(base.get("figure") or "").strip()
    if figure:
        question.notes.append(
            _("%(question)s: the picture %(name)s is not in the dump and was left out.")
            % {"question": name, "name": figure[:80]}
        )
    if question.category:
        question.category_path = (question.category,)
        sub = dump.subcategories.get(str(base.get("sub_category")))
        if sub and sub[0]:
            question.category_path += (sub[0],)
            question.category = sub[0]
    if model == "mcquestion":
        _fill_choices(question, answers, name)
        _answer_order(question, fields)
    elif model == "tf_question":
        _fill_true_false(question, fields, name)
    return question


def _base_fields(
    dump: _Dump, pk: str, fields: dict[str, Any], name: str
) -> dict[str, Any]:
    """content/explanation/category from the quiz.question row with the same
    pk, overridden by the subclass row's own (flattened dumps)."""
    own = {key: fields[key] for key in BASE_FIELDS if key in fields}
    if pk not in dump.bases and "content" not in own:
        raise QuestionError(
            _("%(question)s: its quiz.question row is not in the file.")
            % {"question": name}
        )
    return {**dump.bases.get(pk, {}), **own}


def _category(dump: _Dump, value: Any, name: str) -> str:
    """The category name: `value` is a quiz.category pk, a name (flattened
    dumps) or null."""
    if value is None or value == "":
        return ""
    if isinstance(value, list) and value:  # a natural key
        value = value[0]
    if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
        if str(value) not in dump.categories:
            raise QuestionError(
                _("%(question)s: its category #%(pk)s is not in the file.")
                % {"question": name, "pk": value}
            )
        return dump.categories[str(value)]
    return plain_text(str(value))


def _fill_choices(
    question: ParsedQuestion, answers: list[tuple[str, dict[str, Any]]], name: str
) -> None:
    """Single choice if exactly one answer is correct, multiple if more."""
    question.choices = [
        ParsedChoice(
            rich_text(plain_text(str(fields.get("content") or "")), "plain"),
            fields.get("correct") is True,
        )
        for _pk, fields in answers
    ]
    if any(rich_is_empty(choice.text) for choice in question.choices):
        raise QuestionError(_("%(question)s: an answer is empty.") % {"question": name})
    check_choices(question.choices, name)
    correct = sum(1 for choice in question.choices if choice.correct)
    question.kind = "single" if correct == 1 else "multiple"
    # quiz-app marks a multiple-answer question right only when every
    # correct answer and nothing else is chosen
    question.single = correct == 1
    question.all_or_nothing = correct != 1


def _answer_order(question: ParsedQuestion, fields: dict[str, Any]) -> None:
    """quiz-app's `answer_order`: "none" shows the answers as entered and
    "content" sorted by their text, both in a fixed order ("keep the
    choices in this order"); "random" (or none given) shuffles them."""
    order = str(fields.get("answer_order") or "").strip().lower()
    if order == "content":
        question.choices.sort(key=lambda choice: choice.text)
    if order in ("none", "content"):
        question.shuffle = False


def _fill_true_false(
    question: ParsedQuestion, fields: dict[str, Any], name: str
) -> None:
    """The statement is true or false as `correct` says."""
    question.kind = "true_false"
    correct = fields.get("correct")
    if not isinstance(correct, bool):
        raise QuestionError(
            _("%(question)s: 'correct' must be true or false.") % {"question": name}
        )
    question.true_false_answer = correct
