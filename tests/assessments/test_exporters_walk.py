"""Exports keep every value or say what they leave out: for every question
type, every field its admin form offers (walked from `question_panels`, so
a field added to a form later is walked too) is given a value, the
category is exported, the file imported into an empty bank, and each
value must come back, or the export's notes must name the question.
Moodle XML must bring back everything but Sinau's own practice product."""

import io

import pytest
from PIL import Image
from wagtail.images import get_image_model

from assessments.exporters import questions_export
from assessments.importers import parse
from assessments.importers.write import questions_import
from assessments.models import (
    Choice,
    MultipleScoring,
    Question,
    QuestionCategory,
    QuestionKind,
    question_panels,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def panel_fields(panels) -> tuple[list[str], list[str]]:
    """The Question fields and the Choice fields a kind's form offers."""
    question, choice = [], []
    for panel in panels:
        if hasattr(panel, "relation_name"):
            choice += [child.field_name for child in panel.panels]
        elif hasattr(panel, "children"):
            more, _rows = panel_fields(panel.children)
            question += more
        else:
            question.append(panel.field_name)
    return question, choice


def picture(colour: tuple[int, int, int]):
    data = io.BytesIO()
    Image.new("RGB", (2, 1), colour).save(data, "PNG")
    from django.core.files.images import ImageFile

    image = get_image_model()(
        title="walk", file=ImageFile(io.BytesIO(data.getvalue()), name="walk.png")
    )
    image.save()
    return image


def picture_bytes(image) -> bytes | None:
    if image is None:
        return None
    with image.file.open("rb") as handle:
        return handle.read()


QUESTION_VALUES = {
    "text": "<p>Teks <sup>2</sup> soal</p>",
    "explanation": "<p>Penjelasan umum</p>",
    "correct_feedback": "<p>Benar semua</p>",
    "partial_feedback": "<p>Sebagian</p>",
    "incorrect_feedback": "<p>Salah</p>",
    "true_feedback": "<p>Untuk benar</p>",
    "false_feedback": "<p>Untuk salah</p>",
    "rubric": "<p>Rubrik penilaian</p>",
    "points": 3,
    "multiple_scoring": MultipleScoring.ALL_OR_NOTHING,
    "true_false_answer": False,
    "numeric_unit": "kg",
    "case_sensitive": True,
    "keep_choice_order": True,
    "image_alt": "Gambar soal",
}


def choice_values(kind: str, position: int) -> dict:
    values = {
        "text": f"<p>Pilihan {position}</p>",
        "image_alt": f"Gambar {position}",
        "feedback": f"<p>Umpan balik {position}</p>",
        "fraction": [100, 0, -50][position],
        "number": [1500000000, 2.5, 3][position],
        "tolerance": [1000, 0.125, 0][position],
        "match_text": f"Pasangan {position}",
    }
    if kind == QuestionKind.SHORT_ANSWER:
        values["text"] = f"jawaban {position}"
    if kind == QuestionKind.MULTIPLE:
        values["fraction"] = [50, 50, -100][position]
    if kind == QuestionKind.NUMERIC and position == 2:
        values["fraction"] = 0
    return values


def build(kind: str, category: QuestionCategory) -> Question:
    from content.models import PracticeProduct

    fields, choice_fields = panel_fields(question_panels(kind))
    question = Question(category=category, kind=kind, name=f"Walk {kind}")
    for name in fields:
        if name == "image":
            question.image = picture((10, 20, 30))
        elif name == "product":
            question.product = PracticeProduct.objects.create(
                name="Kopi",
                slug="kopi",
                price=1000,
                unit="gram",
                producer="P",
                story="S",
            )
        elif name in QUESTION_VALUES:
            setattr(question, name, QUESTION_VALUES[name])
    question.save()
    for position in range(3 if choice_fields else 0):
        values = choice_values(kind, position)
        row = Choice(question=question, sort_order=position)
        for name in choice_fields:
            if name == "image":
                row.image = picture((40 * position, 60, 90))
            else:
                setattr(row, name, values[name])
        row.save()
    return question


def snapshot(question: Question, fields: list[str], choice_fields: list[str]):
    """What the kind's form shows of `question`, comparable across banks."""
    values = {}
    for name in fields:
        if name == "image":
            values[name] = picture_bytes(question.image)
        elif name == "product":
            values[name] = question.product_id is not None
        elif name == "category":
            values[name] = question.category.path_names()
        else:
            values[name] = getattr(question, name)
    rows = []
    for row in question.choices.order_by("sort_order"):
        rows.append(
            {
                name: picture_bytes(row.image)
                if name == "image"
                else getattr(row, name)
                for name in choice_fields
            }
        )
    return values, rows


def lost(kind: str, fmt: str) -> tuple[set[str], list[str]]:
    """The fields of a `kind` question that an export in `fmt` and an
    import back do not keep, and the export's notes."""
    category = QuestionCategory.objects.create(name=f"Walk {kind} {fmt}")
    fields, choice_fields = panel_fields(question_panels(kind))
    before = snapshot(build(kind, category), fields, choice_fields)
    exported = questions_export(category=category, fmt=fmt)
    Choice.objects.all().delete()
    Question.objects.all().delete()
    QuestionCategory.objects.all().delete()
    if not exported.count:  # left out whole: everything is lost
        return set(fields), exported.notes
    questions_import(result=parse(exported.content, fmt))
    after = snapshot(Question.objects.get(), fields, choice_fields)
    missing = {name for name in fields if before[0][name] != after[0][name]}
    if before[1] != after[1]:
        missing |= {
            f"choice {name}"
            for old, new in zip(before[1], after[1], strict=False)
            for name in choice_fields
            if old.get(name) != new.get(name)
        } or {"choices"}
    return missing, exported.notes


@pytest.mark.parametrize("kind", QuestionKind.values)
def test_moodle_xml_export_brings_back_every_value_of_every_kind(kind):
    missing, notes = lost(kind, "moodle")
    expected = (
        {"product"} if "product" in panel_fields(question_panels(kind))[0] else set()
    )
    assert missing == expected
    if expected:
        assert notes == [
            f"Question 'Walk {kind}': the practice product is not exported."
        ]


@pytest.mark.parametrize("kind", QuestionKind.values)
def test_gift_export_names_every_value_it_cannot_bring_back(kind):
    missing, notes = lost(kind, "gift")
    named = [note for note in notes if note.startswith(f"Question 'Walk {kind}'")]
    if missing:
        assert len(named) >= 1, missing
