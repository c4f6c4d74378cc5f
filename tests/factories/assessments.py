"""Questions and quizzes for tests."""

from decimal import Decimal

from assessments.models import (
    Choice,
    Question,
    QuestionCategory,
    QuizPage,
    QuizQuestion,
)
from courses.models import ModulePage


def category(name="Copywriting") -> QuestionCategory:
    return QuestionCategory.objects.get_or_create(name=name)[0]


def question(kind="single", *, points=1, cat=None, **fields) -> Question:
    """A question of `kind` whose right answer is predictable:
    single/multiple: the choices marked '(benar)'; true_false: True;
    numeric: 2.5 +- 0.05; ordering: A, B, C, D; short_answer: "Jakarta"
    (100%) or "Batavia*" (50%); matching: Beras-kg, Minyak-liter,
    Telur-butir and an extra "meter"."""
    defaults = {
        "text": f"Soal {kind}?",
        "explanation": f"Penjelasan {kind}.",
        "points": points,
    }
    if kind == "true_false":
        defaults["true_false_answer"] = True
    number = Decimal(str(fields.pop("numeric_answer", "2.5")))
    tolerance = Decimal(str(fields.pop("numeric_tolerance", "0.05")))
    if kind == "multiple":
        defaults["multiple_scoring"] = "all_or_nothing"
    if kind == "essay":
        defaults["rubric"] = "Ada masalah, agitasi dan solusi."
    defaults.update(fields)
    q = Question.objects.create(category=cat or category(), kind=kind, **defaults)
    if kind == "single":
        texts = [("Satu (benar)", True), ("Dua", False), ("Tiga", False)]
    elif kind == "multiple":
        texts = [("A (benar)", True), ("B (benar)", True), ("C", False)]
    elif kind == "ordering":
        texts = [(t, False) for t in ("A", "B", "C", "D")]
    else:
        texts = []
    Choice.objects.bulk_create(
        Choice(
            question=q,
            text=t,
            fraction=100 if c else 0,
            feedback=f"Umpan balik {t}",
            sort_order=i,
        )
        for i, (t, c) in enumerate(texts)
    )
    if kind == "numeric":
        Choice.objects.create(
            question=q, number=number, tolerance=tolerance, fraction=100
        )
    if kind == "short_answer":
        Choice.objects.bulk_create(
            [
                Choice(question=q, text="Jakarta", fraction=100, sort_order=0),
                Choice(question=q, text="Batavia*", fraction=50, sort_order=1),
            ]
        )
    if kind == "matching":
        pairs = [
            ("Beras", "kg"),
            ("Minyak", "liter"),
            ("Telur", "butir"),
            ("", "meter"),
        ]
        Choice.objects.bulk_create(
            Choice(question=q, text=t, match_text=m, sort_order=i)
            for i, (t, m) in enumerate(pairs)
        )
    return q


def quiz_in(course, questions, **fields) -> QuizPage:
    """A published quiz at the end of the course's first module."""
    module = ModulePage.objects.child_of(course).order_by("path").first()
    quiz = QuizPage(
        title=fields.pop("title", "Kuis"), slug=fields.pop("slug", "kuis"), **fields
    )
    module.add_child(instance=quiz)
    for order, q in enumerate(questions):
        QuizQuestion.objects.create(quiz=quiz, question=q, sort_order=order)
    return quiz
