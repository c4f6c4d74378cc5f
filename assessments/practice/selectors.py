"""Reads for practical tasks: the staff scope (who may assess what), due
dates, and the task page's context."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import QuerySet
from wagtail.permission_policies.pages import PagePermissionPolicy

from courses.selectors import step_detail

from ..models import Accommodation, Submission, TaskPage

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


def task_detail(*, task: TaskPage, user, request=None) -> dict:
    """The task page: the course around it and the trainee's submissions."""
    context = step_detail(lesson=task, user=user, request=request)
    submissions: list[Submission] = []
    if user.is_authenticated:
        submissions = list(
            Submission.objects.filter(user=user, task=task)
            .select_related("assessment")
            .order_by("-number")
        )
    context.update({"submissions": submissions})
    return context
