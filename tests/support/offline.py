"""Building what a phone sends back from offline (assessments/offline)."""

from __future__ import annotations

import uuid

from django.utils import timezone

from assessments.demo import answer_data
from assessments.models import Attempt


def offline_fields(attempt: Attempt, *, right: bool = True) -> list[list[str]]:
    """The whole-quiz form's fields answering every question of `attempt`
    right (or wrong), named `q<order>-<name>` as the package page names
    them."""
    fields = []
    for item in attempt.items.order_by("order"):
        for name, values in answer_data(item.snapshot, right=right).lists():
            fields.extend([f"q{item.order}-{name}", value] for value in values)
    return fields


def submit_item(
    attempt: Attempt,
    *,
    right: bool = True,
    client_id: str | None = None,
    submitted_at=None,
    elapsed_seconds: int = 60,
) -> dict:
    """A sync item submitting `attempt`'s answers (static/js/sw.js's shape)."""
    return {
        "id": client_id or str(uuid.uuid4()),
        "type": "attempt_submit",
        "attempt": attempt.pk,
        "fields": offline_fields(attempt, right=right),
        "submitted_at": (submitted_at or timezone.now()).isoformat(),
        "elapsed_seconds": elapsed_seconds,
    }


def lesson_item(lesson, *, client_id: str | None = None) -> dict:
    """A sync item marking `lesson` done."""
    return {
        "id": client_id or str(uuid.uuid4()),
        "type": "lesson_done",
        "lesson": lesson.pk,
        "at": timezone.now().isoformat(),
    }


def saved_at(when) -> dict:
    """Fields for `Attempt.objects.filter(...).update(**saved_at(t))`: a
    package made at `when` (its start and its download are that moment)."""
    return {"downloaded_at": when, "started_at": when}
