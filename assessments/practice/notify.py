"""Telling a trainee that the assessment of their practical task is
released: through the notification service (once per assessment, from
`task_feedback_notify_task`: in Sinau's message list, and by WhatsApp,
SMS, email or by hand as the person's channels allow), and on Belajarku
as "new feedback" until they open the task (`submission_feedback_seen`)."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from courses.access import visible_page_ids
from courses.models import CoursePage, Enrollment
from courses.progress import progress_changed
from courses.selectors import course_of
from lms.common.addresses import public_url
from lms.common.queue import task_send
from lms.notifications.channels.base import Message
from lms.notifications.models import Notification
from lms.notifications.services import notify

from ..models import Accommodation, Submission, TaskAssessment, TaskPage
from ..tasks import task_feedback_notify_task
from .selectors import task_due_at

logger = logging.getLogger(__name__)


def task_feedback_notify(*, assessment_id: int) -> bool:
    """Tell the trainee that `assessment_id` is released, in their
    language, with a link to the task (`notify`, key
    `task_feedback:<assessment id>`; WhatsApp template `feedback_released`:
    {{1}} name, {{2}} task title, {{3}} link to the task). At most once per
    assessment: the first delivery claims it (`notified_at`, one
    conditional UPDATE in the same transaction as the notification, so two
    deliveries at once record one, and a failure undoes the claim and is
    raised, so the task retries); a later or twin delivery, or an
    unreleased or deleted assessment, records nothing. Returns whether this
    call recorded the notification (False also when the account may not
    receive messages: `notifications.services.may_receive`)."""
    with transaction.atomic():
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
        # The claim is an update() (no signal); nothing progress counts
        # changed, but every such write says so (courses/progress.py).
        progress_changed(user.pk)
        task = submission.task
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            _site, _root, path = task.get_url_parts() or (None, None, "/")
            task_url = public_url(path)
            passed = assessment.decision == TaskAssessment.Decision.PASSED
            context = {
                "name": user.get_short_name(),
                "task": task.title,
                "passed": passed,
                "task_url": task_url,
                "my_learning_url": public_url(reverse("courses:my_learning")),
            }
            subject = _("New feedback on your task “%(task)s”") % {"task": task.title}
            message = Message(
                subject=subject,
                body=render_to_string("assessments/email_task_feedback.txt", context),
                url=task_url,
                template="feedback_released",
                params=(user.get_short_name(), task.title, task_url),
                short=_("Sinau: your trainer has checked your task “%(task)s”. %(url)s")
                % {"task": task.title, "url": task_url},
            )
        notification = notify(
            user=user,
            kind=Notification.Kind.TASK_FEEDBACK,
            key=f"task_feedback:{assessment_id}",
            message=message,
        )
    return notification is not None


# Feedback released longer ago than this is not announced by the sweep: the
# trainee has long seen it in Sinau, or the message would come too late.
NOTICE_SWEEP_WITHIN = timedelta(days=2)


def feedback_notices_to_send(*, older_than: timedelta) -> list[int]:
    """Ids of the released assessments whose message was never claimed,
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
    down sends none and raises nothing). The task records at most one
    notification per assessment, so a twin message changes nothing."""
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
        marked = Submission.objects.filter(
            user=user,
            task=task,
            feedback_seen_at__isnull=True,
            assessment__released_at__isnull=False,
        ).update(feedback_seen_at=timezone.now())
        if marked:
            progress_changed(user.pk)  # update() sends no signal
        return marked


# How long before a practical task is due its trainees are reminded.
DEADLINE_NOTICE = timedelta(hours=48)


def _deadline_message(*, user, task: TaskPage, due_at) -> Message:
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        _site, _root, path = task.get_url_parts() or (None, None, "/")
        url = public_url(path)
        when = formats.date_format(timezone.localtime(due_at), "j F Y, H:i")
        name = user.get_short_name()
        return Message(
            subject=_("“%(task)s” is due on %(when)s")
            % {"task": task.title, "when": when},
            body=_(
                "Hello %(name)s,\n\nYour task “%(task)s” is due on %(when)s and "
                "you have not sent your work yet. Send it before then: "
                "%(url)s\n\nSinau"
            )
            % {"name": name, "task": task.title, "when": when, "url": url},
            url=url,
            template="deadline_soon",
            params=(name, task.title, when, url),
            short=_("Sinau: your task “%(task)s” is due on %(when)s. %(url)s")
            % {"task": task.title, "when": when, "url": url},
        )


def task_deadlines_notify(*, now=None, within: timedelta = DEADLINE_NOTICE) -> int:
    """Remind every trainee whose practical task is due within `within`
    from `now` (`task_due_at`: their enrolment, the task's due rule and
    their extra days) and who has sent no version of it yet. Live tasks
    with a due rule, active enrolments in their course. One notification
    per trainee, task and due date (key `deadline:<task>:<user>:<date>`),
    so beat running it every hour reminds once; an extension that moves the
    date reminds again before the new date. Quiet hours hold the message
    until the morning (the service). Returns how many notifications this
    run recorded. Queries: a few per task, not per trainee."""
    now = now or timezone.now()
    users = get_user_model().objects
    recorded = 0
    tasks = TaskPage.objects.live().filter(
        Q(due_days__isnull=False) | Q(due_on__isnull=False)
    )
    for task in tasks:
        try:
            course = course_of(step=task)
        except CoursePage.DoesNotExist:
            continue
        sent = Submission.objects.filter(task=task).values("user_id")
        enrolled = dict(
            Enrollment.objects.filter(course_id=course.pk)
            .exclude(status=Enrollment.Status.WITHDRAWN)
            .exclude(user_id__in=sent)
            .values_list("user_id", "enrolled_at")
        )
        extra = dict(
            Accommodation.objects.filter(
                task=task, user_id__in=list(enrolled)
            ).values_list("user_id", "extra_days")
        )
        due = {}
        for user_id, enrolled_at in enrolled.items():
            due_at = task_due_at(
                task=task, enrolled_at=enrolled_at, extra_days=extra.get(user_id, 0)
            )
            if due_at is not None and now < due_at <= now + within:
                due[user_id] = due_at
        keys = {
            user_id: f"deadline:{task.pk}:{user_id}:"
            f"{timezone.localtime(due_at).date().isoformat()}"
            for user_id, due_at in due.items()
        }
        known = set(
            Notification.objects.filter(
                user_id__in=list(keys), key__in=list(keys.values())
            ).values_list("user_id", "key")
        )
        for user in users.filter(pk__in=list(due), is_active=True):
            if (user.pk, keys[user.pk]) in known:
                continue
            notification = notify(
                user=user,
                kind=Notification.Kind.DEADLINE,
                key=keys[user.pk],
                message=_deadline_message(user=user, task=task, due_at=due[user.pk]),
                now=now,
            )
            recorded += notification is not None
    return recorded
