"""Reads for assessments, each a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum
from wagtail.permission_policies.pages import PagePermissionPolicy

from courses.selectors import step_detail

from .models import (
    Accommodation,
    Attempt,
    AttemptQuestion,
    QuestionKind,
    QuizPage,
    ReviewPolicy,
)


def attempts_allowed(
    *, quiz: QuizPage, accommodation: Accommodation | None
) -> int | None:
    """How many attempts the trainee may make in all (None: no limit)."""
    if quiz.max_attempts is None:
        return None
    return quiz.max_attempts + (accommodation.extra_attempts if accommodation else 0)


def can_mark(*, user, quiz: QuizPage) -> bool:
    """Trainers of the course (those who may edit its quiz) mark essays."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return user.has_perm("wagtailadmin.access_admin") and (
        quiz.permissions_for_user(user).can_edit()
    )


def accommodation_for(*, user, quiz: QuizPage) -> Accommodation | None:
    if not user.is_authenticated:
        return None
    return Accommodation.objects.filter(user=user, quiz=quiz).first()


def time_limit_for(
    *, quiz: QuizPage, accommodation: Accommodation | None
) -> int | None:
    """The trainee's time limit in minutes (None: no limit)."""
    if not quiz.time_limit_minutes:
        return None
    return quiz.time_limit_minutes + (
        accommodation.extra_minutes if accommodation else 0
    )


def quiz_detail(*, quiz: QuizPage, user, request=None) -> dict:
    """The quiz's intro page: the course around it, the trainee's attempts,
    whether they may start or resume, and how many attempts are left."""
    context = step_detail(lesson=quiz, user=user, request=request)
    attempts: list[Attempt] = []
    if user.is_authenticated:
        attempts = list(Attempt.objects.filter(user=user, quiz=quiz).order_by("number"))
    accommodation = accommodation_for(user=user, quiz=quiz)
    allowed = attempts_allowed(quiz=quiz, accommodation=accommodation)
    open_attempt = next(
        (a for a in attempts if a.status == Attempt.Status.IN_PROGRESS), None
    )
    left = None if allowed is None else max(0, allowed - len(attempts))
    time_limit = time_limit_for(quiz=quiz, accommodation=accommodation)
    context.update(
        {
            "attempts": attempts,
            "open_attempt": open_attempt,
            "attempts_left": left,
            "can_start": context["enrolled"]
            and (open_attempt or left is None or left > 0),
            "passed": any(a.passed for a in attempts),
            "time_limit": time_limit,
            "can_mark": can_mark(user=user, quiz=quiz),
        }
    )
    return context


def review_allowed(*, attempt: Attempt, passed_any: bool) -> bool:
    """May the trainee see correct answers and explanations for `attempt`?"""
    policy = attempt.quiz.review_policy
    if attempt.status == Attempt.Status.IN_PROGRESS or policy == ReviewPolicy.NEVER:
        return False
    if policy == ReviewPolicy.AFTER_PASS:
        return passed_any
    return True


@dataclass
class CategoryProgress:
    """django-quiz-app's Progress: correct and possible points per category."""

    name: str
    correct: Decimal
    possible: Decimal

    @property
    def percent(self) -> int:
        return int(self.correct * 100 / self.possible) if self.possible else 0


def category_progress(*, user) -> list[CategoryProgress]:
    """Points scored and possible per question category over the trainee's
    graded attempts (one query)."""
    rows = (
        AttemptQuestion.objects.filter(
            attempt__user=user,
            attempt__status=Attempt.Status.GRADED,
            category__isnull=False,
        )
        .values("category__name")
        .annotate(correct=Sum("points"), possible=Sum("max_points"))
        .order_by("category__name")
    )
    return [
        CategoryProgress(
            name=row["category__name"],
            correct=row["correct"] or Decimal(0),
            possible=row["possible"] or Decimal(0),
        )
        for row in rows
    ]


def markable_quizzes(*, user):
    """Quizzes whose essays `user` may mark (pages they may edit)."""
    pages = PagePermissionPolicy().instances_user_has_permission_for(user, "change")
    return QuizPage.objects.filter(pk__in=pages.values("pk"))


def marking_queue(*, user, trainees=None) -> list[AttemptQuestion]:
    """Essay answers waiting for a mark in quizzes `user` may mark, oldest
    first (one query). `trainees` (user ids, e.g. a cohort's, as a subquery)
    narrows the queue to those trainees."""
    if not user.is_authenticated or not user.has_perm("wagtailadmin.access_admin"):
        return []
    items = AttemptQuestion.objects.filter(
        snapshot__kind=QuestionKind.ESSAY,
        points__isnull=True,
        attempt__status=Attempt.Status.MARKING,
    )
    if not user.is_superuser:
        items = items.filter(attempt__quiz__in=markable_quizzes(user=user))
    if trainees is not None:
        items = items.filter(attempt__user_id__in=trainees)
    return list(
        items.select_related("attempt__quiz", "attempt__user").order_by(
            "attempt__submitted_at"
        )
    )


@dataclass
class ItemStats:
    question_id: int
    text: str
    kind: str
    answered: int
    correct: int

    @property
    def percent(self) -> int | None:
        return int(self.correct * 100 / self.answered) if self.answered else None


def quiz_item_stats(*, quiz: QuizPage, trainees=None) -> list[ItemStats]:
    """How often each question of `quiz` was answered and answered right in
    submitted attempts (one query), hardest first; only by `trainees` (user
    ids, e.g. a cohort's) when given."""
    items = AttemptQuestion.objects.filter(attempt__quiz=quiz, question__isnull=False)
    if trainees is not None:
        items = items.filter(attempt__user_id__in=trainees)
    rows = (
        items.exclude(attempt__status=Attempt.Status.IN_PROGRESS)
        .values("question_id", "question__text", "question__kind")
        .annotate(
            answered=Count("pk", filter=Q(response__isnull=False)),
            correct=Count("pk", filter=Q(is_correct=True)),
        )
        .order_by("question_id")
    )
    stats = [
        ItemStats(
            question_id=row["question_id"],
            text=row["question__text"],
            kind=row["question__kind"],
            answered=row["answered"],
            correct=row["correct"],
        )
        for row in rows
    ]
    return sorted(stats, key=lambda s: (s.percent is None, s.percent or 0))
