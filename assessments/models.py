"""Assessments: the question bank, quizzes in the course tree, attempts.

Concepts carried over from django-quiz-app: Category, the question types,
the Sitting (here `Attempt`, with one `AttemptQuestion` per question asked),
Progress (a selector over attempts), the pass mark and essay marking.

An attempt freezes what the trainee saw: `AttemptQuestion.snapshot` holds
the question's text, choices (in the order shown) and answer key at the
time the attempt started, so editing a question never rewrites history
(a regrade is an explicit task)."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable, Page, PreviewableMixin
from wagtail.search import index

from content.pages import OneQueryViewRestrictions
from courses.steps import CompletionStep, StepWork
from lms.limits import (
    ATTEMPTS_MAX,
    INT_MAX,
    MINUTES_MAX,
    QUESTIONS_MAX,
    SMALL_MAX,
    at_most,
)

from .admin_forms import (
    AccommodationForm,
    QuestionCategoryForm,
    QuestionForm,
    QuizPageForm,
)
from .rich_text import html_clean, html_to_text


class QuestionCategory(models.Model):
    """A folder of the bank. Categories nest (`parent`); a name is unique
    among its siblings, so `A/Child` and `B/Child` are two categories."""

    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    name = models.CharField(_("name"), max_length=255)
    description = models.TextField(_("description"), blank=True)

    panels = [FieldPanel("parent"), FieldPanel("name"), FieldPanel("description")]
    base_form_class = QuestionCategoryForm

    class Meta:
        verbose_name = _("question category")
        verbose_name_plural = _("question categories")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"],
                name="category_name_once_per_parent",
                violation_error_message=_(
                    "This category already has a subcategory with this name."
                ),
            ),
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(parent__isnull=True),
                name="category_top_name_once",
                violation_error_message=_(
                    "There is already a top-level category with this name."
                ),
            ),
        ]

    def __str__(self) -> str:
        """The path from the top, so two `Child` categories differ in lists
        and choosers: "A / Child"."""
        return " / ".join(self.path_names())

    def descendant_ids(self) -> list[int]:
        """This category's id and every subcategory's, at any depth
        (one query)."""
        return category_tree_ids(root_ids=[self.pk])

    def path_names(self) -> list[str]:
        """Names from the top category down to this one."""
        names, seen, node = [], set(), self
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            names.append(node.name)
            node = node.parent
        return names[::-1]


def category_tree_ids(*, root_ids: list[int]) -> list[int]:
    """`root_ids` and the ids of all their subcategories, at any depth.
    One query over the (small) category table; safe against cycles."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in QuestionCategory.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found: list[int] = []
    todo = [pk for pk in root_ids if pk is not None]
    while todo:
        pk = todo.pop()
        if pk in found:
            continue
        found.append(pk)
        todo.extend(children.get(pk, []))
    return found


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TRUE_FALSE = "true_false", _("True or false")
    NUMERIC = "numeric", _("Number")
    ORDERING = "ordering", _("Put in order")
    ESSAY = "essay", _("Essay")
    SHORT_ANSWER = "short_answer", _("Short answer")
    MATCHING = "matching", _("Matching")
    DESCRIPTION = "description", _("Description (no answer)")


CHOICE_KINDS = {QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.ORDERING}
# Kinds whose answers are Choice rows (see Choice).
ANSWER_ROW_KINDS = CHOICE_KINDS | {
    QuestionKind.NUMERIC,
    QuestionKind.SHORT_ANSWER,
    QuestionKind.MATCHING,
}


class MultipleScoring(models.TextChoices):
    PARTIAL = "partial", _("Sum of the chosen choices' credit, at least zero")
    ALL_OR_NOTHING = (
        "all_or_nothing",
        _("All or nothing: full marks only for exactly the right choices"),
    )


# Choice.fraction: Moodle's grade fractions, in percent (100, 50, 33.33333,
# -50, ...). Numbers of numeric answers (Moodle keeps them as text, so any
# size): up to 15 digits before the point (Rp 100 juta and far beyond) and
# 15 after it, with at most NUMBER_SIGNIFICANT significant digits, so every
# stored value reads back exactly on SQLite too (a double holds 15).
FRACTION_DIGITS, FRACTION_PLACES = 8, 5
NUMBER_DIGITS, NUMBER_PLACES = 30, 15
NUMBER_SIGNIFICANT = 15
NUMBER_LIMIT = Decimal(10) ** (NUMBER_DIGITS - NUMBER_PLACES)


def number_storable(value: Decimal) -> bool:
    """Whether `value` is stored exactly as a Choice number or tolerance:
    finite, below NUMBER_LIMIT, at most NUMBER_PLACES decimal places and
    NUMBER_SIGNIFICANT significant digits. Constant work whatever the
    exponent (`adjusted()` is checked before any arithmetic)."""
    value = Decimal(value)
    if not value.is_finite():
        return False
    if value.is_zero():
        return True
    if value.adjusted() >= NUMBER_DIGITS - NUMBER_PLACES:
        return False
    if value.adjusted() < -NUMBER_PLACES:
        return False
    digits = value.normalize().as_tuple()
    return (
        len(digits.digits) <= NUMBER_SIGNIFICANT
        and -int(digits.exponent) <= NUMBER_PLACES
    )


class Question(PreviewableMixin, index.Indexed, ClusterableModel):
    """A bank question. Rich-text fields (`text`, `explanation`, the
    feedback fields) hold sanitised HTML (assessments.rich_text); `save()`
    cleans them, importers writing in bulk call `html_clean` themselves.

    Answers live in `choices` (Choice rows) for single, multiple, ordering,
    numeric, short answer and matching questions; true/false questions use
    `true_false_answer` and the two feedback fields; essays `rubric`;
    description items have no answer and no points."""

    category = models.ForeignKey(
        QuestionCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="questions",
    )
    kind = models.CharField(_("type"), max_length=16, choices=QuestionKind.choices)
    name = models.CharField(
        _("name"),
        max_length=255,
        blank=True,
        help_text=_("A short name for the bank listing (Moodle's question name)."),
    )
    text = models.TextField(_("question"), blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    image_alt = models.CharField(
        _("image alt text"),
        max_length=250,
        blank=True,
        help_text=_("Required with an image: what it shows, for who cannot see it."),
    )
    explanation = models.TextField(
        _("general feedback"),
        blank=True,
        help_text=_(
            "Explanation shown after the attempt, whatever the answer, as the "
            "quiz's review policy allows (Moodle's general feedback)."
        ),
    )
    correct_feedback = models.TextField(_("feedback for a right answer"), blank=True)
    partial_feedback = models.TextField(
        _("feedback for a partly right answer"), blank=True
    )
    incorrect_feedback = models.TextField(_("feedback for a wrong answer"), blank=True)
    points = models.PositiveSmallIntegerField(
        _("points"),
        default=1,
        # at most 1000: AttemptQuestion.max_points is DecimalField(6, 2);
        # description items have 0 (Question.clean and save enforce it).
        validators=[MinValueValidator(0), MaxValueValidator(1000)],
    )
    multiple_scoring = models.CharField(
        _("scoring"),
        max_length=16,
        choices=MultipleScoring.choices,
        default=MultipleScoring.PARTIAL,
        help_text=_("For multiple choice."),
    )
    true_false_answer = models.BooleanField(
        _("the statement is true"), null=True, blank=True
    )
    true_feedback = models.TextField(_("feedback for answering “true”"), blank=True)
    false_feedback = models.TextField(_("feedback for answering “false”"), blank=True)
    numeric_unit = models.CharField(
        _("unit"), max_length=20, blank=True, help_text=_("e.g. %, rupiah")
    )
    case_sensitive = models.BooleanField(
        _("case matters"),
        default=False,
        help_text=_("For short answers: “Jakarta” and “jakarta” differ."),
    )
    rubric = models.TextField(
        _("rubric"), blank=True, help_text=_("For essays: what a good answer has.")
    )
    product = models.ForeignKey(
        "content.PracticeProduct",
        verbose_name=_("practice product"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    keep_choice_order = models.BooleanField(
        _("keep the choices in this order"),
        default=False,
        help_text=_(
            "Only for choices whose order matters (e.g. the last is 'All of the "
            "above'). Otherwise choices are always mixed, because authors tend "
            "to put the correct one first. If you keep the order, vary where "
            "the correct choice stands."
        ),
    )
    lesson_to_reread = models.ForeignKey(
        "courses.LessonPage",
        verbose_name=_("lesson to re-read"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "Offered to a trainee who did not get this question right, "
            "without the answer. Empty: the module the quiz is in."
        ),
    )
    source = models.CharField(_("imported from"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    search_fields = [
        index.SearchField("text"),
        index.SearchField("name"),
        index.FilterField("kind"),
        # The admin chooser searches within the user's staff scope (pk__in).
        index.FilterField("id"),
        index.FilterField("category_id"),
    ]
    base_form_class = QuestionForm

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["category", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(points__lte=1000),
                name="question_points_at_most_1000",
                violation_error_message=_("A question is worth at most 1000 points."),
            )
        ]

    def __str__(self) -> str:
        text = " ".join((self.name or html_to_text(self.text)).split())
        if not text:
            text = self.image_alt or "—"
        return text if len(text) <= 80 else text[:79] + "…"

    RICH_FIELDS = (
        "text",
        "explanation",
        "correct_feedback",
        "partial_feedback",
        "incorrect_feedback",
        "true_feedback",
        "false_feedback",
    )

    def clean(self) -> None:
        super().clean()
        if self.kind == QuestionKind.TRUE_FALSE and self.true_false_answer is None:
            raise ValidationError(
                {"true_false_answer": _("Say whether the statement is true.")}
            )
        if self.image_id and not self.image_alt.strip():
            raise ValidationError(
                {"image_alt": _("Describe the image for people who cannot see it.")}
            )
        if not html_to_text(self.text) and not self.image_id:
            raise ValidationError({"text": _("Write the question or add an image.")})
        if self.kind != QuestionKind.DESCRIPTION and not self.points:
            raise ValidationError(
                {"points": _("A question is worth at least 1 point.")}
            )

    def get_preview_template(self, request, mode_name):
        return "assessments/question_preview.html"

    def get_preview_context(self, request, mode_name):
        """The question as a trainee sees it in an attempt (choices in the
        bank's order, fresh opaque keys), from the form being edited."""
        import random

        from .services import snapshot_for
        from .views import answer_form_context

        snapshot = snapshot_for(self, shuffle_choices=False, rng=random.Random(0))  # noqa: S311
        return {
            **super().get_preview_context(request, mode_name),
            **answer_form_context(snapshot, {}),
            "question": self,
        }

    def save(self, *args, **kwargs):
        for field in self.RICH_FIELDS:
            setattr(self, field, html_clean(getattr(self, field)))
        if self.kind == QuestionKind.DESCRIPTION:
            self.points = 0
        super().save(*args, **kwargs)


class Choice(Orderable):
    """One answer row of a question. Which fields matter depends on the kind:

    - single / multiple: `text` (HTML) and/or `image` (+ `image_alt`),
      `fraction` (percent of the points, -100..100), `feedback`.
    - ordering: `text`/`image`, in the right order (`sort_order`).
    - numeric: `number`, `tolerance` (inclusive), `fraction`, `feedback`;
      several rows = several accepted answers, the best match counts.
    - short answer: `text` is the accepted answer as plain text (`*` matches
      anything), `fraction`, `feedback`.
    - matching: `text` (HTML) is the item, `match_text` (plain) its answer;
      a row with empty `text` is an extra (distractor) answer."""

    question = ParentalKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.TextField(_("text"), blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    image_alt = models.CharField(_("image alt text"), max_length=250, blank=True)
    fraction = models.DecimalField(
        _("credit (%)"),
        max_digits=FRACTION_DIGITS,
        decimal_places=FRACTION_PLACES,
        default=Decimal(0),
        validators=[MinValueValidator(-100), MaxValueValidator(100)],
        help_text=_("100 = fully right, 0 = wrong, negative = a penalty."),
    )
    feedback = models.TextField(
        _("feedback"),
        blank=True,
        help_text=_("Shown to a trainee who gave this answer."),
    )
    number = models.DecimalField(
        _("number"),
        max_digits=NUMBER_DIGITS,
        decimal_places=NUMBER_PLACES,
        null=True,
        blank=True,
    )
    tolerance = models.DecimalField(
        _("tolerance"),
        max_digits=NUMBER_DIGITS,
        decimal_places=NUMBER_PLACES,
        default=Decimal(0),
        validators=[MinValueValidator(0)],
        help_text=_("Answers this far from the number still count."),
    )
    match_text = models.CharField(_("matching answer"), max_length=500, blank=True)

    panels = [
        FieldPanel("text"),
        FieldPanel("image"),
        FieldPanel("image_alt"),
        FieldPanel("fraction"),
        FieldPanel("feedback"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        constraints = [
            models.CheckConstraint(
                condition=Q(fraction__gte=-100, fraction__lte=100),
                name="choice_fraction_in_range",
                violation_error_message=_(
                    "An answer's grade is between -100 and 100 percent."
                ),
            ),
            models.CheckConstraint(
                condition=Q(tolerance__gte=0),
                name="choice_tolerance_not_negative",
                violation_error_message=_("The tolerance cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return html_to_text(self.text) or self.match_text or self.image_alt

    @property
    def is_correct(self) -> bool:
        """Gives credit (a positive fraction)."""
        return self.fraction is not None and Decimal(self.fraction) > 0

    def clean(self) -> None:
        super().clean()
        if self.image_id and not self.image_alt.strip():
            raise ValidationError(
                {"image_alt": _("Describe the image for people who cannot see it.")}
            )
        for field in ("number", "tolerance"):
            value = getattr(self, field)
            if value is not None and not number_storable(value):
                raise ValidationError(
                    {
                        field: _(
                            "This number cannot be stored exactly: at most 15 "
                            "digits before the point, 15 after it and 15 "
                            "significant digits."
                        )
                    }
                )

    def save(self, *args, **kwargs):
        question = self.question if self.question_id or self.question else None
        if question is None or question.kind != QuestionKind.SHORT_ANSWER:
            self.text = html_clean(self.text)
        self.feedback = html_clean(self.feedback)
        super().save(*args, **kwargs)


def questions_in_quizzes_q() -> Q:
    """Questions a quiz asks: as a fixed question, or by drawing at random
    from their category (or, when the quiz says so, a parent category)."""
    fixed = QuizQuestion.objects.values("question_id")
    direct = QuizPage.objects.filter(random_category__isnull=False).values(
        "random_category_id"
    )
    roots = list(
        QuizPage.objects.filter(
            random_category__isnull=False, random_include_subcategories=True
        ).values_list("random_category_id", flat=True)
    )
    return (
        Q(pk__in=fixed)
        | Q(category__in=direct)
        | Q(category__in=category_tree_ids(root_ids=roots) if roots else [])
    )


def question_panels(kind: str | None) -> list:
    """The form panels for a question of `kind`: only that type's fields
    (the type is chosen before the form, see wagtail_hooks). `None` gives
    every field (the generic form, e.g. for the chooser)."""
    head = [FieldPanel("category"), FieldPanel("name")]
    body = [FieldPanel("text"), FieldPanel("image"), FieldPanel("image_alt")]
    tail = [FieldPanel("explanation")]
    if kind != QuestionKind.DESCRIPTION:
        tail.append(FieldPanel("lesson_to_reread"))
    outcome = MultiFieldPanel(
        [
            FieldPanel("correct_feedback"),
            FieldPanel("partial_feedback"),
            FieldPanel("incorrect_feedback"),
        ],
        heading=_("Feedback by result"),
    )
    choice_panels = [
        FieldPanel("text"),
        FieldPanel("image"),
        FieldPanel("image_alt"),
        FieldPanel("fraction"),
        FieldPanel("feedback"),
    ]
    by_kind = {
        QuestionKind.SINGLE: [
            FieldPanel("points"),
            InlinePanel("choices", label=_("Choices"), panels=choice_panels),
            FieldPanel("keep_choice_order"),
            outcome,
        ],
        QuestionKind.MULTIPLE: [
            FieldPanel("points"),
            FieldPanel("multiple_scoring"),
            InlinePanel("choices", label=_("Choices"), panels=choice_panels),
            FieldPanel("keep_choice_order"),
            outcome,
        ],
        QuestionKind.TRUE_FALSE: [
            FieldPanel("points"),
            MultiFieldPanel(
                [
                    FieldPanel("true_false_answer"),
                    FieldPanel("true_feedback"),
                    FieldPanel("false_feedback"),
                ],
                heading=_("True or false"),
            ),
        ],
        QuestionKind.NUMERIC: [
            FieldPanel("points"),
            FieldPanel("numeric_unit"),
            InlinePanel(
                "choices",
                label=_("Accepted numbers"),
                panels=[
                    FieldPanel("number"),
                    FieldPanel("tolerance"),
                    FieldPanel("fraction"),
                    FieldPanel("feedback"),
                ],
            ),
        ],
        QuestionKind.ORDERING: [
            FieldPanel("points"),
            InlinePanel(
                "choices",
                label=_("Items, in the right order"),
                panels=[
                    FieldPanel("text"),
                    FieldPanel("image"),
                    FieldPanel("image_alt"),
                ],
            ),
            outcome,
        ],
        QuestionKind.ESSAY: [
            FieldPanel("points"),
            FieldPanel("rubric"),
            FieldPanel("product"),
        ],
        QuestionKind.SHORT_ANSWER: [
            FieldPanel("points"),
            FieldPanel("case_sensitive"),
            InlinePanel(
                "choices",
                label=_("Accepted answers (* matches any text)"),
                panels=[
                    FieldPanel("text"),
                    FieldPanel("fraction"),
                    FieldPanel("feedback"),
                ],
            ),
        ],
        QuestionKind.MATCHING: [
            FieldPanel("points"),
            InlinePanel(
                "choices",
                label=_("Pairs (leave the item empty for an extra wrong answer)"),
                panels=[FieldPanel("text"), FieldPanel("match_text")],
            ),
            FieldPanel("keep_choice_order"),
            outcome,
        ],
        QuestionKind.DESCRIPTION: [],
    }
    if kind is None:
        middle = [
            FieldPanel("kind"),
            FieldPanel("points"),
            FieldPanel("multiple_scoring"),
            FieldPanel("case_sensitive"),
            InlinePanel("choices", label=_("Choices")),
            MultiFieldPanel(
                [
                    FieldPanel("true_false_answer"),
                    FieldPanel("true_feedback"),
                    FieldPanel("false_feedback"),
                ],
                heading=_("True or false"),
            ),
            FieldPanel("numeric_unit"),
            MultiFieldPanel(
                [FieldPanel("rubric"), FieldPanel("product")], heading=_("Essay")
            ),
            outcome,
        ]
    else:
        middle = by_kind[QuestionKind(kind)]
    return [*head, *body, *middle, *tail]


Question.panels = question_panels(None)


class ReviewPolicy(models.TextChoices):
    AFTER_PASS_OR_LAST = (
        "after_pass_or_last",
        _("Show them once the trainee has passed or used their last attempt"),
    )
    AFTER_SUBMIT = "after_submit", _("Show answers and explanations after submitting")
    AFTER_PASS = "after_pass", _("Show them only once the trainee has passed")
    NEVER = "never", _("Never show them (score only)")


class QuizPage(OneQueryViewRestrictions, CompletionStep, Page):
    intro = models.TextField(_("introduction"), blank=True)
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"),
        default=70,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit (minutes)"),
        validators=at_most(MINUTES_MAX),
        null=True,
        blank=True,
        help_text=_("Leave empty for no time limit."),
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("maximum attempts"),
        validators=at_most(ATTEMPTS_MAX),
        null=True,
        blank=True,
        help_text=_("Leave empty for unlimited attempts."),
    )
    shuffle_questions = models.BooleanField(_("shuffle questions"), default=False)
    shuffle_choices = models.BooleanField(
        _("shuffle choices"),
        default=True,
        help_text=_(
            "On: a new order of the choices for every attempt. Off: every "
            "trainee sees the same order, still mixed rather than the order "
            "written (except questions marked 'keep the choices in this order')."
        ),
    )
    random_category = models.ForeignKey(
        QuestionCategory,
        verbose_name=_("draw random questions from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    random_count = models.PositiveSmallIntegerField(
        _("number of random questions"), default=0, validators=at_most(QUESTIONS_MAX)
    )
    random_include_subcategories = models.BooleanField(
        _("also draw from its subcategories"), default=False
    )
    review_policy = models.CharField(
        _("review"),
        max_length=24,
        choices=ReviewPolicy.choices,
        default=ReviewPolicy.AFTER_PASS_OR_LAST,
        help_text=_(
            "When trainees see the correct answers and explanations. Showing "
            "them after every submission lets a trainee copy them into the "
            "next attempt."
        ),
    )
    required = models.BooleanField(
        _("required for completion"),
        default=True,
        help_text=_("The course is complete only when this quiz is passed."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        InlinePanel("quiz_questions", label=_("Questions")),
        MultiFieldPanel(
            [
                FieldPanel("random_category"),
                FieldPanel("random_include_subcategories"),
                FieldPanel("random_count"),
            ],
            heading=_("Random questions"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("pass_mark"),
                FieldPanel("time_limit_minutes"),
                FieldPanel("max_attempts"),
                FieldPanel("shuffle_questions"),
                FieldPanel("shuffle_choices"),
                FieldPanel("review_policy"),
                FieldPanel("required"),
            ],
            heading=_("Rules"),
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["courses.ModulePage"]
    subpage_types: list[str] = []
    base_form_class = QuizPageForm
    step_kind = "quiz"
    step_outline_fields = ("required",)

    class Meta:
        verbose_name = _("quiz")

    @classmethod
    def step_work(cls) -> StepWork:
        """Attempts: a passed one finishes the quiz (courses/steps.py)."""
        return StepWork(
            rows=Attempt.objects.all(),
            user="user_id",
            page="quiz_id",
            at="started_at",
            done=Q(passed=True),
        )

    @classmethod
    def step_waiting_query(cls, *, user, page_ids: list[int] | None):
        """Quizzes with an attempt waiting for a trainer's mark and none
        passed."""
        waiting = Attempt.objects.filter(user=user, status=Attempt.Status.MARKING)
        if page_ids is not None:
            waiting = waiting.filter(quiz_id__in=page_ids)
        passed = cls.step_done_query(user=user, page_ids=None)
        return (
            waiting.exclude(quiz_id__in=passed)
            .order_by()
            .values_list("quiz_id", flat=True)
        )

    def get_context(self, request, *args, **kwargs):
        from .selectors import quiz_detail

        context = super().get_context(request, *args, **kwargs)
        context.update(quiz_detail(quiz=self, user=request.user, request=request))
        return context


class QuizQuestion(Orderable):
    """A question every attempt of the quiz asks."""

    quiz = ParentalKey(
        QuizPage, on_delete=models.CASCADE, related_name="quiz_questions"
    )
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="+"
    )

    panels = [FieldPanel("question")]

    class Meta(Orderable.Meta):
        verbose_name = _("quiz question")
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "question"],
                name="quiz_question_once",
                violation_error_message=_("This question is already in this quiz."),
            )
        ]


class Accommodation(models.Model):
    """Extra time or attempts for one trainee on one quiz."""

    quiz = models.ForeignKey(
        QuizPage, verbose_name=_("quiz"), on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainee"),
        on_delete=models.CASCADE,
        related_name="quiz_accommodations",
    )
    extra_minutes = models.PositiveSmallIntegerField(
        _("extra minutes"), default=0, validators=at_most(MINUTES_MAX)
    )
    extra_attempts = models.PositiveSmallIntegerField(
        _("extra attempts"), default=0, validators=at_most(ATTEMPTS_MAX)
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    panels = [
        FieldPanel("quiz"),
        FieldPanel("user"),
        FieldPanel("extra_minutes"),
        FieldPanel("extra_attempts"),
        FieldPanel("note"),
    ]
    base_form_class = AccommodationForm

    class Meta:
        verbose_name = _("accommodation")
        verbose_name_plural = _("accommodations")
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "user"],
                name="accommodation_once",
                violation_error_message=_(
                    "This trainee already has an accommodation for this quiz: "
                    "change that one instead."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.quiz}"


class Attempt(models.Model):
    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        MARKING = "marking", _("Waiting for marking")
        GRADED = "graded", _("Graded")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts"
    )
    quiz = models.ForeignKey(
        QuizPage, on_delete=models.CASCADE, related_name="attempts"
    )
    number = models.PositiveSmallIntegerField(
        _("attempt number"), validators=at_most(SMALL_MAX)
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.IN_PROGRESS
    )
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    deadline_at = models.DateTimeField(_("deadline"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    score = models.DecimalField(
        _("score"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    max_score = models.DecimalField(_("maximum score"), max_digits=8, decimal_places=2)
    passed = models.BooleanField(_("passed"), null=True, blank=True)

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "quiz", "number"],
                name="attempt_number_once",
                violation_error_message=_(
                    "This trainee already has an attempt with this number on this quiz."
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "quiz"],
                condition=Q(status="in_progress"),
                name="attempt_one_open",
                violation_error_message=_(
                    "This trainee already has an attempt in progress on this quiz."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.quiz} #{self.number}"

    @property
    def is_expired(self) -> bool:
        """Open, with a deadline that has passed (server time)."""
        return (
            self.status == self.Status.IN_PROGRESS
            and self.deadline_at is not None
            and timezone.now() > self.deadline_at
        )

    @property
    def percent(self) -> int | None:
        if self.score is None or not self.max_score:
            return None
        return int(self.score * 100 / self.max_score)


class AttemptQuestion(models.Model):
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="items")
    question = models.ForeignKey(
        Question, null=True, on_delete=models.SET_NULL, related_name="attempt_items"
    )
    category = models.ForeignKey(
        QuestionCategory, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    order = models.PositiveSmallIntegerField(validators=at_most(SMALL_MAX))
    snapshot = models.JSONField(_("the question as shown"))
    response = models.JSONField(_("answer"), null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    max_points = models.DecimalField(max_digits=6, decimal_places=2)
    points = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    is_correct = models.BooleanField(null=True, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    marked_at = models.DateTimeField(null=True, blank=True)
    feedback = models.TextField(_("feedback"), blank=True)

    class Meta:
        verbose_name = _("attempt question")
        ordering = ["attempt", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "order"],
                name="attempt_order_once",
                violation_error_message=_(
                    "This attempt already has a question at this position."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.attempt} · {self.order}"

    @property
    def outcome(self) -> str:
        """The result of this answer by its score, as every page labels it
        (`ItemOutcome`): full marks "right", some "partial", none "wrong";
        "pending" while it waits for marking (or the attempt is open);
        "info" for a description item, which asks nothing."""
        if self.snapshot.get("kind") == QuestionKind.DESCRIPTION:
            return ItemOutcome.INFO
        if self.points is None:
            return ItemOutcome.PENDING
        if self.max_points and self.points >= self.max_points:
            return ItemOutcome.RIGHT
        if self.points > 0:
            return ItemOutcome.PARTIAL
        return ItemOutcome.WRONG


class ItemOutcome(models.TextChoices):
    """What one answer earned, by its score (see AttemptQuestion.outcome)."""

    RIGHT = "right", _("right")
    PARTIAL = "partial", _("partly right")
    WRONG = "wrong", _("wrong")
    PENDING = "pending", _("waiting for marking")
    INFO = "info", _("information only")


class RegradeJob(models.Model):
    """A regrade of every attempt (submitted or in progress) that asked a
    question, run by a Celery worker after a trainer corrected the question."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a worker")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    attempts_changed = models.PositiveIntegerField(
        _("submitted attempts changed"),
        default=0,
        validators=at_most(INT_MAX),
        help_text=_("Submitted attempts whose score or result changed."),
    )
    open_attempts_changed = models.PositiveIntegerField(
        _("open attempts changed"),
        default=0,
        validators=at_most(INT_MAX),
        help_text=_("Attempts in progress that now carry the corrected key."),
    )
    task_id = models.CharField(_("worker task"), max_length=64, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("regrade")
        verbose_name_plural = _("regrades")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.question} · {self.get_status_display()}"


class RegradeJobItem(models.Model):
    """What one regrade did to one answer (AttemptQuestion), written in the
    same transaction as the change. A second delivery of the job, in a row or
    at once, finds the row and skips the answer, and the job's counters are
    counted from these rows: one delivery or two give the same figures."""

    class Outcome(models.TextChoices):
        UNCHANGED = "unchanged", _("Unchanged")
        CHANGED = "changed", _("Submitted attempt changed")
        OPEN_CHANGED = "open_changed", _("Open attempt changed")

    job = models.ForeignKey(RegradeJob, on_delete=models.CASCADE, related_name="items")
    item = models.ForeignKey(
        "AttemptQuestion", on_delete=models.CASCADE, related_name="+"
    )
    outcome = models.CharField(max_length=16, choices=Outcome.choices)

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("regrade result")
        verbose_name_plural = _("regrade results")
        constraints = [
            models.UniqueConstraint(
                fields=["job", "item"],
                name="regradejobitem_unique_job_item",
                violation_error_message=_(
                    "This regrade already has a result for this answer."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.job_id} · {self.item_id} · {self.outcome}"


class ImportJob(models.Model):
    """A question-bank import from an uploaded file: small files run in the
    request, large ones on a Celery worker (`question_import_task`). The
    file's bytes are kept here until the job ends, so any worker on any
    machine can run it. `report` says what was imported, skipped and why."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a worker")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed: nothing was imported")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    filename = models.CharField(_("file"), max_length=255)
    file_format = models.CharField(_("format"), max_length=16)
    content = models.BinaryField(_("content"), blank=True)
    category = models.ForeignKey(
        QuestionCategory,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    skip_unsupported = models.BooleanField(
        _("skip unsupported questions"), default=False
    )
    language = models.CharField(_("language"), max_length=16, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=at_most(100)
    )
    created = models.PositiveIntegerField(
        _("questions imported"), default=0, validators=at_most(INT_MAX)
    )
    report = models.JSONField(_("report"), default=dict, blank=True)
    task_id = models.CharField(_("worker task"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("question import")
        verbose_name_plural = _("question imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} · {self.get_status_display()}"
