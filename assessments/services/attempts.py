"""Attempts: start one (freezing its questions), submit and grade it, and
close those whose time ran out. Grading, deadlines and attempt limits are
decided here, on the server; views only translate requests into these
calls."""

from __future__ import annotations

import random
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Case, Count, When, Window
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.access import page_published
from courses.models import CoursePage
from courses.progress import progress_changed
from courses.selectors import course_of, enrollment_for
from courses.services import enrollment_refresh_completion, enrollment_touch

from ..errors import Refused
from ..grading import grade
from ..kinds import KINDS_ASKING_NOTHING, kind_for
from ..models import Attempt, AttemptQuestion, Question, QuizPage, category_tree_ids
from ..selectors import accommodation_for, attempts_allowed, time_limit_for
from ..snapshots import snapshot_for


def quiz_course(quiz: QuizPage) -> CoursePage:
    """The quiz's course (cached per content version, courses.selectors)."""
    return course_of(step=quiz)


def _questions_for(quiz: QuizPage, rng: random.Random) -> list[Question]:
    fixed = [
        qq.question
        for qq in quiz.quiz_questions.select_related("question__product")
        .prefetch_related("question__choices")
        .order_by("sort_order")
    ]
    drawn: list[Question] = []
    if quiz.random_category_id and quiz.random_count:
        category_ids = (
            category_tree_ids(root_ids=[quiz.random_category_id])
            if quiz.random_include_subcategories
            else [quiz.random_category_id]
        )
        pool = list(
            Question.objects.filter(category_id__in=category_ids)
            .exclude(pk__in=[q.pk for q in fixed])
            .exclude(kind__in=KINDS_ASKING_NOTHING)
            .order_by("pk")
            .select_related("product")
            .prefetch_related("choices")
        )
        drawn = rng.sample(pool, min(quiz.random_count, len(pool)))
    questions = fixed + drawn
    if quiz.shuffle_questions:
        rng.shuffle(questions)
    return questions


def quiz_closed(quiz: QuizPage, *, at=None) -> bool:
    """Has `quiz` closed (its `closes_at` is at or before `at`, default now)?"""
    return quiz.closes_at is not None and quiz.closes_at <= (at or timezone.now())


def attempt_start(*, user, quiz: QuizPage) -> Attempt:
    """Start an attempt, or return the trainee's unfinished one (resume).

    Refused when the quiz or an ancestor is not published, when the quiz has
    closed (`closes_at`), when the trainee is not (or no longer) enrolled in
    the quiz's course, also for resuming, or has used every attempt (the
    quiz's maximum plus any accommodation). Freezes the questions, their
    order and their choices. An attempt saved for offline (`downloaded`)
    is resumed online: it becomes `in_progress`, and a timed quiz's clock
    starts now. The deadline is the time limit's end or the quiz's close,
    whichever comes first. View restrictions are the view's to check
    (courses/access.py)."""
    return attempt_make(user=user, quiz=quiz, offline=False)


def attempt_make(*, user, quiz: QuizPage, offline: bool) -> Attempt:
    """`attempt_start`, or with `offline=True` the attempt of an offline
    package (assessments/offline): a new one is `downloaded`, with no
    deadline (the time limit is checked when its answers arrive) and
    `downloaded_at` now; an open one is returned as it is, noting when it
    was first saved for offline. Raises Refused (see `attempt_start`)."""
    if not page_published(page=quiz):
        raise Refused(_("This quiz is not published."))
    if quiz_closed(quiz):
        raise Refused(_("This quiz has closed."))
    enrollment = enrollment_for(user=user, course=quiz_course(quiz))
    if enrollment is None or not enrollment.is_active:
        raise Refused(_("Enrol in the course to take its quizzes."))
    # One read for both: the open attempt if there is one (sorted first),
    # else any, each row carrying the number of attempts made. Every attempt
    # but the open one uses one up, also one kept without counting (the
    # trainee saw its questions: refusing a late attempt gives no new one).
    mine = (
        Attempt.objects.filter(user=user, quiz=quiz)
        .annotate(made=Window(Count("pk")))
        .order_by(Case(When(status__in=Attempt.OPEN, then=0), default=1))
        .first()
    )
    now = timezone.now()
    accommodation = accommodation_for(user=user, quiz=quiz)
    minutes = time_limit_for(quiz=quiz, accommodation=accommodation)
    if mine is not None and mine.status in Attempt.OPEN:
        mine.quiz = quiz
        return _attempt_resume(mine, offline=offline, minutes=minutes, now=now)
    allowed = attempts_allowed(quiz=quiz, accommodation=accommodation)
    made = mine.made if mine is not None else 0
    if allowed is not None and made >= allowed:
        raise Refused(_("You have used all your attempts for this quiz."))
    rng = random.Random()  # noqa: S311 - shuffling questions, not security
    questions = _questions_for(quiz, rng)
    if not questions:
        raise Refused(_("This quiz has no questions yet."))
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                user=user,
                quiz=quiz,
                number=made + 1,
                status=(
                    Attempt.Status.DOWNLOADED if offline else Attempt.Status.IN_PROGRESS
                ),
                started_at=now,
                downloaded_at=now if offline else None,
                deadline_at=None if offline else _deadline(quiz, minutes, now),
                max_score=sum(Decimal(q.points) for q in questions),
            )
            AttemptQuestion.objects.bulk_create(
                AttemptQuestion(
                    attempt=attempt,
                    question=question,
                    category_id=question.category_id,
                    order=order,
                    snapshot=snapshot_for(
                        question, shuffle_choices=quiz.shuffle_choices, rng=rng
                    ),
                    max_points=question.points,
                )
                for order, question in enumerate(questions, 1)
            )
    except IntegrityError:
        # Another request started it at the same moment: resume that one.
        return Attempt.objects.get(user=user, quiz=quiz, status__in=Attempt.OPEN)
    return attempt


def attempt_time_proven(attempt: Attempt, *, minutes: int | None, now) -> bool:
    """Can the server prove that answers to `attempt` arriving `now` were
    made within the time limit of `minutes` (None: no limit)? Server times
    only (docs/decisions/0027-offline.md):

    - an attempt that was never saved for offline: by its deadline, as
      online;
    - one saved for offline at any time: the whole time from its start (the
      first moment its questions could be seen, online or in the package)
      to `now` fits the limit plus `SINAU_OFFLINE_GRACE_SECONDS`. Saving it
      for offline later, or opening it online again, never restarts that
      clock."""
    if not minutes:
        return True
    if attempt.downloaded_at is None:
        return attempt.deadline_at is None or now <= attempt.deadline_at
    allowed = timezone.timedelta(minutes=minutes) + timezone.timedelta(
        seconds=settings.SINAU_OFFLINE_GRACE_SECONDS
    )
    return now - attempt.started_at <= allowed


def _deadline(quiz: QuizPage, minutes: int | None, now):
    """When an attempt started online at `now` ends: the time limit's end or
    the quiz's close, whichever comes first (None: neither)."""
    ends = [now + timezone.timedelta(minutes=minutes)] if minutes else []
    if quiz.closes_at is not None:
        ends.append(quiz.closes_at)
    return min(ends) if ends else None


def _attempt_resume(attempt: Attempt, *, offline: bool, minutes, now) -> Attempt:
    """The open `attempt`, for the page asking: offline, it is noted as saved
    for offline (once); online, a `downloaded` one becomes `in_progress`
    with its clock starting now (only if still downloaded: two requests at
    once change it once)."""
    if offline:
        if attempt.downloaded_at is None:
            Attempt.objects.filter(pk=attempt.pk, downloaded_at__isnull=True).update(
                downloaded_at=now
            )
            attempt.downloaded_at = now
            progress_changed(attempt.user_id)
        return attempt
    if attempt.status == Attempt.Status.DOWNLOADED:
        deadline = _deadline(attempt.quiz, minutes, now)
        Attempt.objects.filter(pk=attempt.pk, status=Attempt.Status.DOWNLOADED).update(
            status=Attempt.Status.IN_PROGRESS, deadline_at=deadline
        )
        # No longer saved for offline: staff's "unsynced" figures change.
        progress_changed(attempt.user_id)
        attempt.refresh_from_db()
    return attempt


def attempt_open_check(attempt: Attempt) -> None:
    """Refuse changes to a submitted attempt or one past its deadline."""
    if attempt.status != Attempt.Status.IN_PROGRESS:
        raise Refused(
            _("This attempt has been submitted; answers can no longer change.")
        )
    if attempt.is_expired:
        raise Refused(_("Time is up: answers can no longer change."))


def attempt_open_for(user, attempt_id: int) -> Attempt:
    """The trainee's own attempt `attempt_id`, refused unless it is open,
    in time and they are still enrolled in its course."""
    attempt = (
        Attempt.objects.select_related("quiz").filter(pk=attempt_id, user=user).first()
    )
    if attempt is None:
        raise Refused(_("This attempt does not exist or is not yours."))
    attempt_open_check(attempt)
    enrollment = enrollment_for(user=user, course=quiz_course(attempt.quiz))
    if enrollment is None or not enrollment.is_active:
        raise Refused(_("You left this course: answers can no longer change."))
    return attempt


def attempt_submit(*, user, attempt_id: int) -> Attempt:
    """Submit the trainee's attempt and grade it. Idempotent: submitting a
    submitted attempt returns it unchanged. Allowed after the deadline (the
    answers saved in time are graded). Runs a fixed number of queries,
    whatever the number of questions. An attempt past its deadline is
    recorded as submitted at the deadline. Locks the attempt row only (not
    the quiz page it is read with: every trainee's submission would wait for
    the others, and starting the quiz, whose insert checks the page, too)."""
    with transaction.atomic():
        attempt = (
            Attempt.objects.select_for_update(of=("self",))
            .select_related("quiz")
            .filter(pk=attempt_id, user=user)
            .first()
        )
        if attempt is None:
            raise Refused(_("This attempt does not exist or is not yours."))
        if attempt.status != Attempt.Status.IN_PROGRESS:
            # Submitted already, or saved for offline: its answers arrive
            # with the phone's sync (assessments/offline).
            return attempt
        attempt.user = user
        items = list(AttemptQuestion.objects.filter(attempt=attempt))
        now = timezone.now()
        attempt_items_grade(items, now=now)
        if (
            attempt.downloaded_at is not None
            and attempt.quiz.time_limit_minutes
            and not attempt_time_proven(
                attempt,
                minutes=time_limit_for(
                    quiz=attempt.quiz,
                    accommodation=accommodation_for(user=user, quiz=attempt.quiz),
                ),
                now=now,
            )
        ):
            # Saved for offline, then finished online long after: its
            # questions were in the trainee's hands all along, so a trainer
            # decides (docs/decisions/0027-offline.md).
            attempt.status = Attempt.Status.REVIEW
            attempt.flag = Attempt.Flag.TIME_UNPROVEN
            attempt.score = attempt.passed = None
        # Past its deadline the attempt ended at the deadline, whenever the
        # trainee or the sweep gets round to closing it.
        attempt.submitted_at = (
            attempt.deadline_at
            if attempt.deadline_at is not None and attempt.deadline_at < now
            else now
        )
        attempt_total(attempt, items)
        attempt.save(
            update_fields=["submitted_at", "status", "score", "passed", "flag"]
        )
        attempt_completion(attempt)
    return attempt


def attempt_items_grade(
    items: list[AttemptQuestion], *, now, also: tuple[str, ...] = ()
) -> None:
    """Grade each item's response against its own snapshot and save points
    and correctness, and the item fields named in `also` (the responses,
    when they arrive with the submission), in one UPDATE for all. A
    hand-marked answer left blank scores 0 at once instead of waiting for a
    trainer."""
    for item in items:
        item.points, item.is_correct = grade(item.snapshot, item.response)
        kind = kind_for(item.snapshot.get("kind"))
        if kind.marked_by_hand and kind.answer_blank(item.response):
            # Nothing to read: scored 0 now, not queued for a trainer
            # (docs/decisions/0016-marking-queue.md). marked_by stays empty: nobody
            # marked it.
            item.points, item.is_correct, item.marked_at = Decimal(0), False, now
    AttemptQuestion.objects.bulk_update(
        items, ["points", "is_correct", "marked_at", *also]
    )


def attempt_total(attempt: Attempt, items: list[AttemptQuestion]) -> None:
    """Score, status and pass/fail from the items (essays may be pending).
    An attempt held for review or kept without counting keeps its status,
    no score and no result: its items carry the points."""
    if attempt.status in (Attempt.Status.REVIEW, Attempt.Status.NOT_COUNTED):
        return
    if any(item.points is None for item in items):
        attempt.status = Attempt.Status.MARKING
        attempt.score = None
        attempt.passed = None
        return
    attempt.status = Attempt.Status.GRADED
    attempt.score = sum((item.points for item in items), Decimal(0))
    percent = (
        attempt.score * 100 / attempt.max_score if attempt.max_score else Decimal(0)
    )
    attempt.passed = percent >= attempt.quiz.pass_mark


def attempt_completion(attempt: Attempt) -> None:
    """A passed required quiz may complete the course; any submission counts
    as activity in it."""
    course = quiz_course(attempt.quiz)
    if attempt.passed and attempt.quiz.required:
        enrollment_refresh_completion(user=attempt.user, course=course)
    else:
        enrollment_touch(user=attempt.user, course=course)


def attempts_close_expired() -> int:
    """Submit every in-progress attempt whose deadline has passed (beat
    runs this). Returns how many this run closed: two runs in a row or at
    once close each attempt once and their counts add up to one run's."""
    expired = list(
        Attempt.objects.filter(
            status=Attempt.Status.IN_PROGRESS, deadline_at__lt=timezone.now()
        ).values_list("pk", flat=True)
    )
    closed = 0
    for attempt_id in expired:
        with transaction.atomic():
            # Claim under the row lock: a twin run (or the trainee's own
            # submit) that got here first leaves nothing to count.
            attempt = (
                Attempt.objects.select_for_update(of=("self",))
                .select_related("user")
                .filter(pk=attempt_id, status=Attempt.Status.IN_PROGRESS)
                .first()
            )
            if attempt is None:
                continue
            attempt_submit(user=attempt.user, attempt_id=attempt_id)
            closed += 1
    return closed
