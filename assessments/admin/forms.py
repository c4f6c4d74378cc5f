"""Admin forms for the question bank and quiz pages, each offering only
what the user's staff scope allows (selectors.py). The models do not
import them: `attach()`, run by AssessmentsConfig.ready(), makes them
their `base_form_class`."""

from itertools import pairwise

from django.db.models import Q
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from content.page_forms import PageForm

from ..kinds import kind_for
from ..models import (
    Accommodation,
    Question,
    QuestionCategory,
    QuizPage,
    Rubric,
    RubricCriterion,
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

    def clean(self):
        cleaned = super().clean()
        if "quiz" not in self.fields or "task" not in self.fields:
            return cleaned
        quiz, task = cleaned.get("quiz"), cleaned.get("task")
        if self.has_error("quiz") or self.has_error("task"):
            return cleaned
        if quiz is None and task is None:
            self.add_error(
                "quiz", _("Choose the quiz or the practical task this is for.")
            )
        elif quiz is not None and task is not None:
            self.add_error("task", _("Choose a quiz or a practical task, not both."))
        return cleaned


class TaskPageForm(PageForm):
    """The practical task's page form: something can be submitted, the
    word and photo ranges are ranges, and each exemplar's levels fit the
    chosen rubric (one per criterion, each within that criterion's levels).
    The rubric may be any rubric (rubrics are shared: choosing one changes
    nothing of it)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "rubric" in self.fields:
            self.fields["rubric"].queryset = Rubric.objects.all()

    def clean(self):
        cleaned = super().clean()
        parts = (
            cleaned.get("accepts_text"),
            (cleaned.get("photos_max") or 0) > 0,
            cleaned.get("accepts_voice"),
            cleaned.get("accepts_link"),
            cleaned.get("accepts_pdf"),
        )
        if not any(parts):
            self.add_error(
                None,
                _(
                    "Trainees could hand in nothing: turn on text, a voice note, "
                    "a link or a PDF file, or allow at least one photo."
                ),
            )
        photos_min, photos_max = cleaned.get("photos_min"), cleaned.get("photos_max")
        if (
            photos_min is not None
            and photos_max is not None
            and photos_min > photos_max
        ):
            self.add_error(
                "photos_min",
                _(
                    "At least %(min)d photos, but at most %(max)d: raise the "
                    "most or lower the least."
                )
                % {"min": photos_min, "max": photos_max},
            )
        words_min = cleaned.get("text_min_words")
        words_max = cleaned.get("text_max_words")
        if words_min is not None and words_max is not None and words_min > words_max:
            self.add_error(
                "text_min_words",
                _(
                    "At least %(min)d words, but at most %(max)d: raise the "
                    "most or lower the least."
                )
                % {"min": words_min, "max": words_max},
            )
        rubric = cleaned.get("rubric")
        if rubric is not None:
            self._check_exemplars(rubric)
        return cleaned

    def _check_exemplars(self, rubric: Rubric) -> None:
        """Each exemplar gives one level per criterion of `rubric`, each
        from 1 to the number of levels of that criterion."""
        formset = self.formsets.get("exemplars")
        if formset is None or not formset.is_valid():
            return
        criteria = list(
            RubricCriterion.objects.filter(rubric=rubric).order_by("sort_order", "pk")
        )
        sizes = [len(criterion.levels) for criterion in criteria]
        for form in formset.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data or data.get("DELETE") or form.has_error("levels"):
                continue
            message = exemplar_levels_problem(
                title=data.get("title") or "",
                levels=data.get("levels") or "",
                criteria=[c.title for c in criteria],
                sizes=sizes,
            )
            if message:
                form.add_error("levels", message)


def exemplar_levels_problem(
    *, title: str, levels: str, criteria: list[str], sizes: list[int]
) -> str:
    """Why the exemplar `title`'s `levels` ("3, 2, 3") do not fit a rubric
    whose criteria are `criteria` with `sizes` levels each; "" when they
    fit."""
    parts = [part.strip() for part in levels.replace(";", ",").split(",")]
    if not all(part.isdigit() for part in parts):
        return _g(
            "Exemplar “%(title)s”: write the levels as whole numbers separated "
            "by commas, e.g. 3, 2, 3."
        ) % {"title": title}
    numbers = [int(part) for part in parts]
    if len(numbers) != len(sizes):
        return _g(
            "Exemplar “%(title)s” gives %(given)d levels, but the rubric has "
            "%(count)d criteria: give one level per criterion, in order."
        ) % {"title": title, "given": len(numbers), "count": len(sizes)}
    for name, size, number in zip(criteria, sizes, numbers, strict=True):
        if not 1 <= number <= size:
            return _g(
                "Exemplar “%(title)s”: criterion “%(criterion)s” has levels 1 "
                "to %(size)d, not %(level)d."
            ) % {"title": title, "criterion": name, "size": size, "level": number}
    return ""


class RubricForm(WagtailAdminModelForm):
    """A rubric whose criteria each have levels from the lowest to the
    highest: points never go down (Wagtail's StreamField keeps at least two
    levels and at most LEVELS_MAX)."""

    def clean(self):
        cleaned = super().clean()
        formset = self.formsets.get("criteria")
        if formset is None or not formset.is_valid():
            return cleaned
        for form in formset.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data or data.get("DELETE") or form.has_error("levels"):
                continue
            levels = data.get("levels") or []
            points = [int(block.value.get("points") or 0) for block in levels]
            if any(low > high for low, high in pairwise(points)):
                self.add_error(
                    None,
                    _(
                        "Criterion “%(criterion)s”: list its levels from the "
                        "lowest to the highest, with points that never go down "
                        "(now %(points)s)."
                    )
                    % {
                        "criterion": data.get("title") or "",
                        "points": ", ".join(str(p) for p in points),
                    },
                )
        return cleaned


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
    Rubric.base_form_class = RubricForm
    Accommodation.base_form_class = AccommodationForm
