"""Admin forms for the question bank and quiz pages. No model imports here:
models.py uses these as its `base_form_class`."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from content.page_forms import PageForm


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
    Choice form data) from being graded; [] when it can be. Spec: issue 10
    section 1 (Moodle's own checks: full credit reachable, multiple-choice
    credits adding up to 100%)."""
    from decimal import Decimal

    from .rich_text import html_to_text

    def credit(row):
        return Decimal(row.get("fraction") or 0)

    if kind in ("single", "multiple"):
        if len(rows) < 2:
            return [_("Give at least two choices.")]
        if any(
            not html_to_text(r.get("text") or "") and not r.get("image") for r in rows
        ):
            return [_("Give every choice a text or an image.")]
        if kind == "single" and not any(credit(r) == 100 for r in rows):
            return [_("Give at least one choice full credit (100%).")]
        if kind == "multiple":
            positive = [credit(r) for r in rows if credit(r) > 0]
            if not positive:
                return [_("Give at least one choice credit.")]
            scoring = cleaned.get("multiple_scoring") or "partial"
            if scoring == "partial" and abs(sum(positive) - 100) > Decimal("0.01"):
                return [
                    _(
                        "The credits of the right choices add up to %(sum)s%%; "
                        "they must add up to 100%%."
                    )
                    % {"sum": sum(positive).normalize()}
                ]
        return []
    if kind == "ordering":
        if len(rows) < 3:
            return [_("Give at least three items, in the right order.")]
        return []
    if kind == "numeric":
        if not rows or any(r.get("number") is None for r in rows):
            return [_("Give every accepted answer a number.")]
        if not any(credit(r) == 100 for r in rows):
            return [_("Give at least one accepted number full credit (100%).")]
        return []
    if kind == "short_answer":
        if not rows or any(not (r.get("text") or "").strip() for r in rows):
            return [_("Write every accepted answer.")]
        if not any(credit(r) == 100 for r in rows):
            return [_("Give at least one accepted answer full credit (100%).")]
        return []
    if kind == "matching":
        if any(not (r.get("match_text") or "").strip() for r in rows):
            return [_("Give every item its matching answer.")]
        items = [r for r in rows if html_to_text(r.get("text") or "")]
        if len(items) < 2:
            return [_("Give at least two items with their matching answers.")]
        return []
    if rows:
        return [_("This type of question has no choices.")]
    return []


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
        category = cleaned.get("random_category")
        if (
            category is not None
            and cleaned.get("random_include_subcategories")
            and self.for_user is not None
        ):
            from .models import category_tree_ids
            from .selectors import question_categories_editable_by

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
