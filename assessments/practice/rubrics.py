"""Rubric authoring: the staff scope of rubrics (who may change, delete or
choose one) and deleting one.

A rubric is shared: any task may reuse it. So anyone with admin access and
the rubric permissions may CHOOSE any rubric for a task they edit, but may
change or delete only a rubric they created, or one used only by tasks they
may edit (`tasks_assessable_by`): changing another course's rubric would
change how that course's work is assessed."""

from __future__ import annotations

from django.db import transaction
from django.db.models import ProtectedError, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..errors import Refused
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


def rubric_in_use_refusal(rubric: Rubric) -> Refused | None:
    """Why `rubric` cannot be deleted (tasks use it, drafts included), or
    None when it can."""
    tasks = (
        TaskPage.objects.filter(rubric=rubric)
        .order_by("title")
        .values_list("title", flat=True)
    )
    titles = list(tasks[:3])
    if not titles:
        return None
    count = len(titles) if len(titles) < 3 else tasks.count()
    names = ", ".join(f"“{title}”" for title in titles)
    if count > 3:
        names += ", …"
    return Refused(
        ngettext(
            "This rubric is used by the task %(tasks)s, so it cannot be deleted. "
            "Choose another rubric for that task first.",
            "This rubric is used by %(count)d tasks (%(tasks)s), so it cannot be "
            "deleted. Choose another rubric for those tasks first.",
            count,
        )
        % {"count": count, "tasks": names}
    )


def rubric_delete(*, rubric: Rubric) -> None:
    """Delete `rubric` (with its criteria). Raises Refused, deleting
    nothing, when a task uses it (the task's rubric is PROTECTed: a task
    saved between the check and the delete is caught the same way)."""
    refused = rubric_in_use_refusal(rubric)
    if refused is not None:
        raise refused
    try:
        with transaction.atomic():
            rubric.delete()
    except ProtectedError:
        raise rubric_in_use_refusal(rubric) or Refused(
            _("This rubric is used by a task, so it cannot be deleted.")
        ) from None
