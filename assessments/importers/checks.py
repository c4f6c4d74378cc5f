"""What every parsed question must satisfy to be stored, whatever format it
came from: enough answers and a correct one, a valid tolerance, text that
fits its field and the database, numbers and points in range. `finish`
applies the storage checks to a parser's questions."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..kinds import kind_for
from ..text import text_printable, text_storable
from .base import ImportFailed, ParsedChoice, ParsedQuestion, ParseResult, QuestionError
from .names import question_label, shorten
from .numbers import (
    MAX_POINTS,
    answer_fits,
    answer_number,
    out_of_range,
    points_out_of_range,
)

# Fields with a length limit (the model's max_length), and what the
# message calls them.
LENGTH_LIMITS = {
    "name": (255, gettext_lazy("the name")),
    "image_alt": (250, gettext_lazy("the picture's alt text")),
    "match": (500, gettext_lazy("a matching answer")),
    "category": (255, gettext_lazy("a category name")),
    "unit": (20, gettext_lazy("the unit")),
}


def length_problems(question: ParsedQuestion, number: int) -> list[str]:
    """Why a field would cut `question`'s text (one message per value)."""
    label = question_label(question.name[:80], number)
    values = [("name", question.name), ("unit", question.unit)]
    values += [("category", name) for name in question.category_path]
    images = [question.image] + [choice.image for choice in question.choices]
    values += [("image_alt", image.alt) for image in images if image]
    values += [("match", choice.match) for choice in question.choices]
    problems = []
    for key, value in values:
        limit, what = LENGTH_LIMITS[key]
        if len(value) > limit:
            problems.append(
                _(
                    "%(question)s: %(what)s has %(length)d characters; at "
                    "most %(limit)d fit, so it would be cut. Shorten it."
                )
                % {
                    "question": label,
                    "what": what,
                    "length": len(value),
                    "limit": limit,
                }
            )
    return problems


def _storage_problems(question: ParsedQuestion, label: str) -> list[str]:
    """Why `question` cannot be stored as it is (both databases): text with
    NUL characters or invalid Unicode, numbers beyond the model's columns,
    too many points."""
    problems = []
    texts = [question.name, question.text, question.category, question.explanation]
    texts += [question.rubric]
    texts += [question.true_feedback, question.false_feedback]
    texts += [
        question.correct_feedback,
        question.partial_feedback,
        question.incorrect_feedback,
    ]
    texts += [
        part
        for choice in question.choices
        for part in (choice.text, choice.feedback, choice.match)
    ]
    if not all(text_storable(text) for text in texts):
        problems.append(
            _(
                "%(question)s: the text contains a NUL character or invalid "
                "Unicode, which cannot be stored."
            )
            % {"question": label}
        )
    numbers = [
        number
        for choice in question.choices
        for number in (choice.value, choice.tolerance)
    ]
    for value in numbers:
        if value is not None and not answer_fits(value):
            problems.append(out_of_range(label, str(value)))
    lowest = 1 if kind_for(question.kind).asks else 0
    if not lowest <= question.points <= MAX_POINTS:
        problems.append(points_out_of_range(label, str(question.points)))
    return problems


def finish(
    questions: list[ParsedQuestion], skipped: list[str], errors: list[str]
) -> ParseResult:
    """The parse result: `errors` (one per refused question) become its
    `refused` list, and every question is checked to be storable here
    (`_storage_problems`, `length_problems`), whichever format it came
    from; a question that is not is refused whole. ImportFailed only for
    a file with no question at all."""
    kept = []
    length_errors = []
    for number, question in enumerate(questions, start=1):
        label = question_label(text_printable(question.name), number)
        problems = _storage_problems(question, label)
        lengths = length_problems(question, number)
        errors.extend(problems)
        length_errors.extend(lengths)
        if not problems and not lengths:
            kept.append(question)
    errors.extend(length_errors)
    if not errors and not kept:
        if skipped:
            errors = [_("The file contains no question of a supported type.")]
        else:
            errors = [_("The file contains no questions.")]
        raise ImportFailed(errors, skipped)
    return ParseResult(questions=kept, skipped=skipped, refused=errors)


def check_choices(choices: list[ParsedChoice], label: str) -> None:
    """A choice question needs two choices and a correct one."""
    if len(choices) < 2:
        raise QuestionError(
            _("%(question)s: needs at least two answers.") % {"question": label}
        )
    if not any(choice.correct for choice in choices):
        raise QuestionError(_("%(question)s: no correct answer.") % {"question": label})


def check_accepted(choices: list[ParsedChoice], label: str) -> None:
    """A short-answer question needs an answer that earns credit."""
    if not any(choice.correct for choice in choices):
        raise QuestionError(_("%(question)s: no correct answer.") % {"question": label})


def check_tolerance(raw: str, label: str) -> Decimal:
    """A tolerance: a number, not negative."""
    tolerance = answer_number(raw, label)
    if tolerance is None:
        raise QuestionError(
            _("%(question)s: '%(value)s' is not a number.")
            % {"question": label, "value": shorten(raw)}
        )
    if tolerance < 0:
        raise QuestionError(
            _("%(question)s: the tolerance %(value)s is negative.")
            % {"question": label, "value": raw}
        )
    return tolerance
