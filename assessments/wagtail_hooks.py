from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import ListingButton
from wagtail.snippets.models import register_snippet

import lms.common.converters  # noqa: F401  (registers <id:...>)
from lms.common import staff_scope
from lms.common.http import reaches_admin

from .admin import import_views, permissions, question_views, views
from .admin.viewsets import QuestionBankGroup, RubricViewSet
from .authoring import lesson_place_before_closing_quiz
from .models import (
    Attempt,
    Question,
    TaskPage,
)
from .offline.review import attempts_reviewable_by
from .practice.notify import feedback_unseen, submission_feedback_seen
from .practice.queue import tasks_waiting_count
from .selectors import category_progress, essays_waiting_count

# The staff scope (selectors.py, admin/permissions.py) joins the model permissions
# of every question-bank model: listing buttons, bulk actions and the views
# below ask these policies (the rule: lms.common.staff_scope).
staff_scope.register(
    permissions.QUESTION_POLICY,
    permissions.CATEGORY_POLICY,
    permissions.ACCOMMODATION_POLICY,
    permissions.REGRADE_POLICY,
    permissions.RUBRIC_POLICY,
)


@hooks.register("before_serve_page", order=10)
def task_feedback_seen(page, request, serve_args, serve_kwargs):
    """A trainee who opens a practical task (GET, after the access rule let
    them in) has seen its released feedback: Belajarku's "new feedback"
    notice goes. The page itself writes nothing (pages render)."""
    if isinstance(page, TaskPage) and request.method == "GET":
        submission_feedback_seen(user=request.user, task=page)
    return None


register_snippet(QuestionBankGroup)
register_snippet(RubricViewSet)


@hooks.register("register_admin_urls")
def assessment_admin_urls():
    return [
        path(
            "bank-soal/impor/", import_views.import_questions, name="questions_import"
        ),
        path(
            "bank-soal/impor/<id:job_id>/",
            import_views.import_job,
            name="questions_import_job",
        ),
        path(
            "bank-soal/ekspor/", import_views.export_questions, name="questions_export"
        ),
        path(
            "bank-soal/<id:question_id>/pratinjau/",
            question_views.question_preview,
            name="question_preview",
        ),
        path(
            "bank-soal/<id:question_id>/nilai-ulang/",
            views.regrade,
            name="question_regrade",
        ),
    ]


class PermissionMenuItem(MenuItem):
    def __init__(self, *args, permission: str, **kwargs):
        self.permission = permission
        super().__init__(*args, **kwargs)

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


@hooks.register("register_admin_menu_item")
def import_menu_item():
    return PermissionMenuItem(
        _("Import questions"),
        reverse("questions_import"),
        icon_name="upload",
        order=251,
        permission="assessments.add_question",
    )


@hooks.register("register_admin_menu_item")
def marking_menu_item():
    return PermissionMenuItem(
        _("Essays to mark"),
        reverse("assessments:marking"),
        icon_name="edit",
        order=252,
        permission="wagtailadmin.access_admin",
    )


@hooks.register("register_snippet_listing_buttons")
def regrade_button(snippet, user, next_url=None):
    if isinstance(snippet, Question) and (
        permissions.QUESTION_POLICY.user_has_permission_for_instance(
            user, "change", snippet
        )
    ):
        yield ListingButton(
            _("Preview"),
            reverse("question_preview", args=[snippet.pk]),
            priority=25,
        )
        yield ListingButton(
            _("Regrade"),
            reverse("question_regrade", args=[snippet.pk]),
            priority=30,
        )


@hooks.register("sinau_my_learning_panels")
def quiz_progress_panel(request):
    """'Belajarku' section: points per question category (django-quiz-app's
    Progress), over quizzes the trainee may still see."""
    return render_to_string(
        "assessments/includes/category_progress.html",
        {"categories": category_progress(user=request.user, request=request)},
        request=request,
    )


@hooks.register("after_create_page")
def new_lesson_before_closing_quiz(request, page):
    """A lesson added to a module lands before the module's closing quiz
    (docs/decisions/0015-lessons-before-quiz.md); the explorer's "Sort menu order"
    changes it."""
    lesson_place_before_closing_quiz(lesson=page, user=request.user)


@hooks.register("sinau_my_learning_panels")
def marking_panel(request):
    """'Belajarku' for staff: how many essays, practical tasks and offline
    attempts held for review wait for them, linked to the queue
    (docs/decisions/0016-marking-queue.md). Nothing for trainees."""
    if not reaches_admin(request):
        return ""
    return render_to_string(
        "assessments/includes/marking_panel.html",
        {
            "waiting": essays_waiting_count(user=request.user),
            "tasks_waiting": tasks_waiting_count(user=request.user),
            "reviews_waiting": attempts_reviewable_by(user=request.user)
            .filter(status=Attempt.Status.REVIEW)
            .count(),
        },
        request=request,
    )


@hooks.register("sinau_my_learning_notices")
def task_feedback_notice(request):
    """'Belajarku': "new feedback for <task>" for each practical task whose
    released assessment the trainee has not opened yet; nothing otherwise."""
    unseen = feedback_unseen(user=request.user, request=request)
    if not unseen:
        return ""
    return render_to_string(
        "assessments/includes/task_feedback_notice.html",
        {"unseen": unseen},
        request=request,
    )
