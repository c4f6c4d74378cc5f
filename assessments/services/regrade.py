"""Regrades: a corrected question's answer key applied to every attempt
that asked it, by a Celery worker."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from lms.common.queue import task_enqueue_on_commit

from ..grading import grade
from ..kinds import kind_for
from ..models import Attempt, AttemptQuestion, Question, RegradeJob, RegradeJobItem
from ..snapshots import snapshot_corrected
from ..tasks import question_regrade_task
from .attempts import attempt_completion, attempt_total


def regrade_request(*, question: Question, user) -> RegradeJob:
    """Record a regrade and send it to a worker after commit."""
    task_id = uuid.uuid4().hex
    with transaction.atomic():
        job = RegradeJob.objects.create(
            question=question, requested_by=user, task_id=task_id
        )
        task_enqueue_on_commit(question_regrade_task, args=(job.pk,), task_id=task_id)
    return job


def question_regrade(*, job_id: int) -> RegradeJob:
    """Apply the question's current answer key to every attempt that asked
    it: submitted attempts are regraded and re-totalled; attempts still in
    progress get the corrected key in their snapshot, so they are graded
    right when submitted. The text and choices the trainee saw stay as they
    were. Counts submitted attempts whose score or result changed and open
    attempts whose key changed. Idempotent: running it twice gives the same
    scores. An attempt that now passes may complete its course; a course
    already completed stays completed."""
    job = RegradeJob.objects.select_related("question").get(pk=job_id)
    if job.status == RegradeJob.Status.DONE:
        return job
    RegradeJob.objects.filter(pk=job.pk).exclude(status=RegradeJob.Status.DONE).update(
        status=RegradeJob.Status.RUNNING
    )
    question = Question.objects.prefetch_related("choices").get(pk=job.question_id)
    Outcome = RegradeJobItem.Outcome
    item_ids = list(
        AttemptQuestion.objects.filter(question=question)
        .order_by("pk")
        .values_list("pk", "attempt_id")
    )
    for item_id, attempt_id in item_ids:
        with transaction.atomic():
            # Lock the attempt first: a submit running now waits for us (or
            # we for it), so the item is graded with one key or the other;
            # a second delivery of this job waits too, then finds the
            # RegradeJobItem row and skips the answer.
            attempt = (
                Attempt.objects.select_for_update(of=("self",))
                .select_related("quiz", "user")
                .get(pk=attempt_id)
            )
            if RegradeJobItem.objects.filter(job=job, item_id=item_id).exists():
                continue
            item = AttemptQuestion.objects.get(pk=item_id)
            snapshot = snapshot_corrected(item.snapshot, question)
            if attempt.status in Attempt.OPEN:
                if snapshot == item.snapshot and item.max_points == question.points:
                    RegradeJobItem.objects.create(
                        job=job, item_id=item_id, outcome=Outcome.UNCHANGED
                    )
                    continue
                AttemptQuestion.objects.filter(pk=item.pk).update(
                    snapshot=snapshot, max_points=question.points
                )
                attempt.max_score = sum(
                    AttemptQuestion.objects.filter(attempt=attempt).values_list(
                        "max_points", flat=True
                    ),
                    Decimal(0),
                )
                attempt.save(update_fields=["max_score"])
                RegradeJobItem.objects.create(
                    job=job, item_id=item_id, outcome=Outcome.OPEN_CHANGED
                )
                continue
            points, is_correct = grade(snapshot, item.response)
            if kind_for(question.kind).marked_by_hand:
                points, is_correct = item.points, item.is_correct
            # Held for review or kept without counting, an attempt has no
            # score of its own: a change shows in the item's points.
            held = attempt.status in (Attempt.Status.REVIEW, Attempt.Status.NOT_COUNTED)
            before = (attempt.score, attempt.passed, item.points if held else None)
            AttemptQuestion.objects.filter(pk=item.pk).update(
                snapshot=snapshot,
                points=points,
                is_correct=is_correct,
                max_points=question.points,
            )
            siblings = list(AttemptQuestion.objects.filter(attempt=attempt))
            attempt.max_score = sum((s.max_points for s in siblings), Decimal(0))
            attempt_total(attempt, siblings)
            attempt.save(update_fields=["max_score", "status", "score", "passed"])
            RegradeJobItem.objects.create(
                job=job,
                item_id=item_id,
                outcome=(
                    Outcome.CHANGED
                    if (attempt.score, attempt.passed, points if held else None)
                    != before
                    else Outcome.UNCHANGED
                ),
            )
            attempt_completion(attempt)
    # Counted from the ledger, not from this delivery's own work: a twin that
    # did half the answers leaves the same figures.
    counts = dict(
        RegradeJobItem.objects.filter(job=job)
        .values_list("outcome")
        .annotate(n=Count("pk"))
        .values_list("outcome", "n")
    )
    RegradeJob.objects.filter(pk=job.pk).update(
        status=RegradeJob.Status.DONE,
        finished_at=timezone.now(),
        attempts_changed=counts.get(Outcome.CHANGED, 0),
        open_attempts_changed=counts.get(Outcome.OPEN_CHANGED, 0),
        last_error="",
    )
    job.refresh_from_db()
    return job
