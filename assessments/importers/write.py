"""Writing parsed questions to the bank, in bulk and all or nothing."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import islice

from django.core.files.images import ImageFile
from django.db import connections, router, transaction
from django.utils.translation import gettext as _
from wagtail.images import get_image_model
from wagtail.models import Collection

from lms.accounts.roles import MEDIA_COLLECTION

from ..kinds import kind_for
from ..models import Choice, MultipleScoring, Question, QuestionCategory
from ..rich_text import html_clean
from .base import ImportFailed, ParsedImage, ParsedQuestion, ParseResult
from .checks import LENGTH_LIMITS, length_problems

BATCH_SIZE = 500


@dataclass
class ImportReport:
    """What an import wrote: `created` questions, the paths of the
    `categories` they went to ("A / Child"), `skipped` entries (unsupported
    questions, "name (type): why"), `refused` questions (left out for an
    error, one message each), `notes` (values changed or left out on the
    way in, e.g. a picture given its file name as alt text) and `names`
    (the questions, in file order, for the result page)."""

    created: int
    categories: list[str]
    skipped: list[str]
    notes: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def questions_import(
    *,
    result: ParseResult,
    category: QuestionCategory | None = None,
    category_name: str = "",
    source: str = "",
    usable_categories=None,
) -> ImportReport:
    """Write parsed questions to the bank in one transaction: all or none.

    Questions go to `category` if given, else to a top category named
    `category_name` (created, inside the same transaction, if missing),
    else to the category tree the file names (`$course$/top/A/Child` is
    A > Child; every category on the path is created if missing, with its
    description from the file), else to "Imported". `usable_categories`
    (the importer's staff scope, a queryset) limits the existing categories
    they may go to or under; a new category is always allowed. Raises
    ImportFailed, with nothing written (no category either), for a
    category outside it or for text a field cannot hold.

    Writes in bulk: categories are resolved once, pictures become Wagtail
    images, then questions and their choices go in with `bulk_create`
    (BATCH_SIZE rows a statement), so the number of queries grows with the
    number of categories, pictures and batches, not questions."""
    _check_lengths(result)
    created_files: list = []
    try:
        with transaction.atomic():
            targets = _categories(result, category, category_name, usable_categories)
            questions = [
                _question(parsed, targets[parsed.category_path], source, created_files)
                for parsed in result.questions
            ]
            Question.objects.bulk_create(questions, batch_size=BATCH_SIZE)
            _insert_many(
                Choice,
                (
                    _choice(question, parsed, order, created_files)
                    for question, parsed_question in zip(
                        questions, result.questions, strict=True
                    )
                    for order, parsed in enumerate(parsed_question.choices)
                ),
            )
    except BaseException:
        for image in created_files:  # the rows are rolled back; the files not
            image.file.delete(save=False)
        raise
    used = {
        " / ".join(targets[parsed.category_path].path_names())
        for parsed in result.questions
    }
    return ImportReport(
        created=len(questions),
        categories=sorted(used),
        skipped=result.skipped,
        notes=result.notes,
        names=[parsed.name for parsed in result.questions],
        refused=result.refused,
    )


def _insert_many(model, objects) -> None:
    """INSERT unsaved `objects` of `model` with one executemany per
    BATCH_SIZE rows: the rows `bulk_create` would write (every concrete
    field but the primary key, values prepared by each field), without its
    per-value SQL compilation, which is most of an import's time. Use it
    only where the new rows' ids are not needed."""
    connection = connections[router.db_for_write(model)]
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    # identifiers from the model's metadata, quoted; values are parameters
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    objects = iter(objects)
    with connection.cursor() as cursor:
        while batch := list(islice(objects, BATCH_SIZE)):
            cursor.executemany(
                sql,
                [
                    [
                        f.get_db_prep_save(f.pre_save(obj, True), connection)
                        for f in fields
                    ]
                    for obj in batch
                ],
            )


def _question(
    parsed: ParsedQuestion, target: QuestionCategory, source: str, created_files
) -> Question:
    """An unsaved Question for `parsed`. Its rich text is already what
    `rich_text.html_clean` stores (the parsers clean it; bulk_create skips
    Question.save())."""
    image = _image(parsed.image, created_files)
    scoring = (
        MultipleScoring.ALL_OR_NOTHING
        if parsed.all_or_nothing
        else MultipleScoring.PARTIAL
    )
    return Question(
        category=target,
        kind=parsed.kind,
        name=parsed.name,
        text=parsed.text,
        image=image,
        image_alt=parsed.image.alt if image else "",
        explanation=parsed.explanation,
        points=max(1, parsed.points) if kind_for(parsed.kind).asks else 0,
        multiple_scoring=scoring,
        true_false_answer=parsed.true_false_answer,
        correct_feedback=parsed.correct_feedback,
        partial_feedback=parsed.partial_feedback,
        incorrect_feedback=parsed.incorrect_feedback,
        true_feedback=parsed.true_feedback,
        false_feedback=parsed.false_feedback,
        case_sensitive=parsed.case_sensitive,
        keep_choice_order=not parsed.shuffle,
        numeric_unit=parsed.unit,
        rubric=parsed.rubric,
        source=source[:255],
    )


def _choice(question: Question, parsed, order: int, created_files) -> Choice:
    """An unsaved Choice row (see BANK_MODEL: per kind)."""
    image = _image(parsed.image, created_files)
    if question.kind == "short_answer" or (
        question.kind == "numeric" and parsed.value is None
    ):
        text = parsed.text  # a pattern ("*" wildcard), stored as typed
    elif question.kind == "numeric":
        text = ""
    else:
        text = parsed.text
    return Choice(
        question=question,
        sort_order=order,
        text=text,
        image=image,
        image_alt=parsed.image.alt if image else "",
        fraction=parsed.credit if question.kind != "matching" else Decimal(0),
        feedback=parsed.feedback,
        number=parsed.value,
        tolerance=parsed.tolerance or Decimal(0),
        match_text=parsed.match,
    )


def _image(parsed: ParsedImage | None, created_files):
    """A Wagtail image in the "Sinau" collection for an embedded picture."""
    if parsed is None:
        return None
    collection = (
        Collection.objects.filter(name=MEDIA_COLLECTION).first()
        or Collection.get_first_root_node()
        or Collection.add_root(name="Root")  # only after a flush (tests)
    )
    model = get_image_model()
    image = model(
        title=parsed.alt[:255],
        collection=collection,
        file=ImageFile(io.BytesIO(parsed.data), name=parsed.name),
    )
    image.save()
    created_files.append(image)
    return image


def _check_lengths(result: ParseResult) -> None:
    """ImportFailed naming each question whose text a field would cut
    (the parsers refuse such questions already; this guards a result
    built another way) and each category name too long to store."""
    errors = [
        problem
        for number, parsed in enumerate(result.questions, start=1)
        for problem in length_problems(parsed, number)
    ]
    limit = LENGTH_LIMITS["category"][0]
    for parsed_category in result.categories:
        for name in parsed_category.path:
            if len(name) > limit:
                errors.append(
                    _(
                        "The category name “%(name)s…” is longer than "
                        "%(limit)d characters."
                    )
                    % {"name": name[:40], "limit": limit}
                )
    if errors:
        raise ImportFailed(sorted(set(errors), key=errors.index))


def _categories(
    result: ParseResult,
    category: QuestionCategory | None,
    category_name: str,
    usable_categories,
) -> dict[tuple[str, ...], QuestionCategory]:
    """The target category for each category path in the file, created
    when missing (every category the file names is created, with its
    description, even when empty); ImportFailed for an existing one outside
    the scope."""
    paths = {parsed.category_path for parsed in result.questions}
    if category is None and category_name:
        category = _path_get_or_create((category_name,), {}, usable_categories)
    if category is not None:
        _check_usable(category, usable_categories)
        return dict.fromkeys(paths, category)
    descriptions = {c.path: c.description for c in result.categories}
    targets = {
        path: _path_get_or_create(path, descriptions, usable_categories)
        for path in [c.path for c in result.categories] + sorted(paths)
        if path
    }
    if () in paths:
        targets[()] = _path_get_or_create((_("Imported"),), {}, usable_categories)
    return targets


def _path_get_or_create(
    path: tuple[str, ...], descriptions: dict, usable_categories
) -> QuestionCategory:
    """The category at `path` (names from the top), creating what is
    missing; every existing category on the path must be usable."""
    parent = None
    for depth in range(1, len(path) + 1):
        description = descriptions.get(path[:depth], "")
        node, created = QuestionCategory.objects.get_or_create(
            parent=parent,
            name=path[depth - 1],
            defaults={"description": html_clean(description)},
        )
        if not created:
            _check_usable(node, usable_categories)
            if description and not node.description:
                node.description = html_clean(description)
                node.save(update_fields=["description"])
        parent = node
    return parent


def _check_usable(target: QuestionCategory, usable_categories) -> None:
    """ImportFailed unless the importer may file into `target`."""
    if usable_categories is None:
        return
    if not usable_categories.filter(pk=target.pk).exists():
        raise ImportFailed(
            [
                _(
                    "Category “%(name)s” is drawn from by quizzes you "
                    "may not edit; import into another category."
                )
                % {"name": target.name}
            ]
        )
