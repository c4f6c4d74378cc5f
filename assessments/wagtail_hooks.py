from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import ListingButton
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import admin_views
from .models import Accommodation, Question, QuestionCategory, RegradeJob
from .selectors import category_progress


class QuestionViewSet(SnippetViewSet):
    model = Question
    icon = "help"
    menu_label = _("Questions")
    list_display = ["__str__", "kind", "category", "points"]
    list_filter = ["category", "kind"]
    search_fields = ["text"]


class QuestionCategoryViewSet(SnippetViewSet):
    model = QuestionCategory
    icon = "folder-open-inverse"
    menu_label = _("Categories")


class AccommodationViewSet(SnippetViewSet):
    model = Accommodation
    icon = "user"
    menu_label = _("Accommodations")
    list_display = ["user", "quiz", "extra_minutes", "extra_attempts"]


class RegradeJobViewSet(SnippetViewSet):
    model = RegradeJob
    icon = "resubmit"
    menu_label = _("Regrades")
    list_display = [
        "question",
        "status",
        "attempts_changed",
        "created_at",
        "finished_at",
    ]
    list_filter = ["status"]
    inspect_view_enabled = True


class QuestionBankGroup(SnippetViewSetGroup):
    menu_label = _("Question bank")
    menu_icon = "help"
    menu_order = 250
    items = (
        QuestionViewSet,
        QuestionCategoryViewSet,
        AccommodationViewSet,
        RegradeJobViewSet,
    )


register_snippet(QuestionBankGroup)


@hooks.register("register_admin_urls")
def assessment_admin_urls():
    return [
        path("bank-soal/impor/", admin_views.import_questions, name="questions_import"),
        path(
            "bank-soal/<int:question_id>/nilai-ulang/",
            admin_views.regrade,
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
    if isinstance(snippet, Question) and user.has_perm("assessments.change_question"):
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
