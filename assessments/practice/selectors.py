"""Reads for practical tasks: the staff scope (who may assess what), due
dates, and the task page's context."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from wagtail import hooks
from wagtail.permission_policies.pages import PagePermissionPolicy

from courses.access import page_published
from courses.selectors import course_of, step_detail

from ..models import Accommodation, Submission, TaskPage
from .forms import TaskSubmitForm

# The staff scope for tasks is the one for quizzes (assessments/selectors.py,
# `quizzes_markable_by`): the task pages a person may edit. Nobody assesses
# their own work, superusers included.


def tasks_assessable_by(*, user) -> QuerySet[TaskPage]:
    """The task pages `user` may assess: those they may edit (a group's edit
    permission on the task or an ancestor, e.g. the course). Only people who
    reach the Wagtail admin have a scope; superusers have every task."""
    if not (user.is_authenticated and user.is_active):
        return TaskPage.objects.none()
    if user.is_superuser:
        return TaskPage.objects.all()
    if not user.has_perm("wagtailadmin.access_admin"):
        return TaskPage.objects.none()
    pages = PagePermissionPolicy().instances_user_has_permission_for(user, "change")
    return TaskPage.objects.filter(pk__in=pages.values("pk"))


def submissions_assessable_by(*, user) -> QuerySet[Submission]:
    """Submissions `user` may see as staff and assess: on tasks of their
    scope, never their own."""
    if not user.is_authenticated:
        return Submission.objects.none()
    return Submission.objects.filter(
        task__in=tasks_assessable_by(user=user).values("pk")
    ).exclude(user=user)


def submission_visible_to(*, user, submission: Submission) -> bool:
    """May `user` see `submission` and its files? Its owner; staff whose
    scope has it (`submissions_assessable_by`); anyone when it is on its
    owner's public portfolio (`submission_on_portfolio`). Staff see nothing
    under an unpublished page; the owner always sees their own."""
    if user.is_authenticated:
        if submission.user_id == user.pk:
            return True
        if (
            submissions_assessable_by(user=user).filter(pk=submission.pk).exists()
            # Staff keep their scope, but nothing under an unpublished page
            # (as the marking queue).
            and page_published(page=submission.task)
        ):
            return True
    return submission_on_portfolio(submission=submission)


def submission_on_portfolio(*, submission: Submission) -> bool:
    """Is `submission` shown to anyone on its trainee's portfolio page? The
    portfolio page's rule, asked of one submission: published by its
    trainee (`public`), passed (so released), on a task still live in a
    live course, and the portfolio open (`sinau_portfolio_open` hooks, fn
    (user id, course id) -> bool, registered by lms.certificates: while a
    certificate of the course is issued to them). Without any such hook,
    no portfolio is open. At most three queries."""
    if not submission.public or submission.status != Submission.Status.PASSED:
        return False
    task = submission.task
    if not task.live:
        return False
    if task.get_ancestors().filter(live=False).exists():
        return False
    course = course_of(step=task)
    opens = [
        fn(submission.user_id, course.pk)
        for fn in hooks.get_hooks("sinau_portfolio_open")
    ]
    return bool(opens) and all(opens)


def task_accommodation_for(*, user, task: TaskPage) -> Accommodation | None:
    if not user.is_authenticated:
        return None
    return Accommodation.objects.filter(user=user, task=task).first()


def task_due_at(
    *, task: TaskPage, enrolled_at: datetime | None, extra_days: int = 0
) -> datetime | None:
    """When the work is due: `due_days` after enrolment and/or `due_on`
    (the earlier when both), plus the trainee's extra days; None for no
    due rule (or `due_days` with no enrolment)."""
    candidates = []
    if task.due_days is not None and enrolled_at is not None:
        candidates.append(enrolled_at + timedelta(days=task.due_days))
    if task.due_on is not None:
        candidates.append(task.due_on)
    if not candidates:
        return None
    return min(candidates) + timedelta(days=extra_days)


@dataclass(frozen=True)
class SubmitState:
    """May the trainee send a (new) version now?

    may: yes or no. reason: why not ("" when they may): "waiting" (the
    latest version waits for its assessment), "passed" (the work passed),
    "used" (no resubmissions left). left: resubmissions left after the
    next version is sent (None: until the work passes)."""

    may: bool
    reason: str
    left: int | None


def submit_state(*, task: TaskPage, submissions: list[Submission]) -> SubmitState:
    """The resubmission rule, over the trainee's versions (any order): the
    first version may always be sent; another only when the latest needs
    revision and `task.resubmissions` (None: until the work passes) is not
    used up. Never while the latest waits for its assessment or has passed.
    No query."""
    allowed = task.resubmissions
    if not submissions:
        return SubmitState(True, "", allowed)
    latest = max(submissions, key=lambda s: s.number)
    used = len(submissions) - 1  # resubmissions already sent
    left = None if allowed is None else max(0, allowed - used)
    if latest.status == Submission.Status.PASSED:
        return SubmitState(False, "passed", left)
    if latest.status == Submission.Status.WAITING:
        return SubmitState(False, "waiting", left)
    if left is not None and left <= 0:
        return SubmitState(False, "used", 0)
    return SubmitState(True, "", None if left is None else left - 1)


def assessment_visible(*, submission: Submission, task: TaskPage) -> bool:
    """May the trainee see this version's assessment? When there is one and
    it was released, or the task does not hold marks for release."""
    assessment = getattr(submission, "assessment", None)
    if assessment is None:
        return False
    return assessment.released_at is not None or not task.release_marks


def _criteria_rows(task: TaskPage) -> list[dict]:
    """The rubric's criteria with their levels (lowest first), and the
    number of level columns the table needs."""
    return [
        {"title": c.title, "description": c.description, "levels": c.level_rows()}
        for c in task.rubric.criteria.all()
    ]


def _exemplar_rows(task: TaskPage, criteria: list[dict]) -> list[dict]:
    """Each exemplar with its level on each criterion, read against the
    rubric ({"criterion", "level", "points", "max_points"}; a level the
    rubric does not have is left out)."""
    rows = []
    exemplars = task.exemplars.all()
    if isinstance(exemplars, QuerySet):  # not a preview's in-memory rows
        exemplars = exemplars.select_related("image").prefetch_related(
            "image__renditions"
        )
    for exemplar in exemplars:
        numbers = exemplar.level_numbers()
        levels = []
        for criterion, number in zip(criteria, numbers, strict=False):
            if 1 <= number <= len(criterion["levels"]):
                level = criterion["levels"][number - 1]
                levels.append(
                    {
                        "criterion": criterion["title"],
                        "level": level["title"],
                        "points": level["points"],
                        "max_points": max(x["points"] for x in criterion["levels"]),
                    }
                )
        rows.append({"exemplar": exemplar, "levels": levels})
    return rows


def task_detail(*, task: TaskPage, user, request=None) -> dict:
    """The task page: the course around it (`step_detail`), the rubric
    (`criteria`: [{"title", "description", "levels": [{"title", "points",
    "descriptor"}]}], `level_columns`), the exemplars (`exemplars`:
    [{"exemplar", "levels"}]), the trainee's versions newest first
    (`versions`: [{"submission", "files", "assessment" (None unless
    visible), "results"}]), the due date (`due_at`, with the trainee's
    extra days), the resubmission rule (`submit_state`), and whether the
    user may assess the task (`can_assess`). A constant number of queries."""
    context = step_detail(lesson=task, user=user, request=request)
    criteria = _criteria_rows(task)
    submissions: list[Submission] = []
    extra_days = 0
    can_assess = False
    if user.is_authenticated:
        submissions = list(
            Submission.objects.filter(user=user, task=task)
            .select_related("assessment")
            .prefetch_related("files", "assessment__results")
            .order_by("-number")
        )
        accommodation = task_accommodation_for(user=user, task=task)
        extra_days = accommodation.extra_days if accommodation else 0
        can_assess = tasks_assessable_by(user=user).filter(pk=task.pk).exists()
    enrollment = context.get("enrollment")
    enrolled = context.get("enrolled", False)
    state = submit_state(task=task, submissions=submissions)
    versions = []
    for submission in submissions:
        visible = assessment_visible(submission=submission, task=task)
        assessment = submission.assessment if visible else None
        versions.append(
            {
                "submission": submission,
                "files": list(submission.files.all()),
                "assessment": assessment,
                "results": list(assessment.results.all()) if assessment else [],
            }
        )
    context.update(
        {
            "submissions": submissions,
            "versions": versions,
            "criteria": criteria,
            "level_columns": range(
                1, max((len(c["levels"]) for c in criteria), default=0) + 1
            ),
            "exemplars": _exemplar_rows(task, criteria),
            "due_at": task_due_at(
                task=task,
                enrolled_at=getattr(enrollment, "enrolled_at", None),
                extra_days=extra_days,
            ),
            "submit_state": state,
            # The form to send (a new version), when the trainee may.
            "form": TaskSubmitForm(task=task) if enrolled and state.may else None,
            "can_assess": can_assess,
        }
    )
    return context


def task_assessors(*, task: TaskPage, trainee_id: int) -> QuerySet:
    """The people who may assess work on `task` by the trainee
    `trainee_id`: active, with the task in their scope (edit rights on it
    or an ancestor, and the admin), never the trainee; superusers left out
    (they may still assess). A queryset of users ordered by name; one
    query when evaluated."""
    people = (
        PagePermissionPolicy()
        .users_with_permission_for_instance("change", task, include_superusers=False)
        .filter(is_active=True)
        .filter(
            Q(
                groups__permissions__codename="access_admin",
                groups__permissions__content_type__app_label="wagtailadmin",
            )
            | Q(
                user_permissions__codename="access_admin",
                user_permissions__content_type__app_label="wagtailadmin",
            )
        )
        .exclude(pk=trainee_id)
    )
    return (
        get_user_model()
        .objects.filter(pk__in=people.values("pk"))
        .order_by("display_name", "pk")
    )
