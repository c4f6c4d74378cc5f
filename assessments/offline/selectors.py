"""What is waiting offline, for the trainee and for staff."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Count, Min
from django.utils import timezone

from ..models import Attempt, SyncItem
from .services import sync_item_message, sync_item_url

# How many of their synced items a trainee's page lists.
HISTORY_SHOWN = 30
# Staff see a trainee's saved attempts as late after this long unsynced.
UNSYNCED_LATE = timedelta(days=3)


def offline_state(*, user) -> dict:
    """For the "Tersimpan offline" page: `packages`, the trainee's quiz
    attempts saved for offline and not sent back (oldest first, quiz
    loaded); `history`, their latest synced items, each with `message` and
    `url`; `unsent`, how many packages wait."""
    packages = list(
        Attempt.objects.filter(user=user, status=Attempt.Status.DOWNLOADED)
        .select_related("quiz")
        .order_by("downloaded_at")
    )
    history = list(
        SyncItem.objects.filter(user=user)
        .select_related("attempt__quiz", "lesson")
        .order_by("-received_at", "-pk")[:HISTORY_SHOWN]
    )
    for row in history:
        row.message = sync_item_message(row)
        row.url = sync_item_url(row)
    return {"packages": packages, "history": history, "unsent": len(packages)}


def unsynced_of(*, user_ids, quiz_ids=None) -> dict[int, tuple[int, datetime]]:
    """Per trainee of `user_ids` (ids or a subquery) with quiz attempts
    saved for offline and not sent back, of the quizzes `quiz_ids` (a
    cohort's own; None: any): (how many, since when the oldest was saved).
    One query."""
    attempts = Attempt.objects.filter(
        user_id__in=user_ids, status=Attempt.Status.DOWNLOADED
    )
    if quiz_ids is not None:
        attempts = attempts.filter(quiz_id__in=quiz_ids)
    rows = (
        attempts.order_by()
        .values("user_id")
        .annotate(n=Count("pk"), oldest=Min("downloaded_at"))
        .values_list("user_id", "n", "oldest")
    )
    return {user_id: (n, oldest) for user_id, n, oldest in rows}


def unsynced_late(since: datetime | None, *, now=None) -> bool:
    """Has offline work saved at `since` waited longer than UNSYNCED_LATE?"""
    return since is not None and (now or timezone.now()) - since > UNSYNCED_LATE
