"""Admin forms for the question bank and quiz pages, each offering only
what the user's staff scope allows (selectors.py). The models do not
import them: `attach()`, run by AssessmentsConfig.ready(), makes them
their `base_form_class`."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from content.page_forms import PageForm

from ..kinds import kind_for
from ..models import (
    Accommodation,
    Question,
    QuestionCategory,
    QuizPage,
    TaskPage,
    category_tree_ids,
)
from ..practice.selectors import tasks_assessable_by
from ..selectors import (
    question_categories_editable_by,
    question_categories_usable_by,
    questions_editable_by,
    quizzes_markable_by,
    trainees_accommodatable_by,
)


class QuestionForm(WagtailAdminModelForm):
    """Checks that a question can be graded before it is saved. Offers only
    the categories the user may file questions into (staff scope), so a new
    or moved question never lands in another course's random draw."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.for_user is not None and "category" in self.fields:
            self.fields["category"].queryset = question_categories_usable_by(
                user=self.for_user
            )

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind") or self.instance.kind
        formset = self.formsets.get("choices")
        if not kind:
            return cleaned
        if formset is None:
            return cleaned
        if not formset.is_valid():
            return cleaned
        rows = [
            form.cleaned_data
            for form in formset.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        for message in question_rows_problems(kind, rows, cleaned):
            self.add_error(None, message)
        return cleaned


def question_rows_problems(kind: str, rows: list[dict], cleaned: dict) -> list[str]:
    """What keeps a question of `kind` with answer rows `rows` (cleaned
    Choice form data) from being graded; [] when it can be. The checks are
    the kind's (kinds/<kind>.py: `rows_problems`)."""
    return kind_for(kind).rows_problems(rows, cleaned)


class QuizPageForm(PageForm):
    """A quiz asks only questions its editor may edit (staff scope): its
    fixed questions and the category it draws from are chosen among those,
    plus whatever the quiz already uses. So one course's trainer cannot pull
    another course's questions into their quiz, which would take them out
    of the other trainer's scope."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.for_user is None:
            return
        user = self.for_user
        if "random_category" in self.fields:
            self.fields["random_category"].queryset = QuestionCategory.objects.filter(
                Q(pk__in=question_categories_editable_by(user=user).values("pk"))
                | Q(pk=self.instance.random_category_id)
            )
        formset = self.formsets.get("quiz_questions")
        if formset is None:
            return
        current = (
            list(self.instance.quiz_questions.values_list("question_id", flat=True))
            if self.instance.pk
            else []
        )
        choices = Question.objects.filter(
            Q(pk__in=questions_editable_by(user=user).values("pk")) | Q(pk__in=current)
        )
        for form in formset.forms:
            form.fields["question"].queryset = choices

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("random_count") and not cleaned.get("random_category"):
            self.add_error(
                "random_category", _("Choose the category to draw questions from.")
            )
        category = cleaned.get("random_category")
        if (
            category is not None
            and cleaned.get("random_include_subcategories")
            and self.for_user is not None
        ):
            tree = set(category_tree_ids(root_ids=[category.pk]))
            allowed = set(
                question_categories_editable_by(user=self.for_user)
                .filter(pk__in=tree)
                .values_list("pk", flat=True)
            )
            if tree - allowed - {category.pk}:
                self.add_error(
                    "random_include_subcategories",
                    _(
                        "Some subcategories hold questions of quizzes you may not "
                        "edit; draw from this category only."
                    ),
                )
        return cleaned


class AccommodationForm(WagtailAdminModelForm):
    """Offers only quizzes in the user's staff scope and trainees enrolled in
    a course they may edit; anything else posted is an invalid choice."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.for_user is None:
            return
        if "quiz" in self.fields:
            self.fields["quiz"].queryset = quizzes_markable_by(user=self.for_user)
        if "task" in self.fields:
            self.fields["task"].queryset = tasks_assessable_by(user=self.for_user)
        if "user" in self.fields:
            self.fields["user"].queryset = trainees_accommodatable_by(
                user=self.for_user
            )


class TaskPageForm(PageForm):
    """The practical task's page form (checks are added in
    assessments/admin/forms.py as the task grows)."""


class QuestionCategoryForm(WagtailAdminModelForm):
    """A category's parent is one the user may file questions into, and
    never the category itself or one of its subcategories."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "parent" not in self.fields:
            return
        queryset = (
            question_categories_usable_by(user=self.for_user)
            if self.for_user is not None
            else QuestionCategory.objects.all()
        )
        if self.instance.pk:
            queryset = queryset.exclude(
                pk__in=category_tree_ids(root_ids=[self.instance.pk])
            )
        self.fields["parent"].queryset = queryset


def attach() -> None:
    """Make these forms the models' `base_form_class` (once, from
    AssessmentsConfig.ready()): they read the staff scope (selectors),
    which reads the models, so the models cannot import them."""
    QuestionCategory.base_form_class = QuestionCategoryForm
    Question.base_form_class = QuestionForm
    QuizPage.base_form_class = QuizPageForm
    TaskPage.base_form_class = TaskPageForm
    Accommodation.base_form_class = AccommodationForm
