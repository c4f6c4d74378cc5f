"""Seed quizzes (one per module of the seed curriculum, content/seed/) and
practical tasks (content/seed/tasks/, each with its rubric and exemplars),
through the page API. Idempotent: a module that has its quiz, or its task
(by slug), is skipped; a rubric is found again by its title."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from content.models import PracticeProduct
from content.seed.schema import Seed
from courses.models import CourseIndexPage, CoursePage, LessonPage, ModulePage
from courses.seed import lesson_block

from .models import (
    Choice,
    Question,
    QuestionCategory,
    QuizPage,
    QuizQuestion,
    Rubric,
    RubricCriterion,
    TaskExemplar,
    TaskPage,
)

QUIZ_SLUG = "kuis"


def quizzes_load(*, seed: Seed, index: CourseIndexPage, report) -> int:
    """Create the missing module quizzes and their questions. Returns how
    many quizzes were created."""
    products = {p.slug: p for p in PracticeProduct.objects.all()}
    created = 0
    for data in seed.courses:
        course = CoursePage.objects.child_of(index).filter(slug=data["slug"]).first()
        if course is None:
            continue
        category, _new = QuestionCategory.objects.get_or_create(
            name=data["title"], defaults={"description": data.get("summary", "")}
        )
        lessons = {
            lesson.slug: lesson
            for lesson in LessonPage.objects.descendant_of(course).only("id", "slug")
        }
        made = 0
        for module_data in data["modules"]:
            quiz_data = module_data.get("quiz")
            module = (
                ModulePage.objects.child_of(course)
                .filter(slug=module_data["slug"])
                .first()
            )
            if quiz_data is None or module is None:
                continue
            if module.get_children().filter(slug=QUIZ_SLUG).exists():
                continue
            with transaction.atomic():
                _quiz_create(module, quiz_data, category, products, lessons)
            made += 1
        created += made
        report(f"  quizzes for {data['title']}: {made} created")
    return created


def _quiz_create(module, data: dict, category, products, lessons) -> QuizPage:
    quiz = QuizPage(
        title=data["title"],
        slug=QUIZ_SLUG,
        intro=data.get("intro", ""),
        pass_mark=data.get("pass_mark", 70),
        shuffle_choices=True,
    )
    module.add_child(instance=quiz)
    for order, q in enumerate(data["questions"]):
        question = _question_create(q, category, products, lessons)
        QuizQuestion.objects.create(quiz=quiz, question=question, sort_order=order)
    quiz.save_revision().publish()
    return quiz


def _question_create(data: dict, category, products, lessons=None) -> Question:
    """`lessons` maps the course's lesson slugs to their pages; the
    question's `reread` slug (checked by the schema) picks its lesson to
    re-read. Without `lessons` the question has none."""
    kind = data["type"]
    question = Question.objects.create(
        category=category,
        kind=kind,
        text=data["text"],
        explanation=data.get("explanation", ""),
        points=data.get("points", 1),
        true_false_answer=data.get("answer") if kind == "true_false" else None,
        multiple_scoring="all_or_nothing",
        numeric_unit=data.get("unit", "") if kind == "numeric" else "",
        rubric=data.get("rubric", ""),
        product=products.get(data.get("product", "")),
        lesson_to_reread=(lessons or {}).get(data.get("reread", "")),
        source="seed",
    )
    if kind in ("single", "multiple"):
        choices = [
            Choice(
                question=question,
                text=c["text"],
                fraction=100 if c.get("correct") else 0,
                feedback=c.get("feedback", ""),
                sort_order=i,
            )
            for i, c in enumerate(data["choices"])
        ]
    elif kind == "ordering":
        choices = [
            Choice(question=question, text=str(item), sort_order=i)
            for i, item in enumerate(data["items"])
        ]
    elif kind == "numeric":
        choices = [
            Choice(
                question=question,
                number=Decimal(str(data["answer"])),
                tolerance=Decimal(str(data.get("tolerance", 0))),
                fraction=100,
            )
        ]
    else:
        choices = []
    Choice.objects.bulk_create(choices)
    return question


def tasks_load(*, seed: Seed, index: CourseIndexPage, report) -> int:
    """Create the missing practical tasks (each published at the end of its
    module, after the module's quiz) with their rubrics and exemplars.
    Returns how many tasks were created; a second run creates nothing."""
    products = {p.slug: p for p in PracticeProduct.objects.all()}
    created = 0
    for data in seed.tasks:
        course = CoursePage.objects.child_of(index).filter(slug=data["course"]).first()
        if course is None:
            continue
        module = ModulePage.objects.child_of(course).filter(slug=data["module"]).first()
        if module is None or module.get_children().filter(slug=data["slug"]).exists():
            continue
        with transaction.atomic():
            _task_create(module, data, products)
        created += 1
        report(f"  task for {course.title}: {data['title']}")
    return created


def rubric_ensure(data: dict) -> Rubric:
    """The seed rubric titled `data["title"]`, created with its criteria
    (levels lowest first, comment bank one per line) when missing."""
    rubric = Rubric.objects.filter(title=data["title"]).first()
    if rubric is not None:
        return rubric
    rubric = Rubric(
        title=data["title"],
        description=data.get("description", ""),
        pass_percent=data.get("pass_percent", 60),
        no_lowest_level=data.get("no_lowest_level", False),
    )
    for order, criterion in enumerate(data["criteria"]):
        rubric.criteria.add(
            RubricCriterion(
                sort_order=order,
                title=criterion["title"],
                description=criterion.get("description", ""),
                levels=[
                    (
                        "level",
                        {
                            "title": level["title"],
                            "points": level["points"],
                            "descriptor": level["descriptor"],
                        },
                    )
                    for level in criterion["levels"]
                ],
                comment_bank="\n".join(criterion.get("comments", [])),
            )
        )
    rubric.save()
    return rubric


def _task_create(module: ModulePage, data: dict, products) -> TaskPage:
    submit = data["submit"]
    text = submit.get("text")
    photos = submit.get("photos") or {}
    task = TaskPage(
        title=data["title"],
        slug=data["slug"],
        brief=[lesson_block(block, products) for block in data["brief"]],
        rubric=rubric_ensure(data["rubric"]),
        accepts_text=text is not None,
        text_min_words=(text or {}).get("min_words", 0),
        text_max_words=(text or {}).get("max_words"),
        photos_min=photos.get("min", 0),
        photos_max=photos.get("max", 0),
        accepts_voice=submit.get("voice", False),
        accepts_link=submit.get("link", False),
        accepts_pdf=submit.get("pdf", False),
        due_days=data.get("due_days"),
        resubmissions=data.get("resubmissions"),
        required=data.get("required", True),
    )
    for order, exemplar in enumerate(data["exemplars"]):
        task.exemplars.add(
            TaskExemplar(
                sort_order=order,
                title=exemplar["title"],
                quality=exemplar["quality"],
                text=exemplar["text"].strip(),
                levels=", ".join(str(n) for n in exemplar["levels"]),
                comment=exemplar.get("comment", "").strip(),
            )
        )
    module.add_child(instance=task)
    task.save_revision().publish()
    return task
