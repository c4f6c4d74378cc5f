"""Admin forms for the question bank and quiz pages. No model imports here:
models.py uses these as its `base_form_class`."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm, WagtailAdminPageForm


class QuestionForm(WagtailAdminModelForm):
    """Checks that a question can be graded before it is saved. Offers only
    the categories the user may file questions into (staff scope), so a new
    or moved question never lands in another course's random draw."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .selectors import question_categories_usable_by

        if self.for_user is not None and "category" in self.fields:
            self.fields["category"].queryset = question_categories_usable_by(
                user=self.for_user
            )

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        formset = self.formsets.get("choices")
        if formset is None or not kind or not formset.is_valid():
            return cleaned
        choices = [
            form.cleaned_data
            for form in formset.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        right = sum(1 for c in choices if c.get("is_correct"))
        if kind in ("single", "multiple") and len(choices) < 2:
            self.add_error(None, _("Give at least two choices."))
        elif kind == "single" and right != 1:
            self.add_error(None, _("Mark exactly one choice as correct."))
        elif kind == "multiple" and right < 1:
            self.add_error(None, _("Mark at least one choice as correct."))
        elif kind == "ordering" and len(choices) < 3:
            self.add_error(None, _("Give at least three items, in the right order."))
        elif kind in ("true_false", "numeric", "essay"):
            if choices:
                self.add_error(None, _("This type of question has no choices."))
        return cleaned


class QuizPageForm(WagtailAdminPageForm):
    """A quiz asks only questions its editor may edit (staff scope): its
    fixed questions and the category it draws from are chosen among those,
    plus whatever the quiz already uses. So one course's trainer cannot pull
    another course's questions into their quiz, which would take them out
    of the other trainer's scope."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.for_user is None:
            return
        from django.db.models import Q

        from .models import Question, QuestionCategory
        from .selectors import question_categories_editable_by, questions_editable_by

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
        return cleaned


class AccommodationForm(WagtailAdminModelForm):
    """Offers only quizzes in the user's staff scope and trainees enrolled in
    a course they may edit; anything else posted is an invalid choice."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .selectors import quizzes_markable_by, trainees_accommodatable_by

        if self.for_user is None:
            return
        if "quiz" in self.fields:
            self.fields["quiz"].queryset = quizzes_markable_by(user=self.for_user)
        if "user" in self.fields:
            self.fields["user"].queryset = trainees_accommodatable_by(
                user=self.for_user
            )


class QuestionCategoryForm(WagtailAdminModelForm):
    """A category's parent is one the user may file questions into, and
    never the category itself or one of its subcategories."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "parent" not in self.fields:
            return
        from .models import QuestionCategory, category_tree_ids
        from .selectors import question_categories_usable_by

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
