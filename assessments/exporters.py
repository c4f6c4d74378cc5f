"""Question-bank export: Moodle XML and GIFT, a category and its children.

`questions_export(category=..., fmt="moodle"|"gift")` returns the file and
notes on what the format could not hold. The files are what the importers
read back (assessments/importers), so export -> import into an empty bank
-> export gives the same file: categories in a fixed order (depth first,
children by name, each with its full path from the top), questions by id,
numbers written exactly, pictures embedded (Moodle XML) under a name made
from their content, so the same picture always gets the same name.

Moodle XML keeps every value the bank holds: combined feedback (right,
partly right, wrong) for every type that has it, "keep the choices in
this order" as `<shuffleanswers>false</shuffleanswers>`, a numeric
question's unit as its one `<unit>` (multiplier 1); only a practice
product (Sinau's own) is left out, with a note. GIFT embeds pictures as
data: URIs (its only way), but has no points, category descriptions,
ordering questions, rubrics, case-sensitive short answers, all-or-nothing
scoring, combined feedback, fixed choice order, units or matching items'
pictures: such values are left out and each is named in the notes (an
ordering question is left out whole), which the export page shows before
the download.
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass, field
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from .models import Choice, MultipleScoring, Question, QuestionCategory
from .rich_text import html_clean

FORMATS = ("moodle", "gift")


@dataclass
class ExportResult:
    """`content`: the file's text; `notes`: what was left out, by question;
    `count`: questions exported; `filename`: a suggested file name."""

    content: str
    count: int
    filename: str
    notes: list[str] = field(default_factory=list)


def questions_export(*, category: QuestionCategory, fmt: str) -> ExportResult:
    """Export `category` and every subcategory (at any depth) as Moodle XML
    (`fmt="moodle"`) or GIFT (`fmt="gift"`). Reads only; a fixed number of
    queries whatever the number of questions. Raises ValueError for an
    unknown format."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    tree = _tree(category)
    questions: dict[int, list[Question]] = {node.pk: [] for node, _path in tree}
    for question in (
        Question.objects.filter(category_id__in=questions)
        .select_related("image")
        .prefetch_related(_choices())
        .order_by("pk")
    ):
        questions[question.category_id].append(question)
    writer = _MoodleWriter() if fmt == "moodle" else _GiftWriter()
    for node, path in tree:
        writer.category(node, path)
        for question in questions[node.pk]:
            writer.question(question)
    slug = "-".join(category.path_names()).replace(" ", "_")[:80] or "bank"
    extension = "xml" if fmt == "moodle" else "txt"
    return ExportResult(
        content=writer.result(),
        count=writer.count,
        filename=f"{slug}.{extension}",
        notes=writer.notes,
    )


def _choices():
    return Prefetch(
        "choices",
        queryset=Choice.objects.select_related("image").order_by("sort_order", "pk"),
    )


def _tree(root: QuestionCategory) -> list[tuple[QuestionCategory, list[str]]]:
    """`root` and its subcategories, depth first, children by name, each
    with its path of names from the top (one query)."""
    nodes = {node.pk: node for node in QuestionCategory.objects.all()}
    children: dict[int | None, list[QuestionCategory]] = {}
    for node in nodes.values():
        children.setdefault(node.parent_id, []).append(node)
    path = []
    node = nodes[root.pk]
    seen = set()
    while node is not None and node.pk not in seen:
        seen.add(node.pk)
        path.insert(0, node.name)
        node = nodes.get(node.parent_id)
    found: list[tuple[QuestionCategory, list[str]]] = []
    todo = [(nodes[root.pk], path)]
    visited: set[int] = set()
    while todo:
        node, node_path = todo.pop()
        if node.pk in visited:
            continue
        visited.add(node.pk)
        found.append((node, node_path))
        for child in sorted(
            children.get(node.pk, []), key=lambda c: (c.name, c.pk), reverse=True
        ):
            todo.append((child, [*node_path, child.name]))
    return found


def number_text(value) -> str:
    """A Decimal written exactly, without exponent or trailing zeros."""
    if value is None:
        return ""
    text = format(Decimal(value).normalize(), "f")
    return "0" if text in ("-0", "") else text


def _picture_name(image) -> str:
    """A file name from the picture's content (stable across round trips)."""
    image.file.open("rb")
    try:
        data = image.file.read()
    finally:
        image.file.close()
    extension = os.path.splitext(image.file.name)[1].lower() or ".png"
    return hashlib.sha256(data).hexdigest()[:16] + extension, data


def _label(question: Question) -> str:
    return _("Question '%(name)s'") % {"name": question.name or str(question)}


class _MoodleWriter:
    def __init__(self):
        self.parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n']
        self.notes: list[str] = []
        self.count = 0

    def result(self) -> str:
        return "".join([*self.parts, "</quiz>\n"])

    def category(self, node: QuestionCategory, path: list[str]) -> None:
        moodle_path = "/".join(
            ["$course$", "top", *(name.replace("/", "//") for name in path)]
        )
        self.parts.append(
            '  <question type="category">\n'
            f"    <category><text>{escape(moodle_path)}</text></category>\n"
            f'    <info format="html"><text>{escape(html_clean(node.description))}'
            "</text></info>\n"
            "  </question>\n"
        )

    def _text(self, tag: str, markup: str, image=None, alt: str = "") -> str:
        """`<tag format="html"><text>...</text><file/></tag>`; a picture is
        an img at the end of the text with its file embedded."""
        markup = html_clean(markup)
        files = ""
        if image is not None:
            name, data = _picture_name(image)
            markup += f'<img src="@@PLUGINFILE@@/{name}" alt={quoteattr(alt)}>'
            encoded = base64.b64encode(data).decode()
            files = f'<file name={quoteattr(name)} path="/" encoding="base64">'
            files += f"{encoded}</file>"
        return f'<{tag} format="html"><text>{escape(markup)}</text>{files}</{tag}>'

    def question(self, question: Question) -> None:
        kind = question.kind
        qtype = {
            "single": "multichoice",
            "multiple": "multichoice",
            "true_false": "truefalse",
            "numeric": "numerical",
            "short_answer": "shortanswer",
            "matching": "match",
            "description": "description",
            "essay": "essay",
            "ordering": "ordering",
        }[kind]
        all_or_nothing = (
            kind == "multiple"
            and question.multiple_scoring == MultipleScoring.ALL_OR_NOTHING
        )
        if all_or_nothing:
            qtype = "multichoiceset"
        lines = [
            f'  <question type="{qtype}">',
            f"    <name><text>{escape(question.name or str(question))}</text></name>",
            "    "
            + self._text(
                "questiontext", question.text, question.image, question.image_alt
            ),
            "    " + self._text("generalfeedback", question.explanation),
            f"    <defaultgrade>{question.points}</defaultgrade>",
            "    <penalty>0.3333333</penalty>",
            "    <hidden>0</hidden>",
        ]
        choices = list(question.choices.all())
        shuffle = "false" if question.keep_choice_order else "true"
        if question.product_id:
            self.notes.append(
                _("%(question)s: the practice product is not exported.")
                % {"question": _label(question)}
            )
        combined = kind in ("single", "multiple", "matching", "ordering") or any(
            (
                question.correct_feedback,
                question.partial_feedback,
                question.incorrect_feedback,
            )
        )
        if combined:
            for tag, value in (
                ("correctfeedback", question.correct_feedback),
                ("partiallycorrectfeedback", question.partial_feedback),
                ("incorrectfeedback", question.incorrect_feedback),
            ):
                lines.append("    " + self._text(tag, value))
        if kind in ("single", "multiple"):
            lines.append(
                f"    <single>{'true' if kind == 'single' else 'false'}</single>"
            )
            lines.append(f"    <shuffleanswers>{shuffle}</shuffleanswers>")
            lines.append("    <answernumbering>abc</answernumbering>")
            for choice in choices:
                lines.append(self._answer(choice, choice.fraction, choice.text, True))
        elif kind == "true_false":
            for value, feedback in (
                ("true", question.true_feedback),
                ("false", question.false_feedback),
            ):
                right = (value == "true") == bool(question.true_false_answer)
                lines.append(
                    f'    <answer fraction="{100 if right else 0}" '
                    f'format="moodle_auto_format"><text>{value}</text>'
                    + self._text("feedback", feedback)
                    + "</answer>"
                )
        elif kind == "numeric":
            for choice in choices:
                raw = "*" if choice.number is None else number_text(choice.number)
                lines.append(
                    f'    <answer fraction="{number_text(choice.fraction)}" '
                    f'format="moodle_auto_format"><text>{escape(raw)}</text>'
                    + self._text("feedback", choice.feedback)
                    + f"<tolerance>{number_text(choice.tolerance)}</tolerance>"
                    "</answer>"
                )
            if question.numeric_unit:
                lines.append(
                    "    <units><unit><multiplier>1</multiplier>"
                    f"<unit_name>{escape(question.numeric_unit)}</unit_name>"
                    "</unit></units>"
                )
        elif kind == "short_answer":
            lines.append(
                f"    <usecase>{1 if question.case_sensitive else 0}</usecase>"
            )
            for choice in choices:
                lines.append(
                    f'    <answer fraction="{number_text(choice.fraction)}" '
                    f'format="moodle_auto_format"><text>{escape(choice.text)}</text>'
                    + self._text("feedback", choice.feedback)
                    + "</answer>"
                )
        elif kind == "matching":
            lines.append(f"    <shuffleanswers>{shuffle}</shuffleanswers>")
            for choice in choices:
                lines.append(
                    "    "
                    + self._text(
                        "subquestion", choice.text, choice.image, choice.image_alt
                    )[: -len("</subquestion>")]
                    + f"<answer><text>{escape(choice.match_text)}</text></answer>"
                    "</subquestion>"
                )
        elif kind == "essay":
            lines.append("    <responseformat>editor</responseformat>")
            lines.append("    " + self._text("graderinfo", question.rubric))
        elif kind == "ordering":
            for position, choice in enumerate(choices, start=1):
                lines.append(self._answer(choice, position, choice.text, False))
        lines.append("  </question>\n")
        self.parts.append("\n".join(lines))
        self.count += 1

    def _answer(self, choice: Choice, fraction, text: str, feedback: bool) -> str:
        body = self._text("answer", text, choice.image, choice.image_alt)
        body = body[: -len("</answer>")]
        if feedback:
            body += self._text("feedback", choice.feedback)
        fraction = number_text(fraction)
        return (
            "    "
            + body.replace(
                '<answer format="html">',
                f'<answer fraction="{fraction}" format="html">',
                1,
            )
            + "</answer>"
        )


_GIFT_SPECIAL = str.maketrans(
    {
        "\\": "\\\\",
        "~": "\\~",
        "=": "\\=",
        "#": "\\#",
        "{": "\\{",
        "}": "\\}",
        ":": "\\:",
        "\n": "\\n",
    }
)


def _data_img(image, alt: str) -> str:
    """A picture as an `<img>` with a data: URI (GIFT's only way to embed
    one), or "" without a picture."""
    if image is None:
        return ""
    name, data = _picture_name(image)
    kind = {"jpg": "jpeg"}.get(name.rsplit(".", 1)[-1], name.rsplit(".", 1)[-1])
    encoded = base64.b64encode(data).decode()
    return f'<img src="data:image/{kind};base64,{encoded}" alt={quoteattr(alt)}>'


def gift_escape(text: str) -> str:
    """Text with GIFT's special characters escaped, on one line."""
    return (text or "").replace("\r", "").translate(_GIFT_SPECIAL)


class _GiftWriter:
    def __init__(self):
        self.parts: list[str] = []
        self.notes: list[str] = []
        self.count = 0

    def result(self) -> str:
        return "\n".join(self.parts)

    def category(self, node: QuestionCategory, path: list[str]) -> None:
        moodle_path = "/".join(
            ["$course$", "top", *(name.replace("/", "//") for name in path)]
        )
        self.parts.append(f"$CATEGORY: {moodle_path}\n")
        if node.description:
            self.notes.append(
                _("Category “%(name)s”: GIFT has no category descriptions.")
                % {"name": node.name}
            )

    def _note(self, question: Question, what: str) -> None:
        self.notes.append(
            _("%(question)s: %(what)s is not exported (GIFT cannot hold it).")
            % {"question": _label(question), "what": what}
        )

    def question(self, question: Question) -> None:
        kind = question.kind
        text = html_clean(question.text)
        if kind == "ordering":
            self.notes.append(
                _("%(question)s: left out (GIFT cannot hold %(what)s).")
                % {"question": _label(question), "what": _("ordering questions")}
            )
            return
        text += _data_img(question.image, question.image_alt)
        if question.points != 1 and kind != "description":
            self._note(question, _("the points"))
        if any(
            (
                question.correct_feedback,
                question.partial_feedback,
                question.incorrect_feedback,
            )
        ):
            self._note(
                question,
                _("the feedback for a right, partly right or wrong answer"),
            )
        if question.keep_choice_order and kind in ("single", "multiple", "matching"):
            self._note(question, _("“keep the choices in this order”"))
        if question.numeric_unit and kind == "numeric":
            self._note(question, _("the unit"))
        if question.product_id:
            self._note(question, _("the practice product"))
        head = f"::{gift_escape(question.name or str(question))}::[html]"
        head += gift_escape(text)
        if kind == "description":
            if question.explanation:
                self._note(question, _("the general feedback"))
            self.parts.append(head + "\n")
            self.count += 1
            return
        body = self._answers(question)
        if question.explanation:
            body += "####" + gift_escape(html_clean(question.explanation))
        self.parts.append(head + "{" + body + "}\n")
        self.count += 1

    def _answers(self, question: Question) -> str:
        kind = question.kind
        choices = list(question.choices.all())
        if kind in ("single", "multiple"):
            if question.multiple_scoring == MultipleScoring.ALL_OR_NOTHING and (
                kind == "multiple"
            ):
                self._note(question, _("all-or-nothing scoring"))
            parts = []
            for choice in choices:
                fraction = Decimal(choice.fraction)
                if kind == "single" and fraction == 100:
                    marker = "="
                else:
                    marker = "~" + (f"%{number_text(fraction)}%" if fraction else "")
                parts.append(
                    marker
                    + gift_escape(
                        html_clean(choice.text)
                        + _data_img(choice.image, choice.image_alt)
                    )
                    + self._feedback(choice.feedback)
                )
            return " ".join(parts)
        if kind == "true_false":
            right, wrong = (
                (question.true_feedback, question.false_feedback)
                if question.true_false_answer
                else (question.false_feedback, question.true_feedback)
            )
            value = "TRUE" if question.true_false_answer else "FALSE"
            if right or wrong:
                value += f"#{gift_escape(wrong)}#{gift_escape(right)}"
            return value
        if kind == "numeric":
            parts, other = [], ""
            for choice in choices:
                if choice.number is None:
                    other = "~" + (self._feedback(choice.feedback) or "#")
                    continue
                parts.append(
                    f"=%{number_text(choice.fraction)}%"
                    + gift_escape(number_text(choice.number))
                    + ":"
                    + gift_escape(number_text(choice.tolerance))
                    + self._feedback(choice.feedback)
                )
            return "#" + " ".join(parts) + (" " + other if other else "")
        if kind == "short_answer":
            if question.case_sensitive:
                self._note(question, _("case-sensitive matching"))
            return " ".join(
                f"=%{number_text(choice.fraction)}%"
                + gift_escape(choice.text)
                + self._feedback(choice.feedback)
                for choice in choices
            )
        if kind == "matching":
            if any(choice.image_id for choice in choices):
                self._note(question, _("the pictures of the matching items"))
            return " ".join(
                "="
                + gift_escape(html_clean(choice.text))
                + " -> "
                + gift_escape(choice.match_text)
                for choice in choices
            )
        if question.rubric:
            self._note(question, _("the rubric"))
        return ""  # essay

    @staticmethod
    def _feedback(feedback: str) -> str:
        feedback = html_clean(feedback)
        return "#" + gift_escape(feedback) if feedback else ""
