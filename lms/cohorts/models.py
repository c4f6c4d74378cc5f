"""Cohorts (angkatan): a batch of trainees following the same courses with
their trainers and program managers; membership history; report exports;
reminder runs, announcements and reminder opt-outs (what was sent to whom is
the notification history, `lms.notifications.models.Notification`)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.accounts.roles import PROGRAM_MANAGERS, TRAINERS
from lms.common.limits import DAYS_MAX, INT_MAX, at_most

# Migration 0001 names it here (lms.cohorts.models.private_storage).
from lms.common.storage import private_storage


def export_upload_to(instance, filename: str) -> str:
    """One folder per export (its id): a second delivery of the build writes
    the same name, replacing the file instead of leaving an orphan."""
    return f"cohort-exports/{instance.cohort_id}/{instance.pk}/{filename}"


class Cohort(models.Model):
    name = models.CharField(_("name"), max_length=120)
    code = models.SlugField(
        _("code"),
        max_length=40,
        unique=True,
        help_text=_("A short unique code, e.g. batu-ampar-2026-1."),
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    courses = models.ManyToManyField(
        "courses.CoursePage",
        verbose_name=_("courses"),
        blank=True,
        related_name="cohorts",
    )
    learning_path = models.ForeignKey(
        "courses.LearningPath",
        verbose_name=_("learning path"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cohorts",
        help_text=_("Its courses are added to the courses chosen above."),
    )
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainers"),
        blank=True,
        related_name="cohorts_taught",
        limit_choices_to={"groups__name": TRAINERS},
    )
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("program managers"),
        blank=True,
        related_name="cohorts_managed",
        limit_choices_to={"groups__name": PROGRAM_MANAGERS},
    )
    reminder_after_days = models.PositiveSmallIntegerField(
        _("remind after days without activity"),
        default=7,
        validators=at_most(DAYS_MAX),
        help_text=_("0 turns reminders off for this cohort."),
    )
    at_risk_after_days = models.PositiveSmallIntegerField(
        _("at risk after days without activity"),
        default=7,
        validators=at_most(DAYS_MAX),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="cohort_ends_after_start",
                violation_error_message=_("The cohort cannot end before it starts."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class CohortMembershipQuerySet(models.QuerySet):
    """The two sets of people every cohort figure, list and scope uses."""

    def members(self):
        """Everyone who is or was a member (active, graduated, withdrawn):
        the dashboard's rows, with their history. Never invitations: an
        account that existed before an import gives staff nothing until its
        owner accepts."""
        return self.filter(status__in=CohortMembership.MEMBER_STATUSES)

    def active(self):
        """The members who count: active and graduated. Every headline
        figure, chart, export, reminder and staff power uses these."""
        return self.filter(status__in=CohortMembership.ACTIVE_STATUSES)


class CohortMembership(models.Model):
    """A person in a cohort. `invited` is an account that existed before
    the import that named it: it is not a member (no enrolment, no row on
    the dashboard, nothing in exports, no password links, no certificates)
    until its owner accepts (`cohort_invitation_accept`); `declined` keeps
    a refused invitation from being sent again by the next import."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        GRADUATED = "graduated", _("Graduated")
        INVITED = "invited", _("Invited")
        DECLINED = "declined", _("Declined")

    ACTIVE_STATUSES = (Status.ACTIVE, Status.GRADUATED)
    MEMBER_STATUSES = (Status.ACTIVE, Status.GRADUATED, Status.WITHDRAWN)

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainee"),
        on_delete=models.CASCADE,
        related_name="cohort_memberships",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    village = models.CharField(_("village"), max_length=120, blank=True)
    joined_at = models.DateTimeField(
        _("joined at"),
        default=timezone.now,
        help_text=_("When the membership began: the invitation's acceptance."),
    )
    left_at = models.DateTimeField(_("left at"), null=True, blank=True)

    objects = CohortMembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("cohort membership")
        verbose_name_plural = _("cohort memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "user"],
                name="cohort_membership_unique",
                violation_error_message=_("This person is already in this cohort."),
            )
        ]
        indexes = [models.Index(fields=["cohort", "status"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.cohort}"


class CohortExport(models.Model):
    class Kind(models.TextChoices):
        MATRIX = "matrix", _("Progress matrix")
        QUIZ_RESULTS = "quiz_results", _("Quiz results")
        TASKS = "tasks", _("Practical tasks by state")
        FEEDBACK = "feedback", _("Time to feedback by trainer")

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX (Excel)"

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="exports")
    kind = models.CharField(_("report"), max_length=16, choices=Kind.choices)
    format = models.CharField(_("format"), max_length=8, choices=Format.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=at_most(100)
    )
    rows = models.PositiveIntegerField(
        _("rows"), default=0, validators=at_most(INT_MAX)
    )
    file = models.FileField(
        _("file"), storage=private_storage, upload_to=export_upload_to, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    task_id = models.CharField(_("worker task"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("cohort export")
        verbose_name_plural = _("cohort exports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.cohort} · {self.get_kind_display()} ({self.format})"


class CohortImport(models.Model):
    """One uploaded spreadsheet: checked (a preview, writes nothing else)
    and then, at most once, applied. The audit trail of who added whom, and
    what bounds imports (`SINAU_IMPORT_FILES_PER_HOUR` uploads per person)."""

    class Status(models.TextChoices):
        CHECKED = "checked", _("Checked")
        APPLIED = "applied", _("Imported")

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="imports")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(
        _("uploaded at"), auto_now_add=True, db_index=True
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.CHECKED
    )
    rows = models.PositiveIntegerField(
        _("rows"), default=0, validators=at_most(INT_MAX)
    )
    accounts_created = models.PositiveIntegerField(
        _("accounts created"), default=0, validators=at_most(INT_MAX)
    )
    invited = models.PositiveIntegerField(
        _("invitations"), default=0, validators=at_most(INT_MAX)
    )
    applied_at = models.DateTimeField(_("imported at"), null=True, blank=True)

    class Meta:
        verbose_name = _("cohort import")
        verbose_name_plural = _("cohort imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.cohort} · {self.created_at:%Y-%m-%d %H:%M}"


class ReminderOptOut(models.Model):
    """A trainee who asked for no more reminders."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reminder_opt_out",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reminder opt-out")
        verbose_name_plural = _("reminder opt-outs")

    def __str__(self) -> str:
        return str(self.user_id)


class ReminderRun(models.Model):
    """One "send now" of a cohort's reminders, asked for on its reminders
    page and run by a worker (`cohort_reminders_run_task`): what the page
    shows while it is queued, running and after."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Queued")
        RUNNING = "running", _("Sending")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="reminder_runs"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    reminded = models.PositiveIntegerField(
        _("reminders recorded"), default=0, validators=at_most(INT_MAX)
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("reminder run")
        verbose_name_plural = _("reminder runs")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.cohort} · {self.created_at:%Y-%m-%d %H:%M}"


class Announcement(models.Model):
    """A short message from a trainer or manager to a cohort's active
    members. Each member gets one notification (key `announcement:<id>`),
    in Sinau and by their channels; `estimate` is what the confirm step
    showed (channel -> {"count", "cost"} in rupiah)."""

    MAX_CHARS = 500

    class Status(models.TextChoices):
        PENDING = "pending", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="announcements"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = models.TextField(_("message"), max_length=MAX_CHARS)
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    recipients = models.PositiveIntegerField(
        _("recipients"), default=0, validators=at_most(INT_MAX)
    )
    estimate = models.JSONField(_("estimate"), default=dict, blank=True)
    estimated_cost = models.PositiveIntegerField(
        _("estimated cost (Rp)"), default=0, validators=at_most(INT_MAX)
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    token = models.CharField(
        max_length=64,
        blank=True,
        help_text="The confirm step's one-time token: the same confirm posted "
        "twice (a double tap, a reload) records one announcement.",
    )

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "token"],
                condition=~Q(token=""),
                name="announcement_once_per_confirm",
                violation_error_message=_("This announcement was already sent."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.cohort} · {self.body[:40]}"
