"""Telling a trainee that the assessment of their practical task is
released: by email where Sinau may mail them (once per assessment, from
`task_feedback_notify_task`), and in Sinau, as "new feedback" on
Belajarku until they open the task (`submission_feedback_seen`)."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from courses.access import visible_page_ids
from lms.accounts.selectors import user_email_mailable
from lms.common.addresses import public_url
from lms.common.queue import task_send

from ..models import Submission, TaskAssessment, TaskPage
from ..tasks import task_feedback_notify_task

logger = logging.getLogger(__name__)


def task_feedback_notify(*, assessment_id: int) -> bool:
    """Email the trainee that `assessment_id` is released, in their
    language, with a link to the task. Sends at most once per assessment:
    the first delivery claims it (`notified_at`, one conditional UPDATE, so
    two deliveries at once send one email); a later or twin delivery, an
    unreleased or deleted assessment, or a trainee without a mailable
    address (`user_email_mailable`) sends nothing. When sending fails the
    claim is undone and the error raised, so the task retries. Returns
    whether this call sent the email."""
    claimed = TaskAssessment.objects.filter(
        pk=assessment_id, released_at__isnull=False, notified_at__isnull=True
    ).update(notified_at=timezone.now())
    if not claimed:
        return False
    assessment = TaskAssessment.objects.select_related(
        "submission__task", "submission__user"
    ).get(pk=assessment_id)
    submission = assessment.submission
    user = submission.user
    address = user_email_mailable(user=user)
    if not address:
        return False
    task = submission.task
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        _site, _root, path = task.get_url_parts() or (None, None, "/")
        context = {
            "name": user.get_short_name(),
            "task": task.title,
            "passed": assessment.decision == TaskAssessment.Decision.PASSED,
            "task_url": public_url(path),
            "my_learning_url": public_url(reverse("courses:my_learning")),
        }
        subject = _("New feedback on your task “%(task)s”") % {"task": task.title}
        body = render_to_string("assessments/email_task_feedback.txt", context)
    try:
        send_mail(subject, body, None, [address])
    except Exception:
        TaskAssessment.objects.filter(pk=assessment_id).update(notified_at=None)
        logger.exception("could not email the feedback of assessment %s", assessment_id)
        raise
    return True


# Feedback released longer ago than this is not emailed by the sweep: the
# trainee has long seen it in Sinau, or the email would come too late.
NOTICE_SWEEP_WITHIN = timedelta(days=2)


def feedback_notices_to_send(*, older_than: timedelta) -> list[int]:
    """Ids of the released assessments whose email was never claimed,
    released more than `older_than` ago and less than NOTICE_SWEEP_WITHIN
    ago: their message was lost (the broker was down at release, or a
    worker died before taking it). Oldest first."""
    now = timezone.now()
    return list(
        TaskAssessment.objects.filter(
            notified_at__isnull=True,
            released_at__lt=now - older_than,
            released_at__gte=now - NOTICE_SWEEP_WITHIN,
        )
        .order_by("released_at", "pk")
        .values_list("pk", flat=True)
    )


def feedback_notices_sweep(*, older_than: timedelta) -> int:
    """Send again `task_feedback_notify_task` for every assessment of
    `feedback_notices_to_send`; returns how many were sent (a broker still
    down sends none and raises nothing). The task sends at most one email
    per assessment, so a twin message changes nothing."""
    return sum(
        task_send(task_feedback_notify_task, (pk,))
        for pk in feedback_notices_to_send(older_than=older_than)
    )


def feedback_unseen(*, user, request=None) -> list[Submission]:
    """The trainee's submissions whose released feedback they have not
    seen yet (one per task, the latest version), on tasks they may still
    see, newest first. Two queries at most, whatever their number."""
    if not user.is_authenticated:
        return []
    rows = list(
        Submission.objects.filter(
            user=user,
            feedback_seen_at__isnull=True,
            assessment__released_at__isnull=False,
        )
        .select_related("task")
        .order_by("-submitted_at", "-pk")
    )
    shown = visible_page_ids(request=request, pages=[s.task for s in rows])
    latest: dict[int, Submission] = {}
    for row in rows:
        if row.task_id in shown and row.task_id not in latest:
            latest[row.task_id] = row
    return list(latest.values())


def submission_feedback_seen(*, user, task: TaskPage) -> int:
    """The trainee opened `task`: every released assessment of their
    submissions on it counts as seen (the "new feedback" notice goes).
    Call it from the view that shows the task to its trainee, on GET.
    Idempotent (one UPDATE; a second call changes nothing). Returns how
    many submissions it marked."""
    if not user.is_authenticated:
        return 0
    with transaction.atomic():
        return Submission.objects.filter(
            user=user,
            task=task,
            feedback_seen_at__isnull=True,
            assessment__released_at__isnull=False,
        ).update(feedback_seen_at=timezone.now())
