"""Authoring order in a module (docs/decisions/0015-lessons-before-quiz.md): a module
usually ends with its closing quiz, so a lesson added later belongs before it, not after
it. Kept out of `courses` because `courses` never imports `assessments`."""

from __future__ import annotations

from wagtail.actions.move_page import MovePageAction
from wagtail.models import Page

from courses.models import LessonPage, ModulePage

from .models import QuizPage


def lesson_place_before_closing_quiz(*, lesson: Page, user=None) -> bool:
    """Move a lesson that sits after its module's closing quizzes (the run of
    quizzes at the end of the module) to just before the first of them.

    Returns True when it moved the lesson. Does nothing to a page that is not
    a lesson, a lesson outside a module, or one already before the quizzes,
    so calling it twice is harmless. The move is logged as `user`'s; it
    stays inside the module, so it needs no permission beyond having created
    the lesson there."""
    lesson = lesson.specific
    if not isinstance(lesson, LessonPage):
        return False
    module = lesson.get_parent().specific
    if not isinstance(module, ModulePage):
        return False
    siblings = list(
        Page.objects.child_of(module)
        .exclude(pk=lesson.pk)
        .filter(path__lt=lesson.path)
        .order_by("-path")
        .values_list("pk", "content_type__model", "content_type__app_label")
    )
    quiz_type = (QuizPage._meta.model_name, QuizPage._meta.app_label)
    first_closing_quiz = None
    for pk, model, app_label in siblings:
        if (model, app_label) != quiz_type:
            break
        first_closing_quiz = pk
    if first_closing_quiz is None:
        return False
    target = Page.objects.get(pk=first_closing_quiz)
    MovePageAction(lesson, target, pos="left", user=user).execute(
        skip_permission_checks=True
    )
    return True
