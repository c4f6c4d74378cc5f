"""The question bank: categories, questions and their answer rows.

Concepts carried over from django-quiz-app: Category and the question
types. What differs per type lives in assessments/kinds/ (one module per
kind); the models ask its table."""

import random
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable, PreviewableMixin
from wagtail.search import index

from ..kinds import kind_for
from ..kinds.base import outcome_panel
from ..kinds.true_false import true_false_panel
from ..rich_text import html_clean, html_to_text
from ..snapshots import answer_form_context, snapshot_for


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
    """The question types: one module each in assessments/kinds/, listed in
    kinds.KINDS in this order."""

    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TRUE_FALSE = "true_false", _("True or false")
    NUMERIC = "numeric", _("Number")
    ORDERING = "ordering", _("Put in order")
    ESSAY = "essay", _("Essay")
    SHORT_ANSWER = "short_answer", _("Short answer")
    MATCHING = "matching", _("Matching")
    DESCRIPTION = "description", _("Description (no answer)")


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
        problems = kind_for(self.kind).question_problems(self)
        if problems:
            raise ValidationError(problems)
        if self.image_id and not self.image_alt.strip():
            raise ValidationError(
                {"image_alt": _("Describe the image for people who cannot see it.")}
            )
        if not html_to_text(self.text) and not self.image_id:
            raise ValidationError({"text": _("Write the question or add an image.")})
        if kind_for(self.kind).asks and not self.points:
            raise ValidationError(
                {"points": _("A question is worth at least 1 point.")}
            )

    def get_preview_template(self, request, mode_name):
        return "assessments/question_preview.html"

    def get_preview_context(self, request, mode_name):
        """The question as a trainee sees it in an attempt (choices in the
        bank's order, fresh opaque keys), from the form being edited."""
        snapshot = snapshot_for(self, shuffle_choices=False, rng=random.Random(0))  # noqa: S311
        return {
            **super().get_preview_context(request, mode_name),
            **answer_form_context(snapshot, {}),
            "question": self,
        }

    def save(self, *args, **kwargs):
        for field in self.RICH_FIELDS:
            setattr(self, field, html_clean(getattr(self, field)))
        if not kind_for(self.kind).asks:
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
        if question is None or kind_for(question.kind).rows_are_html:
            self.text = html_clean(self.text)
        self.feedback = html_clean(self.feedback)
        super().save(*args, **kwargs)


def question_panels(kind: str | None) -> list:
    """The form panels for a question of `kind`: the fields every question
    has around that kind's own (kinds/<kind>.py; the type is chosen before
    the form, see admin/question_views.py). `None` gives every field (the
    generic form, e.g. for the chooser). ValueError for an unknown kind."""
    head = [FieldPanel("category"), FieldPanel("name")]
    body = [FieldPanel("text"), FieldPanel("image"), FieldPanel("image_alt")]
    tail = [FieldPanel("explanation")]
    if kind is None:
        middle = [
            FieldPanel("kind"),
            FieldPanel("points"),
            FieldPanel("multiple_scoring"),
            FieldPanel("case_sensitive"),
            InlinePanel("choices", label=_("Choices")),
            true_false_panel(),
            FieldPanel("numeric_unit"),
            MultiFieldPanel(
                [FieldPanel("rubric"), FieldPanel("product")], heading=_("Essay")
            ),
            outcome_panel(),
        ]
        asks = True
    else:
        question_kind = kind_for(QuestionKind(kind))
        middle = question_kind.panels()
        asks = question_kind.asks
    if asks:
        tail.append(FieldPanel("lesson_to_reread"))
    return [*head, *body, *middle, *tail]


Question.panels = question_panels(None)
