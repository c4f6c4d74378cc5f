"""Rubric authoring: the staff scope of rubrics (who may change, delete or
choose one). Deleting a rubric a task uses is refused by the admin's one
rule for PROTECTed rows (lms.common.deletion).

A rubric is shared: any task may reuse it. So anyone with admin access and
the rubric permissions may CHOOSE any rubric for a task they edit, but may
change or delete only a rubric they created, or one used only by tasks they
may edit (`tasks_assessable_by`): changing another course's rubric would
change how that course's work is assessed."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from ..models import Rubric, TaskPage
from .selectors import tasks_assessable_by


def rubrics_editable_by(*, user) -> QuerySet[Rubric]:
    """Rubrics `user` may change or delete: every one for a superuser;
    otherwise those they created and those used by at least one task and
    only by tasks they may edit. None for people without admin access."""
    if not (user.is_authenticated and user.is_active):
        return Rubric.objects.none()
    if user.is_superuser:
        return Rubric.objects.all()
    if not user.has_perm("wagtailadmin.access_admin"):
        return Rubric.objects.none()
    used = TaskPage.objects.values("rubric_id")
    used_elsewhere = TaskPage.objects.exclude(
        pk__in=tasks_assessable_by(user=user).values("pk")
    ).values("rubric_id")
    return Rubric.objects.filter(
        Q(created_by=user) | (Q(pk__in=used) & ~Q(pk__in=used_elsewhere))
    )


def rubrics_choosable_by(*, user) -> QuerySet[Rubric]:
    """Rubrics `user` may see in the listing and choose for a task: every
    rubric, for anyone who reaches the admin (rubrics are reusable)."""
    if not (user.is_authenticated and user.is_active):
        return Rubric.objects.none()
    if user.is_superuser or user.has_perm("wagtailadmin.access_admin"):
        return Rubric.objects.all()
    return Rubric.objects.none()
