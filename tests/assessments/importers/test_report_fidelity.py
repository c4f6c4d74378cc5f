"""The import report is compared against the files it read: for every
sample file, every value of every question in the source (each word of
each text, each grade, number and tolerance, each embedded file, each
formatting tag that carries meaning, "keep this order", the kind of
choice question) is either in the bank after the import or named in the
report (the question refused or skipped whole, or a note naming it).

The source is read here with the standard library (Moodle XML) or by the
GIFT format's own rules (blocks, `::title::`, `{answers}`), not by the
importers, so a value an importer drops without a note fails the test.
New samples in tests/assessments/samples are walked without being added
here."""

import base64
import binascii
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import unquote

import pytest

from assessments.importers import ImportFailed, parse
from assessments.importers.write import questions_import
from assessments.models import Question
from assessments.rich_text import html_to_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

SAMPLES = Path(__file__).parents[1] / "samples"
MOODLE_FILES = sorted(SAMPLES.glob("moodle_*.xml"))
GIFT_FILES = sorted(SAMPLES.glob("gift_*.txt"))
# Tags that carry meaning and that the bank keeps: each must survive.
KEPT_TAGS = ("sub", "sup", "table", "td", "th", "u", "ul", "ol", "li")
MEDIA = re.compile(
    r"<(img|audio|video|source|embed|object|iframe|a)\b([^>]*)>", re.IGNORECASE
)
SRC = re.compile(r"""\b(?:src|href|data)\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)


@dataclass
class Source:
    """One question as the file holds it."""

    label: str  # how the importers' messages name it
    kind: str
    # (where: the question's child element or "answer N", HTML or text)
    texts: list[tuple[str, str]] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)
    fractions: list[str] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    keep_order: bool | None = None


def words(markup: str) -> list[str]:
    return re.findall(r"\w+", html_to_text(markup))


# -- reading the sources -------------------------------------------------------


def moodle_sources(path: Path) -> list[Source]:
    root = ET.fromstring(path.read_bytes())  # noqa: S314 - our own sample files
    sources, number = [], 0
    for element in root.iter("question"):
        qtype = element.get("type", "")
        if qtype == "category":
            continue
        number += 1
        name = html_to_text(element.findtext("name/text") or "")
        source = Source(
            label=f"Question '{name}'" if name else f"Question {number}",
            kind=qtype,
        )
        answers = 0
        for child in element:
            scope = child.tag
            if child.tag == "answer":
                answers += 1
                scope = f"answer {answers}"
            for text in child.iter("text"):
                if text.text:
                    source.texts.append((scope, text.text))
            for unit in child.iter("unit_name"):
                source.texts.append((scope, unit.text or ""))
        for file in element.iter("file"):
            source.files[file.get("name", "")] = base64.b64decode(
                "".join((file.text or "").split())
            )
        legacy = element.findtext("image_base64")
        if legacy:
            name = (element.findtext("image") or "image").rsplit("/", 1)[-1]
            source.files[name] = base64.b64decode("".join(legacy.split()))
        for answer in element.iter("answer"):
            if answer.get("fraction") is not None and qtype != "ordering":
                if (answer.findtext("text") or "").strip():
                    source.fractions.append(answer.get("fraction"))
            tolerance = answer.findtext("tolerance")
            if qtype == "numerical":
                source.numbers.append(answer.findtext("text") or "")
                source.numbers.append(tolerance or "0")
        shuffle = element.findtext("shuffleanswers")
        if qtype in ("multichoice", "match"):
            source.keep_order = (shuffle or "1").strip().lower() in ("0", "false")
        sources.append(source)
    return sources


def gift_sources(path: Path) -> list[Source]:
    """GIFT's own rules: blank lines separate questions, `//` lines are
    comments, `$CATEGORY:` sets the category, `::title::` names one."""
    sources, number, block = [], 0, []
    lines = [*path.read_text(encoding="utf-8", errors="replace").splitlines(), ""]
    for line_number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if line.startswith("//"):
            continue
        if line:
            block.append((line_number, line))
            continue
        while block and block[0][1].startswith("$CATEGORY:"):
            block = block[1:]
        if block:
            number += 1
            sources.append(gift_source(block, number))
        block = []
    return sources


def gift_source(block: list[tuple[int, str]], number: int) -> Source:
    text = "\n".join(line for _n, line in block)
    title = re.match(r"::(.*?)::", text)
    label = (
        f"Question '{title.group(1)}'"
        if title
        else f"Question {number} (line {block[0][0]}"
    )
    plain = re.sub(r"\\(.)", r"\1", text)  # escapes are literal characters
    plain = re.sub(r"\[(html|moodle|plain|markdown)\]", " ", plain)
    answers = re.search(r"\{(.*)\}", plain, re.DOTALL)
    source = Source(label=label, kind="gift")
    plain = re.sub(r"%-?[0-9.]+%", " ", plain)
    if answers and answers.group(1).strip().startswith("#"):
        # a numeric block: its numbers are checked as numbers, its
        # feedback (after each '#', and after '####') as words
        body = answers.group(1).strip()[1:]
        body, _sep, general = body.partition("####")
        for part in re.split(r"[=~]", body):
            value, _hash, feedback = part.partition("#")
            source.numbers += re.findall(r"-?[0-9]+(?:\.[0-9]+)?", value)
            source.texts.append(("answer", feedback))
        source.texts.append(("general feedback", general))
        plain = plain[: answers.start()] + plain[answers.end() :]
    source.texts.append(("question", plain))
    for data in re.findall(r"data:image/\w+;base64,([A-Za-z0-9+/=]+)", plain):
        source.files[f"data:{data[:12]}"] = base64.b64decode(data)
    return source


# -- what the bank and the report hold -------------------------------------------------


def stored_values(question: Question) -> tuple[set[str], set[Decimal], set[bytes]]:
    """The words, numbers and picture bytes a stored question holds."""
    parts = [
        question.name,
        question.text,
        question.explanation,
        question.correct_feedback,
        question.partial_feedback,
        question.incorrect_feedback,
        question.true_feedback,
        question.false_feedback,
        question.rubric,
        question.numeric_unit,
        question.image_alt,
        *question.category.path_names(),
    ]
    numbers: set[Decimal] = set()
    pictures: set[bytes] = set()
    images = [question.image]
    for choice in question.choices.all():
        parts += [choice.text, choice.feedback, choice.match_text, choice.image_alt]
        images.append(choice.image)
        numbers.add(Decimal(choice.fraction).normalize())
        for value in (choice.number, choice.tolerance):
            if value is not None:
                numbers.add(Decimal(value).normalize())
        if choice.number is not None:
            for end in (
                choice.number - choice.tolerance,
                choice.number + choice.tolerance,
            ):
                numbers.add(Decimal(end).normalize())
        parts.append(format(Decimal(choice.fraction).normalize(), "f"))
        for value in (choice.number, choice.tolerance):
            if value is not None:
                parts.append(format(Decimal(value).normalize(), "f"))
    if question.kind == "true_false":
        parts += ["true", "false", "T", "F", "TRUE", "FALSE"]
        numbers |= {Decimal(0), Decimal(100)}
    for image in images:
        if image is not None:
            with image.file.open("rb") as handle:
                pictures.add(handle.read())
    found = {word for part in parts for word in words(part)}
    return found, numbers, pictures


def number(raw: str) -> Decimal | None:
    try:
        return Decimal(raw.strip()).normalize()
    except (InvalidOperation, ValueError):
        return None


def check_question(source: Source, question: Question, report: list[str]) -> list[str]:
    """What of `source` is neither in `question` nor named in `report`."""
    about = " ".join(line for line in report if source.label in line)
    said = set(words(about))
    found, numbers, pictures = stored_values(question)
    stored_html = " ".join(
        [question.text, question.explanation, question.rubric]
        + [
            question.correct_feedback,
            question.partial_feedback,
            question.incorrect_feedback,
        ]
        + [c.text + c.feedback for c in question.choices.all()]
    )
    settings = set(words(" ".join(line for line in report if "settings" in line)))
    missing = []
    for scope, text in source.texts:
        if scope in settings:
            continue  # a Moodle setting Sinau has no place for, named
        blank = re.fullmatch(r"answer (\d+)", scope)
        if blank and f"answer {blank.group(1)} has no text" in about:
            continue  # a blank answer left out with its values, named
        for word in words(text):
            if word not in found and word not in said:
                missing.append(f"word {word!r}")
        for tag in KEPT_TAGS:
            if re.search(rf"<{tag}\b", text, re.I) and f"<{tag}" not in stored_html:
                missing.append(f"tag <{tag}>")
        for match in MEDIA.finditer(text):
            tag, attributes = match.group(1).lower(), match.group(2)
            for src in SRC.findall(attributes):
                if tag == "a" and src.startswith(("http://", "https://", "mailto:")):
                    if f'href="{src}"' not in stored_html:
                        missing.append(f"link {src}")
                    continue
                name = unquote(src.rsplit("/", 1)[-1])
                inline = src.startswith("data:")
                if name in about or (inline and "picture-" in about):
                    continue
                data = source.files.get(name)
                if inline:
                    try:
                        data = base64.b64decode(src.split(",", 1)[1])
                    except (binascii.Error, IndexError):
                        data = None
                if data is None or data not in pictures:
                    missing.append(f"{tag} {name[:40]}")
    for name, data in source.files.items():
        if name.startswith("data:"):
            continue
        if data not in pictures and name not in about:
            missing.append(f"file {name}")
    for raw in source.numbers + source.fractions:
        value = number(raw)
        if raw.strip() in ("*", "") or value is None:
            continue
        if value not in numbers and abs(value) not in numbers:
            close = any(abs(value - known) < Decimal("0.001") for known in numbers)
            if not close:
                missing.append(f"number {raw}")
    if (
        source.keep_order is not None
        and question.keep_choice_order != source.keep_order
    ):
        missing.append("keep this order")
    return missing


def import_report(content: bytes, fmt: str) -> tuple[list[str], list[Question]]:
    """The report lines (refused, skipped, notes) and the stored questions
    in file order; a file refused whole gives its errors and no question."""
    try:
        result = parse(content, fmt, skip_unsupported=True)
    except ImportFailed as failed:
        return failed.errors + failed.skipped, []
    report = questions_import(result=result, source="sample")
    lines = report.refused + report.skipped + report.notes
    return lines, list(Question.objects.order_by("pk"))


def check_file(sources: list[Source], content: bytes, fmt: str) -> list[str]:
    report, stored = import_report(content, fmt)
    problems = []
    whole = [
        source
        for source in sources
        if not any(is_whole(line, source) for line in report)
    ]
    if not stored:
        return [] if report else ["nothing imported and nothing said"]
    assert len(whole) == len(stored), (
        [s.label for s in whole],
        [q.name for q in stored],
    )
    for source, question in zip(whole, stored, strict=True):
        problems += [
            f"{source.label}: {what}"
            for what in check_question(source, question, report)
        ]
    return problems


def is_whole(line: str, source: Source) -> bool:
    """Whether report `line` refuses or skips `source` whole (a note on a
    question is not)."""
    if not line.startswith(source.label):
        return False
    return "type not supported" in line or not any(
        marker in line
        for marker in (
            "was left out",
            "was used",
            "became",
            "is not imported",
            "stood inside",
            "was removed",
            "has no text, so it",
        )
    )


@pytest.mark.parametrize("path", MOODLE_FILES, ids=lambda path: path.name)
def test_every_value_of_a_moodle_sample_is_imported_or_named(path):
    assert check_file(moodle_sources(path), path.read_bytes(), "moodle") == []


@pytest.mark.parametrize("path", GIFT_FILES, ids=lambda path: path.name)
def test_every_value_of_a_gift_sample_is_imported_or_named(path):
    assert check_file(gift_sources(path), path.read_bytes(), "gift") == []


def test_the_walk_covers_the_samples_that_carry_what_was_lost():
    names = {path.name for path in MOODLE_FILES + GIFT_FILES}
    assert {"moodle_whole.xml", "gift_whole.txt", "moodle_bank.xml"} <= names


def test_the_walk_catches_a_value_dropped_without_a_note(monkeypatch):
    """The check itself can fail: drop the general feedback silently and
    the walk names its words."""
    from assessments.importers import moodle_xml

    original = moodle_xml._formatted

    def silent(question, element, label, where):
        if element is not None and element.tag == "generalfeedback":
            return ""
        return original(question, element, label, where)

    monkeypatch.setattr(moodle_xml, "_formatted", silent)
    path = SAMPLES / "moodle_good.xml"
    problems = check_file(moodle_sources(path), path.read_bytes(), "moodle")
    assert "Question 'Kepanjangan SEO': word 'organik'" in problems
