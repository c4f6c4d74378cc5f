"""Assessments: the question bank, quizzes in the course tree, attempts.

Concepts carried over from django-quiz-app: Category, the question types,
the Sitting (here `Attempt`, with one `AttemptQuestion` per question asked),
Progress (a selector over attempts), the pass mark and essay marking.

An attempt freezes what the trainee saw: `AttemptQuestion.snapshot` holds
the question's text, choices (in the order shown) and answer key at the
time the attempt started, so editing a question never rewrites history
(a regrade is an explicit task)."""

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
from wagtail.models import Orderable, Page
from wagtail.search import index

from content.pages import OneQueryViewRestrictions
from courses.models import CompletionStep
from lms.limits import (
    ATTEMPTS_MAX,
    INT_MAX,
    MINUTES_MAX,
    QUESTIONS_MAX,
    SMALL_MAX,
    at_most,
)

from .admin_forms import AccommodationForm, QuestionForm, QuizPageForm


class QuestionCategory(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)

    panels = [FieldPanel("name"), FieldPanel("description")]

    class Meta:
        verbose_name = _("question category")
        verbose_name_plural = _("question categories")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TRUE_FALSE = "true_false", _("True or false")
    NUMERIC = "numeric", _("Number")
    ORDERING = "ordering", _("Put in order")
    ESSAY = "essay", _("Essay")


CHOICE_KINDS = {QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.ORDERING}


class Question(index.Indexed, ClusterableModel):
    category = models.ForeignKey(
        QuestionCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="questions",
    )
    kind = models.CharField(_("type"), max_length=16, choices=QuestionKind.choices)
    text = models.TextField(_("question"))
    explanation = models.TextField(
        _("explanation"),
        blank=True,
        help_text=_("Shown after the attempt, as the quiz's review policy allows."),
    )
    points = models.PositiveSmallIntegerField(
        _("points"),
        default=1,
        # at most 1000: AttemptQuestion.max_points is DecimalField(6, 2)
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
    )
    true_false_answer = models.BooleanField(
        _("the statement is true"), null=True, blank=True
    )
    numeric_answer = models.DecimalField(
        _("correct number"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    numeric_tolerance = models.DecimalField(
        _("tolerance"),
        max_digits=16,
        decimal_places=4,
        default=0,
        validators=[MinValueValidator(0)],
        help_text=_("Answers this far from the correct number still count."),
    )
    numeric_unit = models.CharField(
        _("unit"), max_length=20, blank=True, help_text=_("e.g. %, rupiah")
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
    source = models.CharField(_("imported from"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldPanel("category"),
        FieldPanel("kind"),
        FieldPanel("text"),
        FieldPanel("points"),
        InlinePanel(
            "choices",
            label=_("Choices (for ordering: the items in the right order)"),
        ),
        FieldPanel("keep_choice_order"),
        MultiFieldPanel([FieldPanel("true_false_answer")], heading=_("True or false")),
        MultiFieldPanel(
            [
                FieldPanel("numeric_answer"),
                FieldPanel("numeric_tolerance"),
                FieldPanel("numeric_unit"),
            ],
            heading=_("Number"),
        ),
        MultiFieldPanel(
            [FieldPanel("rubric"), FieldPanel("product")], heading=_("Essay")
        ),
        FieldPanel("explanation"),
    ]
    search_fields = [index.SearchField("text"), index.FilterField("kind")]
    base_form_class = QuestionForm

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["category", "pk"]

    def __str__(self) -> str:
        text = " ".join(self.text.split())
        return text if len(text) <= 80 else text[:79] + "…"

    def clean(self) -> None:
        super().clean()
        if self.kind == QuestionKind.TRUE_FALSE and self.true_false_answer is None:
            raise ValidationError(
                {"true_false_answer": _("Say whether the statement is true.")}
            )
        if self.kind == QuestionKind.NUMERIC and self.numeric_answer is None:
            raise ValidationError({"numeric_answer": _("Give the correct number.")})


class Choice(Orderable):
    question = ParentalKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(_("text"), max_length=500)
    is_correct = models.BooleanField(_("correct"), default=False)
    feedback = models.CharField(
        _("feedback"),
        max_length=500,
        blank=True,
        help_text=_("Shown to a trainee who picked this choice."),
    )

    panels = [FieldPanel("text"), FieldPanel("is_correct"), FieldPanel("feedback")]

    class Meta(Orderable.Meta):
        verbose_name = _("choice")
        verbose_name_plural = _("choices")

    def __str__(self) -> str:
        return self.text


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
            [FieldPanel("random_category"), FieldPanel("random_count")],
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
    def step_done_query(cls, *, user, page_ids: list[int]):
        return (
            Attempt.objects.filter(user=user, quiz_id__in=page_ids, passed=True)
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
                fields=["quiz", "question"], name="quiz_question_once"
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
            models.UniqueConstraint(fields=["quiz", "user"], name="accommodation_once")
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
                fields=["user", "quiz", "number"], name="attempt_number_once"
            ),
            models.UniqueConstraint(
                fields=["user", "quiz"],
                condition=Q(status="in_progress"),
                name="attempt_one_open",
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
                fields=["attempt", "order"], name="attempt_order_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.attempt} · {self.order}"


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
