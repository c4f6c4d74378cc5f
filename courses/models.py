"""Courses: the page tree, enrollment and lesson completion.

CourseIndexPage > CoursePage > ModulePage > LessonPage (QuizPage joins
ModulePage from `assessments`). A course is complete when every required
step is done; a step is any page type that implements `CompletionStep`
(courses/steps.py), so this app never needs to know about quizzes."""

from django.conf import settings
from django.db import models
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from content.blocks import LessonStreamBlock
from content.page_forms import PageForm
from content.pages import OneQueryViewRestrictions
from lms.common.limits import LESSON_MINUTES_MAX, at_most

from .steps import CompletionStep, StepWork


class Skill(models.TextChoices):
    DIGITAL_LITERACY = "digital-literacy", _("Digital literacy")
    MARKETING = "marketing", _("Marketing")
    PRODUCT_RESEARCH = "product-research", _("Product research and pricing")
    COPYWRITING = "copywriting", _("Copywriting")
    CUSTOMER_SERVICE = "customer-service", _("Customer service")
    ADVERTISING = "advertising", _("Social-media ads")
    SOCIAL_MEDIA = "social-media", _("Social-media admin")
    FINANCE = "finance", _("Financial literacy")
    ONLINE_SHOP = "online-shop", _("Village online shop")


class Level(models.TextChoices):
    BEGINNER = "beginner", _("Beginner")
    INTERMEDIATE = "intermediate", _("Intermediate")


class EnrollmentPolicy(models.TextChoices):
    OPEN = "open", _("Open: anyone may enrol")
    COHORT = "cohort", _("Cohort only: through a cohort")


class CourseIndexPage(OneQueryViewRestrictions, Page):
    """The catalogue: every course, filterable by learning path and skill."""

    base_form_class = PageForm

    intro = models.TextField(_("intro"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["content.HomePage"]
    subpage_types = ["courses.CoursePage"]
    max_count = 1

    class Meta:
        verbose_name = _("course catalogue")

    def get_context(self, request, *args, **kwargs):
        # Late: the selectors read these models (a Wagtail page's get_context).
        from .selectors import catalogue

        context = super().get_context(request, *args, **kwargs)
        context.update(
            catalogue(
                index=self, user=request.user, params=request.GET, request=request
            )
        )
        return context


class CoursePage(OneQueryViewRestrictions, Page):
    base_form_class = PageForm

    summary = models.TextField(
        _("summary"), max_length=400, help_text=_("One or two sentences for the card.")
    )
    cover = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("cover image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    skill = models.CharField(_("skill"), max_length=32, choices=Skill.choices)
    level = models.CharField(
        _("level"), max_length=16, choices=Level.choices, default=Level.BEGINNER
    )
    estimated_hours = models.DecimalField(
        _("estimated hours"),
        max_digits=4,
        decimal_places=1,
        default=1,
        validators=at_most(500),
    )
    outcomes = models.TextField(
        _("learning outcomes"),
        blank=True,
        help_text=_("One per line, e.g. 'Menulis iklan dengan rumus AIDA'."),
    )
    enrollment_policy = models.CharField(
        _("who may enrol"),
        max_length=16,
        choices=EnrollmentPolicy.choices,
        default=EnrollmentPolicy.OPEN,
    )
    certificate_enabled = models.BooleanField(
        _("certificate on completion"), default=True
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("cover"),
        MultiFieldPanel(
            [FieldPanel("skill"), FieldPanel("level"), FieldPanel("estimated_hours")],
            heading=_("Catalogue"),
        ),
        FieldPanel("outcomes"),
        MultiFieldPanel(
            [FieldPanel("enrollment_policy"), FieldPanel("certificate_enabled")],
            heading=_("Enrollment and certificate"),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("outcomes"),
        index.FilterField("skill"),
    ]
    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.ModulePage"]

    class Meta:
        verbose_name = _("course")

    @property
    def outcome_list(self) -> list[str]:
        return [line.strip() for line in self.outcomes.splitlines() if line.strip()]

    def get_context(self, request, *args, **kwargs):
        # Late: the selectors read these models (a Wagtail page's get_context).
        from .selectors import course_detail

        context = super().get_context(request, *args, **kwargs)
        context.update(course_detail(course=self, user=request.user, request=request))
        return context


class ModulePage(OneQueryViewRestrictions, Page):
    base_form_class = PageForm

    summary = models.TextField(_("summary"), blank=True, max_length=400)

    content_panels = [*Page.content_panels, FieldPanel("summary")]
    search_fields = [*Page.search_fields, index.SearchField("summary")]
    parent_page_types = ["courses.CoursePage"]
    subpage_types = [
        "courses.LessonPage",
        "assessments.QuizPage",
        "assessments.TaskPage",
    ]
    # No page of its own (see serve), so nothing to preview: Wagtail's preview
    # would look for a module template and fail.
    preview_modes: list = []

    class Meta:
        verbose_name = _("module")

    def serve(self, request, *args, **kwargs):
        """A module has no page of its own: show it inside its course."""
        course = self.get_parent()
        return redirect(f"{course.url}#module-{self.pk}")


class LessonPage(OneQueryViewRestrictions, CompletionStep, Page):
    base_form_class = PageForm

    body = StreamField(LessonStreamBlock(), verbose_name=_("body"), blank=True)
    estimated_minutes = models.PositiveSmallIntegerField(
        _("estimated minutes"), default=10, validators=at_most(LESSON_MINUTES_MAX)
    )
    required = models.BooleanField(
        _("required for completion"),
        default=True,
        help_text=_("Optional lessons are shown but do not block the certificate."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("estimated_minutes"), FieldPanel("required")],
            heading=_("Lesson settings"),
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("body")]
    parent_page_types = ["courses.ModulePage"]
    subpage_types: list[str] = []
    step_kind = "lesson"
    step_outline_fields = ("required", "estimated_minutes")

    class Meta:
        verbose_name = _("lesson")

    @classmethod
    def step_work(cls) -> StepWork:
        """Lesson completions: each one finishes its lesson."""
        return StepWork(
            rows=LessonCompletion.objects.all(),
            user="user_id",
            page="lesson_id",
            at="completed_at",
            unique=True,  # lesson_completion_unique
        )

    def get_context(self, request, *args, **kwargs):
        # Late: the selectors read these models (a Wagtail page's get_context).
        from .selectors import step_detail

        context = super().get_context(request, *args, **kwargs)
        context.update(step_detail(lesson=self, user=request.user, request=request))
        return context


class Enrollment(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Source(models.TextChoices):
        SELF = "self", _("Self-enrolled")
        COHORT = "cohort", _("Through a cohort")
        STAFF = "staff", _("By staff")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainee"),
        on_delete=models.CASCADE,
        related_name="enrollments",
    )
    course = models.ForeignKey(
        CoursePage,
        verbose_name=_("course"),
        on_delete=models.CASCADE,
        related_name="enrollments",
    )
    source = models.CharField(
        _("source"), max_length=16, choices=Source.choices, default=Source.SELF
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    enrolled_at = models.DateTimeField(_("enrolled at"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    last_activity_at = models.DateTimeField(_("last activity"), null=True, blank=True)

    class Meta:
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course"],
                name="enrollment_unique_user_course",
                violation_error_message=_(
                    "This person is already enrolled in this course."
                ),
            )
        ]
        indexes = [models.Index(fields=["course", "status"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.course}"

    @property
    def is_active(self) -> bool:
        return self.status != self.Status.WITHDRAWN


class LessonCompletion(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="lesson_completions",
    )
    lesson = models.ForeignKey(
        LessonPage, on_delete=models.CASCADE, related_name="completions"
    )
    completed_at = models.DateTimeField(_("completed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("lesson completion")
        verbose_name_plural = _("lesson completions")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "lesson"],
                name="lesson_completion_unique",
                violation_error_message=_(
                    "This person has already completed this lesson."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.lesson}"


@register_snippet
class LearningPath(index.Indexed, ClusterableModel):
    """A jalur: an ordered list of courses for one job role."""

    class Role(models.TextChoices):
        CUSTOMER_SERVICE = "customer service", _("Customer service")
        ADVERTISER = "advertiser", _("Advertiser")
        SOCIAL_MEDIA_ADMIN = "social-media admin", _("Social-media admin")
        VILLAGE_SHOP = "village online shop", _("Village online shop")

    title = models.CharField(_("title"), max_length=120)
    slug = models.SlugField(_("slug"), unique=True)
    role = models.CharField(_("job role"), max_length=32, choices=Role.choices)
    summary = models.TextField(_("summary"), blank=True)

    panels = [
        FieldPanel("title"),
        FieldPanel("slug"),
        FieldPanel("role"),
        FieldPanel("summary"),
        InlinePanel("steps", label=_("Courses, in order"), min_num=1),
    ]
    search_fields = [index.SearchField("title")]

    class Meta:
        verbose_name = _("learning path")
        verbose_name_plural = _("learning paths")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class LearningPathCourse(Orderable):
    path = ParentalKey(LearningPath, on_delete=models.CASCADE, related_name="steps")
    course = models.ForeignKey(
        CoursePage, verbose_name=_("course"), on_delete=models.CASCADE, related_name="+"
    )

    panels = [FieldPanel("course")]

    class Meta(Orderable.Meta):
        verbose_name = _("course in path")
