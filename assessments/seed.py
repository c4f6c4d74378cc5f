"""Seed quizzes: one per module of the seed curriculum (content/seed/),
through the page API. Idempotent: a module that has its quiz is skipped."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from content.models import PracticeProduct
from content.seed.schema import Seed
from courses.models import CourseIndexPage, CoursePage, LessonPage, ModulePage

from .models import Choice, Question, QuestionCategory, QuizPage, QuizQuestion

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
