"""Quizzes in the course tree: the quiz page, the questions it always
asks, and accommodations (extra time or attempts for one trainee)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable, Page
from wagtail.search import index

from content.pages import OneQueryViewRestrictions
from courses.steps import CompletionStep, StepWork
from lms.common.limits import (
    ATTEMPTS_MAX,
    DAYS_MAX,
    MINUTES_MAX,
    QUESTIONS_MAX,
    at_most,
)

from .attempts import Attempt
from .bank import Question, QuestionCategory, category_tree_ids


class ReviewPolicy(models.TextChoices):
    AFTER_PASS_OR_LAST = (
        "after_pass_or_last",
        _("Show them once the trainee has passed or used their last attempt"),
    )
    AFTER_SUBMIT = "after_submit", _("Show answers and explanations after submitting")
    AFTER_PASS = "after_pass", _("Show them only once the trainee has passed")
    NEVER = "never", _("Never show them (score only)")


class TestRole(models.TextChoices):
    NONE = "", _("An ordinary quiz")
    PRE = "pre", _("Pre-test of the course")
    POST = "post", _("Post-test of the course")


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
    closes_at = models.DateTimeField(
        _("closes at"),
        null=True,
        blank=True,
        help_text=_(
            "Leave empty to keep the quiz open. After this time no attempt "
            "starts, and answers saved offline count only when the trainee "
            "provably answered before it."
        ),
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
    test_role = models.CharField(
        _("pre-test or post-test"),
        max_length=4,
        choices=TestRole.choices,
        default=TestRole.NONE,
        blank=True,
        help_text=_(
            "The cohort dashboard shows the learning gain: the post-test's best "
            "score minus the pre-test's first score."
        ),
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
                FieldPanel("closes_at"),
                FieldPanel("shuffle_questions"),
                FieldPanel("shuffle_choices"),
                FieldPanel("review_policy"),
                FieldPanel("required"),
                FieldPanel("test_role"),
            ],
            heading=_("Rules"),
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["courses.ModulePage"]
    subpage_types: list[str] = []
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
        # Wagtail's page idiom: the page asks its selector, which imports it.
        from ..selectors import quiz_detail

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
    """Extra time or attempts for one trainee on one quiz, or extra days
    for one trainee on one practical task (exactly one of the two)."""

    quiz = models.ForeignKey(
        QuizPage,
        verbose_name=_("quiz"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    # By name: practical tasks (models/practice.py).
    task = models.ForeignKey(
        "TaskPage",
        verbose_name=_("practical task"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
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
    extra_days = models.PositiveSmallIntegerField(
        _("extra days"),
        default=0,
        validators=at_most(DAYS_MAX),
        help_text=_("For a practical task: days added to its due date."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    panels = [
        FieldPanel("quiz"),
        FieldPanel("task"),
        FieldPanel("user"),
        FieldPanel("extra_minutes"),
        FieldPanel("extra_attempts"),
        FieldPanel("extra_days"),
        FieldPanel("note"),
    ]

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
            ),
            models.UniqueConstraint(
                fields=["task", "user"],
                name="accommodation_task_once",
                violation_error_message=_(
                    "This trainee already has an accommodation for this task: "
                    "change that one instead."
                ),
            ),
            models.CheckConstraint(
                condition=Q(quiz__isnull=False, task__isnull=True)
                | Q(quiz__isnull=True, task__isnull=False),
                name="accommodation_quiz_or_task",
                violation_error_message=_(
                    "Choose a quiz or a practical task, not both."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.quiz or self.task}"


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
