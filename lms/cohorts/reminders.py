"""What cohort staff send through the notification service
(`lms.notifications.services.notify`): inactivity reminders, announcements
and the managers' weekly summary. This module builds the messages (in the
receiver's language, for every channel at once) and reads who is due; the
writes are in `services.py` (reminders, announcements, summaries).

WhatsApp template names and their parameters are listed, in Indonesian, in
docs/managers.md ("Messages to trainees") for a programme to submit to Meta:
`reminder_inactive` [name, cohort, link], `announcement` [cohort, text
(first 200 characters), link], `cohort_summary` [cohort, completions,
at risk, waiting, link]."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from assessments.kinds import KINDS_MARKED_BY_HAND
from assessments.models import Attempt, AttemptQuestion
from courses.models import Enrollment
from lms.accounts.models import User
from lms.accounts.services import whatsapp_share_url
from lms.common.addresses import public_url
from lms.notifications.channels.base import Message
from lms.notifications.models import Notification
from lms.notifications.selectors import deliveries_by_hand
from lms.notifications.services import by_hand_reachable, estimate

from .models import Cohort, CohortMembership, ReminderOptOut
from .selectors import cohort_members, cohort_progress

OPT_OUT_SALT = "cohort-reminder-opt-out"
ANNOUNCEMENT_TEMPLATE_CHARS = 200


def opt_out_url(*, user) -> str:
    """An absolute link that stops reminders for `user`, no login needed."""
    token = signing.dumps(user.pk, salt=OPT_OUT_SALT)
    return public_url(reverse("cohorts:reminder_opt_out", args=[token]))


def _language(user) -> str:
    return user.preferred_language or settings.LANGUAGE_CODE


def reminder_key(*, now: datetime | None = None) -> str:
    """The event key of a reminder: one per person and local day
    ('reminder:2026-12-06'), whatever the number of their cohorts."""
    return f"reminder:{timezone.localdate(now or timezone.now()).isoformat()}"


def reminder_message(*, user, cohort: Cohort) -> Message:
    """The reminder for `user` in `cohort`, in their language: subject and
    body (with the opt-out link) for Sinau, email and a `wa.me` link; the
    WhatsApp template `reminder_inactive` [name, cohort name, link]; a short
    SMS with the link."""
    link = public_url(reverse("courses:my_learning"))
    with translation.override(_language(user)):
        subject = _("We miss you in %(cohort)s") % {"cohort": cohort.name}
        body = _(
            "Hello %(name)s,\n\n"
            "It has been a while since you last studied in %(cohort)s. "
            "A few minutes today is enough to keep going: open Sinau and press "
            "'Continue' on My learning.\n\n%(url)s\n\n"
            "Your trainers are happy to help if you are stuck.\n\n"
            "Do not want these reminders? %(opt_out)s"
        ) % {
            "name": user.get_short_name(),
            "cohort": cohort.name,
            "url": link,
            "opt_out": opt_out_url(user=user),
        }
        short = _("Sinau: %(cohort)s misses you. Continue here: %(url)s") % {
            "cohort": cohort.name,
            "url": link,
        }
    return Message(
        subject=subject,
        body=body,
        url=link,
        template="reminder_inactive",
        params=(user.get_short_name(), cohort.name, link),
        short=short,
    )


def reminder_whatsapp_url(*, user, cohort) -> str | None:
    """A `https://wa.me/` link that opens WhatsApp to `user`'s phone with
    the reminder (`reminder_message`, opt-out link included) typed in, for a
    trainer or manager to send by hand; None when `user` opted out of
    reminders or may not be messaged by hand (`by_hand_reachable`: no
    phone, inactive, or stopped WhatsApp)."""
    if ReminderOptOut.objects.filter(user=user).exists():
        return None
    if user.pk not in by_hand_reachable(user_ids=[user.pk]):
        return None
    return whatsapp_share_url(
        phone=user.phone, text=reminder_message(user=user, cohort=cohort).body
    )


def announcement_message(*, user, cohort: Cohort, body: str) -> Message:
    """An announcement to `user` from `cohort`'s staff: the text as written
    (≤ 500 characters), in Sinau and email; the WhatsApp template
    `announcement` [cohort name, first 200 characters, link]; SMS: the
    cohort name, the start of the text and the link."""
    link = public_url(reverse("courses:my_learning"))
    with translation.override(_language(user)):
        subject = _("Announcement: %(cohort)s") % {"cohort": cohort.name}
    head = body[:ANNOUNCEMENT_TEMPLATE_CHARS]
    short_room = 320 - len(cohort.name) - len(link) - 4
    return Message(
        subject=subject,
        body=body,
        url=link,
        template="announcement",
        params=(cohort.name, head, link),
        short=f"{cohort.name}: {body[: max(short_room, 0)]} {link}",
    )


def summary_message(*, user, cohort: Cohort, figures: dict[str, int]) -> Message:
    """The weekly summary of `cohort` for one of its managers: `figures`
    has completions, at_risk, tasks_waiting, essays_waiting. WhatsApp
    template `cohort_summary` [cohort, completions, at risk, waiting, link]."""
    link = public_url(reverse("cohorts:dashboard", args=[cohort.pk]))
    waiting = figures["tasks_waiting"] + figures["essays_waiting"]
    with translation.override(_language(user)):
        subject = _("This week in %(cohort)s") % {"cohort": cohort.name}
        body = _(
            "This week in %(cohort)s:\n"
            "- courses completed: %(completions)s\n"
            "- trainees at risk: %(at_risk)s\n"
            "- practical tasks waiting for assessment: %(tasks)s\n"
            "- essay answers waiting for marking: %(essays)s\n\n"
            "Dashboard: %(url)s"
        ) % {
            "cohort": cohort.name,
            "completions": figures["completions"],
            "at_risk": figures["at_risk"],
            "tasks": figures["tasks_waiting"],
            "essays": figures["essays_waiting"],
            "url": link,
        }
        short = _(
            "Sinau %(cohort)s: %(completions)s completed, %(at_risk)s at risk, "
            "%(waiting)s waiting. %(url)s"
        ) % {
            "cohort": cohort.name,
            "completions": figures["completions"],
            "at_risk": figures["at_risk"],
            "waiting": waiting,
            "url": link,
        }
    return Message(
        subject=subject,
        body=body,
        url=link,
        template="cohort_summary",
        params=(
            cohort.name,
            str(figures["completions"]),
            str(figures["at_risk"]),
            str(waiting),
            link,
        ),
        short=short,
    )


@dataclass
class Due:
    """One trainee the reminder would go to, and why."""

    user_id: int
    name: str
    phone: str
    idle_days: int
    reasons: list[str] = field(default_factory=list)


@dataclass
class ReminderPlan:
    """Who the next reminder run of a cohort reaches (`due`), and who it
    leaves out on purpose."""

    cohort: Cohort
    due: list[Due]
    opted_out: int = 0
    recently: int = 0  # reminded (by any cohort) within the period
    off: bool = False  # reminders turned off, or the cohort not running


def reminders_due(*, cohort: Cohort, now: datetime | None = None) -> ReminderPlan:
    """The cohort's active members who have done nothing for
    `cohort.reminder_after_days` days (from joining when never), have not
    finished every course, did not opt out, and got no reminder from any
    cohort within that many days (the Notification history). Each with the
    dashboard's at-risk reasons. A fixed number of queries (the dashboard's,
    plus two)."""
    now = now or timezone.now()
    days = cohort.reminder_after_days
    today = timezone.localdate(now)
    if (
        not days
        or today < cohort.starts_on
        or (cohort.ends_on and today > cohort.ends_on)
    ):
        return ReminderPlan(cohort=cohort, due=[], off=True)
    limit = now - timedelta(days=days)
    progress = cohort_progress(cohort=cohort, now=now)
    rows = {
        r.user_id: r
        for r in progress.rows
        if r.status == CohortMembership.Status.ACTIVE
        and not r.completed_all
        and (r.last_activity or r.joined_at) < limit
    }
    opted = set(
        ReminderOptOut.objects.filter(user_id__in=list(rows)).values_list(
            "user_id", flat=True
        )
    )
    recent = (
        set(
            Notification.objects.filter(
                user_id__in=list(rows),
                kind=Notification.Kind.REMINDER,
                created_at__gt=limit,
            ).values_list("user_id", flat=True)
        )
        - opted
    )
    due = [
        Due(
            user_id=r.user_id,
            name=r.name,
            phone=r.phone,
            idle_days=(now - (r.last_activity or r.joined_at)).days,
            reasons=list(r.reasons),
        )
        for pk, r in rows.items()
        if pk not in opted and pk not in recent
    ]
    due.sort(key=lambda d: (-d.idle_days, d.name))
    return ReminderPlan(
        cohort=cohort, due=due, opted_out=len(opted), recently=len(recent)
    )


def cohort_summary_figures(
    *, cohort: Cohort, now: datetime | None = None
) -> dict[str, int]:
    """The weekly summary's figures for `cohort` over the 7 days before
    `now`: completions (course completions by active members),
    at_risk (the dashboard's rule), tasks_waiting (latest task versions
    waiting for assessment), essays_waiting (essay answers of active members
    in the cohort's courses waiting for a mark)."""
    now = now or timezone.now()
    progress = cohort_progress(cohort=cohort, now=now)
    members = cohort_members(cohort=cohort, active_only=True)
    course_ids = [c.pk for c in progress.courses]
    in_courses = Q(pk__in=[])
    for course in progress.courses:
        in_courses |= Q(attempt__quiz__path__startswith=course.path)
    essays = (
        AttemptQuestion.objects.filter(
            in_courses,
            snapshot__kind__in=KINDS_MARKED_BY_HAND,
            points__isnull=True,
            attempt__status=Attempt.Status.MARKING,
            attempt__user_id__in=members,
        ).count()
        if course_ids
        else 0
    )
    return {
        "completions": Enrollment.objects.filter(
            user_id__in=members,
            course_id__in=course_ids,
            completed_at__gt=now - timedelta(days=7),
            completed_at__lte=now,
        ).count(),
        "at_risk": len(progress.at_risk),
        "tasks_waiting": sum(t.waiting for t in progress.tasks),
        "essays_waiting": essays,
    }


# -- reads for the staff pages -------------------------------------------------

HISTORY_SHOWN = 100
STAFF_KINDS = (
    Notification.Kind.REMINDER,
    Notification.Kind.ANNOUNCEMENT,
    Notification.Kind.CERTIFICATE,
    Notification.Kind.ESSAY_FEEDBACK,
    Notification.Kind.TASK_FEEDBACK,
    Notification.Kind.DEADLINE,
)


def cohort_message_history(*, cohort: Cohort) -> list[Notification]:
    """The newest `HISTORY_SHOWN` messages of `cohort` to its members
    (never the managers' summaries), with person and deliveries: two
    queries."""
    return list(
        Notification.objects.filter(
            cohort=cohort,
            kind__in=STAFF_KINDS,
            user_id__in=cohort_members(cohort=cohort),
        )
        .select_related("user")
        .prefetch_related("deliveries")
        .order_by("-created_at", "-pk")[:HISTORY_SHOWN]
    )


@dataclass
class HandItem:
    delivery_id: int
    name: str
    phone: str
    subject: str
    created_at: datetime
    link: str


def cohort_hand_list(*, cohort: Cohort) -> list[HandItem]:
    """The cohort's by-hand messages still waiting
    (`lms.notifications.selectors.deliveries_by_hand`), each with a `wa.me`
    link to the person's phone with the message (and its link) typed in;
    never for someone no longer an active member or who stopped WhatsApp.
    The caller applies the staff scope to `cohort`."""
    waiting = list(deliveries_by_hand(cohort=cohort)[:HISTORY_SHOWN])
    people = {d.notification.user_id for d in waiting}
    members = set(
        CohortMembership.objects.active()
        .filter(cohort=cohort, user_id__in=people)
        .values_list("user_id", flat=True)
    )
    reachable = by_hand_reachable(user_ids=members)
    items = []
    for delivery in waiting:
        notification = delivery.notification
        if notification.user_id not in reachable:
            continue  # withdrawn, or stopped WhatsApp since it was queued
        text = notification.body
        if notification.url and notification.url not in text:
            text = f"{text}\n\n{notification.url}"
        items.append(
            HandItem(
                delivery_id=delivery.pk,
                name=str(notification.user),
                phone=notification.user.phone or "",
                subject=notification.subject,
                created_at=delivery.created_at,
                link=whatsapp_share_url(phone=notification.user.phone, text=text),
            )
        )
    return items


def announcement_statuses(*, announcements) -> dict[int, dict[str, int]]:
    """announcement id -> {notification status: count} (one query)."""
    by_key = {f"announcement:{a.pk}": a.pk for a in announcements}
    result: dict[int, dict[str, int]] = {pk: {} for pk in by_key.values()}
    if not by_key:
        return result
    rows = (
        Notification.objects.filter(key__in=list(by_key))
        .values("key", "status")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        result[by_key[row["key"]]][row["status"]] = row["n"]
    return result


def next_reminder_run(*, now: datetime | None = None) -> datetime | None:
    """When beat next runs the reminders (`CELERY_BEAT_SCHEDULE`
    "cohort-inactivity-reminders"), or None when it is not scheduled."""
    entry = settings.CELERY_BEAT_SCHEDULE.get("cohort-inactivity-reminders")
    if not entry:
        return None
    now = now or timezone.now()
    plan = entry["schedule"]
    if isinstance(plan, int | float):
        return now + timedelta(seconds=float(plan))
    # a celery schedule (crontab): its own time zone is CELERY_TIMEZONE
    due = now + plan.remaining_estimate(now)
    return due.replace(second=0, microsecond=0) + timedelta(
        minutes=1 if due.second >= 30 else 0
    )


def estimate_for(*, cohort: Cohort, user_ids, message_of) -> dict:
    """The cost estimate (`lms.notifications.services.estimate`) of sending
    `message_of(user)` to `user_ids`: {"channels": {channel: {"count",
    "cost"}}, "people", "cost"}."""
    users = list(User.objects.filter(pk__in=list(user_ids)))
    if not users:
        return {"channels": {}, "people": 0, "cost": 0}
    channels = estimate(
        users=users,
        message=message_of(users[0]),
        kind=Notification.Kind.REMINDER,
    )
    return {
        "channels": channels,
        "people": sum(r["count"] for r in channels.values()),
        "cost": sum(r["cost"] for r in channels.values()),
    }
