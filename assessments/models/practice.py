"""Practical tasks (tugas praktik): a trainee shows what they can do, a
trainer assesses it against a rubric.

- `Rubric` (a snippet, reusable across tasks): criteria, each with its own
  levels (points and a descriptor) and a comment bank, and a pass rule:
  total >= `pass_percent` % and, optionally, no criterion at its lowest
  level.
- `TaskPage` (a child of `ModulePage`, like `QuizPage`): the brief in lesson
  blocks, what a submission holds, a due rule, how many resubmissions, the
  rubric, exemplars (`TaskExemplar`). A course step: done when the
  trainee's latest assessed submission passes (courses/steps.py).
- `Submission`: one version of a trainee's work (text, link, files in
  private storage: `SubmissionFile`); every version is kept.
- `TaskAssessment`: a trainer's assessment of one submission, with one
  `CriterionResult` per criterion (the criterion and level are copied, so
  editing the rubric later never rewrites an assessment). With the task's
  release workflow on, the trainee sees it only once released.

The models hold no logic beyond reading their own fields: writes are in
assessments/practice/services.py."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from content.blocks import LessonStreamBlock
from content.pages import OneQueryViewRestrictions
from courses.steps import CompletionStep, StepWork
from lms.common.limits import DAYS_MAX, INT_MAX, SMALL_MAX, at_most
from lms.common.storage import private_storage

PHOTOS_MAX = 10  # photos per submission, at most
WORDS_MAX = 5_000  # the longest text a task may ask for, in words
LEVELS_MAX = 10  # levels per criterion
POINTS_MAX = 100  # points of one level


class RubricLevelBlock(blocks.StructBlock):
    """One level of a criterion: its name, points and what work at this
    level looks like."""

    title = blocks.CharBlock(label=_("level"), max_length=60)
    points = blocks.IntegerBlock(
        label=_("points"), min_value=0, max_value=POINTS_MAX, default=0
    )
    descriptor = blocks.TextBlock(
        label=_("descriptor"),
        help_text=_("What work at this level looks like, in plain words."),
    )

    class Meta:
        icon = "list-ol"
        label = _("level")


class Rubric(index.Indexed, ClusterableModel):
    """Criteria x levels with a pass rule, reusable across tasks."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    pass_percent = models.PositiveSmallIntegerField(
        _("pass mark (%)"),
        default=60,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_(
            "The work passes when its total is at least this share of the maximum."
        ),
    )
    no_lowest_level = models.BooleanField(
        _("no criterion at its lowest level"),
        default=False,
        help_text=_(
            "On: work with any criterion at its lowest level needs revision, "
            "whatever its total."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(
        _("created at"), default=timezone.now, editable=False
    )

    panels = [
        FieldPanel("title"),
        FieldPanel("description"),
        MultiFieldPanel(
            [FieldPanel("pass_percent"), FieldPanel("no_lowest_level")],
            heading=_("Pass rule"),
        ),
        InlinePanel("criteria", label=_("Criteria"), min_num=1),
    ]
    search_fields = [index.SearchField("title"), index.AutocompleteField("title")]

    class Meta:
        verbose_name = _("rubric")
        verbose_name_plural = _("rubrics")
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title


class RubricCriterion(Orderable):
    """One thing the work is judged on ("CTA jelas"), with its levels from
    lowest to highest and the comments trainers often write about it."""

    rubric = ParentalKey(Rubric, on_delete=models.CASCADE, related_name="criteria")
    title = models.CharField(_("criterion"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    levels = StreamField(
        [("level", RubricLevelBlock())],
        verbose_name=_("levels"),
        min_num=2,
        max_num=LEVELS_MAX,
        help_text=_("From the lowest to the highest."),
    )
    comment_bank = models.TextField(
        _("comment bank"),
        blank=True,
        help_text=_("Comments trainers can pick when assessing: one per line."),
    )

    panels = [
        FieldPanel("title"),
        FieldPanel("description"),
        FieldPanel("levels"),
        FieldPanel("comment_bank"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")

    def __str__(self) -> str:
        return self.title

    def level_rows(self) -> list[dict]:
        """The levels, lowest first: [{"title", "points", "descriptor"}]."""
        return [
            {
                "title": block.value["title"],
                "points": int(block.value["points"] or 0),
                "descriptor": block.value["descriptor"],
            }
            for block in self.levels
        ]

    def comments(self) -> list[str]:
        return [line.strip() for line in self.comment_bank.splitlines() if line.strip()]


class TaskPage(OneQueryViewRestrictions, CompletionStep, Page):
    """A practical task: the trainee submits work, a trainer assesses it."""

    brief = StreamField(LessonStreamBlock(), verbose_name=_("brief"), blank=True)
    rubric = models.ForeignKey(
        Rubric,
        verbose_name=_("rubric"),
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    # What a submission holds.
    accepts_text = models.BooleanField(_("text"), default=True)
    text_min_words = models.PositiveSmallIntegerField(
        _("at least (words)"), default=0, validators=at_most(WORDS_MAX)
    )
    text_max_words = models.PositiveSmallIntegerField(
        _("at most (words)"),
        null=True,
        blank=True,
        validators=at_most(WORDS_MAX),
        help_text=_("Leave empty for no upper limit."),
    )
    photos_min = models.PositiveSmallIntegerField(
        _("photos, at least"), default=0, validators=at_most(PHOTOS_MAX)
    )
    photos_max = models.PositiveSmallIntegerField(
        _("photos, at most"),
        default=0,
        validators=at_most(PHOTOS_MAX),
        help_text=_("0: no photos."),
    )
    accepts_voice = models.BooleanField(_("voice note"), default=False)
    accepts_link = models.BooleanField(_("link"), default=False)
    accepts_pdf = models.BooleanField(_("PDF file"), default=False)
    # Due rule: N days after enrolment, or a date (the earlier when both).
    due_days = models.PositiveSmallIntegerField(
        _("due, days after enrolment"),
        null=True,
        blank=True,
        validators=at_most(DAYS_MAX),
        help_text=_("E.g. 3 for 3 x 24 hours. Extensions: accommodations."),
    )
    due_on = models.DateTimeField(_("due date"), null=True, blank=True)
    resubmissions = models.PositiveSmallIntegerField(
        _("resubmissions allowed"),
        null=True,
        blank=True,
        validators=at_most(SMALL_MAX),
        help_text=_("Leave empty: until the work passes."),
    )
    release_marks = models.BooleanField(
        _("release marks by hand"),
        default=False,
        help_text=_(
            "On: trainees see an assessment only once a trainer releases it "
            "(e.g. all at once). Off: as soon as it is saved."
        ),
    )
    required = models.BooleanField(
        _("required for completion"),
        default=True,
        help_text=_("The course is complete only when this task has passed."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("brief"),
        FieldPanel("rubric"),
        MultiFieldPanel(
            [
                FieldPanel("accepts_text"),
                FieldPanel("text_min_words"),
                FieldPanel("text_max_words"),
                FieldPanel("photos_min"),
                FieldPanel("photos_max"),
                FieldPanel("accepts_voice"),
                FieldPanel("accepts_link"),
                FieldPanel("accepts_pdf"),
            ],
            heading=_("What a submission holds"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("due_days"),
                FieldPanel("due_on"),
                FieldPanel("resubmissions"),
                FieldPanel("release_marks"),
                FieldPanel("required"),
            ],
            heading=_("Rules"),
        ),
        InlinePanel("exemplars", label=_("Exemplars")),
    ]
    search_fields = [*Page.search_fields, index.SearchField("brief")]
    parent_page_types = ["courses.ModulePage"]
    subpage_types: list[str] = []
    step_kind = "task"
    step_outline_fields = ("required",)

    class Meta:
        verbose_name = _("practical task")
        verbose_name_plural = _("practical tasks")

    @classmethod
    def step_work(cls) -> StepWork:
        """Submissions: one whose (released) assessment passed finishes the
        task (courses/steps.py)."""
        return StepWork(
            rows=Submission.objects.all(),
            user="user_id",
            page="task_id",
            at="submitted_at",
            done=Q(status=Submission.Status.PASSED),
        )

    @classmethod
    def step_waiting_query(cls, *, user, page_ids: list[int] | None):
        """Tasks whose latest submission waits for a trainer (or for its
        assessment to be released) and none passed."""
        waiting = Submission.objects.filter(user=user, status=Submission.Status.WAITING)
        if page_ids is not None:
            waiting = waiting.filter(task_id__in=page_ids)
        passed = cls.step_done_query(user=user, page_ids=None)
        return (
            waiting.exclude(task_id__in=passed)
            .order_by()
            .values_list("task_id", flat=True)
        )

    def get_context(self, request, *args, **kwargs):
        # Wagtail's page idiom: the page asks its selector, which imports it.
        from ..practice.selectors import task_detail

        context = super().get_context(request, *args, **kwargs)
        context.update(task_detail(task=self, user=request.user, request=request))
        return context

    def parts(self) -> list[str]:
        """What a submission may hold: a subset of text, photos, voice,
        link, pdf, in that order."""
        flags = [
            ("text", self.accepts_text),
            ("photos", self.photos_max > 0),
            ("voice", self.accepts_voice),
            ("link", self.accepts_link),
            ("pdf", self.accepts_pdf),
        ]
        return [name for name, on in flags if on]


class TaskExemplar(Orderable):
    """An assessed example of the work (a good one and a weak one), shown to
    trainees before they start, with its level on each criterion."""

    class Quality(models.TextChoices):
        GOOD = "good", _("Good example")
        WEAK = "weak", _("Weak example")

    task = ParentalKey(TaskPage, on_delete=models.CASCADE, related_name="exemplars")
    title = models.CharField(_("title"), max_length=200)
    quality = models.CharField(
        _("quality"), max_length=8, choices=Quality.choices, default=Quality.GOOD
    )
    text = models.TextField(_("text"), blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    levels = models.CharField(
        _("level per criterion"),
        max_length=200,
        help_text=_(
            "The level this example reaches on each criterion of the rubric, "
            "in order, counted from 1 (the lowest): e.g. 3, 2, 3."
        ),
    )
    comment = models.TextField(_("why it is assessed so"), blank=True)

    panels = [
        FieldPanel("title"),
        FieldPanel("quality"),
        FieldPanel("text"),
        FieldPanel("image"),
        FieldPanel("levels"),
        FieldPanel("comment"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("exemplar")
        verbose_name_plural = _("exemplars")

    def __str__(self) -> str:
        return self.title

    def level_numbers(self) -> list[int]:
        """The levels as whole numbers counted from 1 ([] when unreadable)."""
        parts = [part.strip() for part in self.levels.replace(";", ",").split(",")]
        if not all(part.isdigit() for part in parts):
            return []
        return [int(part) for part in parts]


class Submission(models.Model):
    """One version of a trainee's work on a task. A new version is a new
    row: every version is kept, with its assessment."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting for assessment")
        PASSED = "passed", _("Passed")
        REVISION = "revision", _("Needs revision")

    task = models.ForeignKey(
        TaskPage, on_delete=models.CASCADE, related_name="submissions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainee"),
        on_delete=models.CASCADE,
        related_name="task_submissions",
    )
    number = models.PositiveSmallIntegerField(
        _("version"), validators=at_most(SMALL_MAX)
    )
    # What the trainee sees: waiting until an assessment is visible to them,
    # then its decision.
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.WAITING
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True)
    link = models.URLField(_("link"), max_length=500, blank=True)
    # The trainer this submission is allocated to (reassignable).
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="task_submissions_allocated",
    )
    # Shown on the trainee's portfolio page (opt-in, revocable).
    public = models.BooleanField(_("on my portfolio"), default=False)
    # When the trainee last saw its released feedback (None: not yet).
    feedback_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "task", "number"],
                name="submission_number_once",
                violation_error_message=_(
                    "This trainee already has a submission with this number."
                ),
            ),
        ]
        indexes = [models.Index(fields=["task", "status"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.task_id} · {self.number}"

    @property
    def late(self) -> bool:
        return self.due_at is not None and self.submitted_at > self.due_at


def submission_upload_to(instance: SubmissionFile, filename: str) -> str:
    """Random names: a path tells nothing about whose work it is."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"submissions/{uuid.uuid4().hex}.{extension}"


class SubmissionFile(models.Model):
    """A photo, voice note or PDF of a submission, in private storage,
    served only by a view that applies the access rule. Photos are
    re-encoded without metadata; voice notes are transcoded by a Celery
    task (`ready` false until then)."""

    class Kind(models.TextChoices):
        PHOTO = "photo", _("Photo")
        VOICE = "voice", _("Voice note")
        PDF = "pdf", _("PDF file")

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="files"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    position = models.PositiveSmallIntegerField(
        default=0, validators=at_most(SMALL_MAX)
    )
    file = models.FileField(
        _("file"),
        storage=private_storage,
        upload_to=submission_upload_to,
        max_length=200,
    )
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField(
        _("size (bytes)"), default=0, validators=at_most(INT_MAX)
    )
    width = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=at_most(SMALL_MAX)
    )
    height = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=at_most(SMALL_MAX)
    )
    duration_seconds = models.PositiveIntegerField(
        null=True, blank=True, validators=at_most(INT_MAX)
    )
    ready = models.BooleanField(default=True)
    error = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("submission file")
        verbose_name_plural = _("submission files")
        ordering = ["submission", "kind", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.position + 1}"


class TaskAssessment(models.Model):
    """A trainer's assessment of one submission against the rubric."""

    class Decision(models.TextChoices):
        PASSED = "passed", _("Passed")
        REVISION = "revision", _("Needs revision")

    submission = models.OneToOneField(
        Submission, on_delete=models.CASCADE, related_name="assessment"
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessor"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="task_assessments",
    )
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices)
    score = models.PositiveIntegerField(
        _("score"), default=0, validators=at_most(INT_MAX)
    )
    max_score = models.PositiveIntegerField(
        _("maximum score"), default=0, validators=at_most(INT_MAX)
    )
    # The rubric's verdict (total and lowest-level rule) when assessed; the
    # decision is the trainer's and may differ.
    rubric_passed = models.BooleanField(default=False)
    feedback = models.TextField(_("feedback"), blank=True)
    assessed_at = models.DateTimeField(_("assessed at"), default=timezone.now)
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    # When the trainee was emailed about it (or found to have no address):
    # the notify task sends once, however often it is delivered.
    notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("task assessment")
        verbose_name_plural = _("task assessments")

    def __str__(self) -> str:
        return f"{self.submission} · {self.get_decision_display()}"

    @property
    def percent(self) -> int:
        return round(100 * self.score / self.max_score) if self.max_score else 0

    @property
    def released(self) -> bool:
        return self.released_at is not None


class CriterionResult(models.Model):
    """The level chosen on one criterion, copied from the rubric."""

    assessment = models.ForeignKey(
        TaskAssessment, on_delete=models.CASCADE, related_name="results"
    )
    criterion = models.ForeignKey(
        RubricCriterion, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    position = models.PositiveSmallIntegerField(
        default=0, validators=at_most(SMALL_MAX)
    )
    criterion_title = models.CharField(max_length=120)
    level_index = models.PositiveSmallIntegerField(validators=at_most(LEVELS_MAX))
    level_title = models.CharField(max_length=60)
    points = models.PositiveSmallIntegerField(validators=at_most(POINTS_MAX))
    max_points = models.PositiveSmallIntegerField(validators=at_most(POINTS_MAX))
    lowest = models.BooleanField(default=False)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("criterion result")
        verbose_name_plural = _("criterion results")
        ordering = ["assessment", "position"]

    def __str__(self) -> str:
        return f"{self.criterion_title}: {self.level_title}"
