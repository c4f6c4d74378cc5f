"""Writes for assessments: attempts, answers, grading, marking, regrading
and imports. Grading, deadlines and attempt limits are decided here, on the
server; views only translate requests into these calls."""

from __future__ import annotations

import random
import secrets
import uuid
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Case, Count, Exists, OuterRef, Q, When, Window
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.access import page_published
from courses.models import CoursePage, Enrollment
from courses.selectors import course_of, enrollment_for
from courses.services import enrollment_refresh_completion, enrollment_touch
from lms.common import errors
from lms.http import whole_number
from lms.limits import SMALL_MAX
from lms.queue import task_enqueue_on_commit

from .grading import grade
from .models import (
    Attempt,
    AttemptQuestion,
    Choice,
    Question,
    QuestionKind,
    QuizPage,
    RegradeJob,
    RegradeJobItem,
    category_tree_ids,
)
from .numbers import number_read
from .rich_text import html_to_text
from .selectors import (
    accommodation_for,
    answers_markable_by,
    attempts_allowed,
    time_limit_for,
)
from .text import text_storable

ESSAY_MAX_LENGTH = 5000
SHORT_ANSWER_MAX_LENGTH = 500


class Refused(errors.Refused):
    """The request is not allowed; `message` says why, for the trainee."""


# -- helpers ---------------------------------------------------------------


def quiz_course(quiz: QuizPage) -> CoursePage:
    """The quiz's course (cached per content version, courses.selectors)."""
    return course_of(step=quiz)


def option_keys(count: int) -> list[str]:
    """`count` distinct random tokens, the values and field names the answer
    form uses instead of choice ids: they say nothing about which choice is
    right or in which order the items belong. Stored in the snapshot, so they
    stay the same for the whole attempt."""
    keys: list[str] = []
    while len(keys) < count:
        key = secrets.token_hex(4)
        if key not in keys:
            keys.append(key)
    return keys


def snapshot_add_keys(snapshot: dict) -> dict:
    """Give every choice of `snapshot` (the items of a matching question,
    each matching answer, and the two answers of a true/false question) an
    opaque form key, keeping any it has. Returns the snapshot."""
    rows = [*(snapshot.get("choices") or []), *(snapshot.get("options") or [])]
    missing = [row for row in rows if not row.get("key")]
    for row, key in zip(missing, option_keys(len(missing)), strict=True):
        row["key"] = key
    if snapshot.get("kind") == QuestionKind.TRUE_FALSE and not snapshot.get(
        "value_keys"
    ):
        true_key, false_key = option_keys(2)
        snapshot["value_keys"] = {"true": true_key, "false": false_key}
    return snapshot


def _image(image_id, alt: str) -> dict | None:
    return {"id": image_id, "alt": alt} if image_id else None


def _answer_rows(question: Question) -> list[Choice]:
    return list(question.choices.all())


def _snapshot_key(question: Question, rows: list[Choice]) -> dict:
    """The parts of a snapshot a regrade may change: the answer key."""
    key: dict = {"points": question.points}
    kind = question.kind
    if kind == QuestionKind.MULTIPLE:
        key["scoring"] = question.multiple_scoring
    if kind == QuestionKind.TRUE_FALSE:
        key["answer"] = question.true_false_answer
    if kind == QuestionKind.NUMERIC:
        key["answers"] = [
            {
                "id": row.pk,
                "number": str(row.number),
                "tolerance": str(row.tolerance or 0),
                "fraction": str(row.fraction),
                "feedback": row.feedback,
            }
            for row in rows
            if row.number is not None
        ]
    if kind == QuestionKind.SHORT_ANSWER:
        key["case_sensitive"] = question.case_sensitive
        key["answers"] = [
            {
                "id": row.pk,
                "text": row.text,
                "fraction": str(row.fraction),
                "feedback": row.feedback,
            }
            for row in rows
            if row.text.strip()
        ]
    return key


def snapshot_for(
    question: Question, *, shuffle_choices: bool, rng: random.Random
) -> dict:
    """Freeze `question` as the trainee will see it (shape in
    assessments.grading). Each choice keeps its bank id (server side only,
    for grading and regrades) and gets a random `key`, the only value the
    answer form shows. Matching answers are shuffled and keyed too, so
    neither their order nor their values say which item they belong to.
    Choices are never shown in the order written unless the question says
    `keep_choice_order`: a new order per attempt with `shuffle_choices`, else
    one order per question that every trainee shares."""
    rows = _answer_rows(question)
    snapshot = {
        "kind": question.kind,
        "text": question.text,
        "image": _image(question.image_id, question.image_alt),
        "points": question.points,
        "explanation": question.explanation,
        "outcome_feedback": {
            "correct": question.correct_feedback,
            "partial": question.partial_feedback,
            "incorrect": question.incorrect_feedback,
        },
        "choices": [],
    }
    kind = question.kind
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.ORDERING):
        choices = [
            {
                "id": c.pk,
                "text": c.text,
                "image": _image(c.image_id, c.image_alt),
                "fraction": str(c.fraction),
                "correct": c.is_correct,
                "feedback": c.feedback,
            }
            for c in rows
        ]
        if kind == QuestionKind.ORDERING:
            snapshot["correct_order"] = [c["id"] for c in choices]
            rng.shuffle(choices)  # always shuffled: the order is the question
            for choice in choices:
                choice["correct"] = False
                choice["fraction"] = "0"
        elif not question.keep_choice_order:
            # Authors put the correct choice first; the order written is never
            # shown. Without per-attempt shuffling, one order per question that
            # every trainee shares (seeded by the question, not by correctness).
            if shuffle_choices:
                rng.shuffle(choices)
            else:
                random.Random(f"choices-{question.pk}").shuffle(choices)  # noqa: S311
        snapshot["choices"] = choices
    if kind == QuestionKind.MATCHING:
        items = [
            {"id": c.pk, "text": c.text, "match": c.match_text}
            for c in rows
            if html_to_text(c.text) and c.match_text.strip()
        ]
        if shuffle_choices and not question.keep_choice_order:
            rng.shuffle(items)
        answers = list(dict.fromkeys(c.match_text for c in rows if c.match_text))
        rng.shuffle(answers)  # always: the order must not follow the items
        snapshot["choices"] = items
        snapshot["options"] = [{"text": text} for text in answers]
    if kind == QuestionKind.TRUE_FALSE:
        snapshot["true_feedback"] = question.true_feedback
        snapshot["false_feedback"] = question.false_feedback
    if kind == QuestionKind.NUMERIC:
        snapshot["unit"] = question.numeric_unit
    if kind == QuestionKind.ESSAY:
        snapshot["rubric"] = question.rubric
        if question.product_id:
            product = question.product
            snapshot["product"] = {
                "name": product.name,
                "price": product.price,
                "unit": product.unit,
                "producer": product.producer,
                "story": product.story,
            }
    snapshot.update(_snapshot_key(question, rows))
    return snapshot_add_keys(snapshot)


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
            .exclude(kind=QuestionKind.DESCRIPTION)
            .order_by("pk")
            .select_related("product")
            .prefetch_related("choices")
        )
        drawn = rng.sample(pool, min(quiz.random_count, len(pool)))
    questions = fixed + drawn
    if quiz.shuffle_questions:
        rng.shuffle(questions)
    return questions


# -- attempts --------------------------------------------------------------


def attempt_start(*, user, quiz: QuizPage) -> Attempt:
    """Start an attempt, or return the trainee's unfinished one (resume).

    Refused when the quiz or an ancestor is not published, when the trainee
    is not (or no longer) enrolled in the quiz's course, also for resuming,
    or has used every attempt (the quiz's maximum plus any accommodation).
    Freezes the questions, their order and their choices. View restrictions
    are the view's to check (courses/access.py)."""
    if not page_published(page=quiz):
        raise Refused(_("This quiz is not published."))
    enrollment = enrollment_for(user=user, course=quiz_course(quiz))
    if enrollment is None or not enrollment.is_active:
        raise Refused(_("Enrol in the course to take its quizzes."))
    # One read for both: the open attempt if there is one (sorted first),
    # else any, each row carrying the number of attempts used.
    mine = (
        Attempt.objects.filter(user=user, quiz=quiz)
        .annotate(used=Window(Count("pk")))
        .order_by(Case(When(status=Attempt.Status.IN_PROGRESS, then=0), default=1))
        .first()
    )
    if mine is not None and mine.status == Attempt.Status.IN_PROGRESS:
        return mine
    accommodation = accommodation_for(user=user, quiz=quiz)
    allowed = attempts_allowed(quiz=quiz, accommodation=accommodation)
    used = mine.used if mine is not None else 0
    if allowed is not None and used >= allowed:
        raise Refused(_("You have used all your attempts for this quiz."))
    rng = random.Random()  # noqa: S311 - shuffling questions, not security
    questions = _questions_for(quiz, rng)
    if not questions:
        raise Refused(_("This quiz has no questions yet."))
    now = timezone.now()
    minutes = time_limit_for(quiz=quiz, accommodation=accommodation)
    deadline = now + timezone.timedelta(minutes=minutes) if minutes else None
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                user=user,
                quiz=quiz,
                number=used + 1,
                started_at=now,
                deadline_at=deadline,
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
        return Attempt.objects.get(
            user=user, quiz=quiz, status=Attempt.Status.IN_PROGRESS
        )
    return attempt


def _attempt_open_check(attempt: Attempt) -> None:
    """Refuse changes to a submitted attempt or one past its deadline."""
    if attempt.status != Attempt.Status.IN_PROGRESS:
        raise Refused(
            _("This attempt has been submitted; answers can no longer change.")
        )
    if attempt.is_expired:
        raise Refused(_("Time is up: answers can no longer change."))


def _open_attempt_for(user, attempt_id: int) -> Attempt:
    attempt = (
        Attempt.objects.select_related("quiz").filter(pk=attempt_id, user=user).first()
    )
    if attempt is None:
        raise Refused(_("This attempt does not exist or is not yours."))
    _attempt_open_check(attempt)
    enrollment = enrollment_for(user=user, course=quiz_course(attempt.quiz))
    if enrollment is None or not enrollment.is_active:
        raise Refused(_("You left this course: answers can no longer change."))
    return attempt


def response_is_blank(snapshot: dict, data) -> bool:
    """Nothing was picked, typed or placed for this question (the trainee
    moved on without answering)."""
    kind = snapshot["kind"]
    if kind == QuestionKind.SINGLE:
        return not data.get("choice")
    if kind == QuestionKind.MULTIPLE:
        return not any(data.getlist("choices"))
    if kind in (QuestionKind.TRUE_FALSE, QuestionKind.NUMERIC):
        return not (data.get("value") or "").strip()
    if kind == QuestionKind.ORDERING:
        return not any(
            data.get(f"position-{c.get('key')}") for c in snapshot["choices"]
        )
    if kind in (QuestionKind.ESSAY, QuestionKind.SHORT_ANSWER):
        return not (data.get("text") or "").strip()
    if kind == QuestionKind.MATCHING:
        return not any(data.get(f"match-{c.get('key')}") for c in snapshot["choices"])
    return True


def essay_is_blank(*, response: dict | None) -> bool:
    """An essay answer with no text (never typed, or only spaces): scored 0
    automatically at submission and shown as blank, never queued."""
    return not str((response or {}).get("text") or "").strip()


def response_parse(snapshot: dict, data) -> dict:
    """Turn posted form data into a response for this question, or refuse
    with a message the trainee understands.

    The form names choices by the snapshot's opaque keys (`snapshot_for`);
    the response stores the choice ids they stand for, so grading and
    regrades work on ids that never reach the page."""
    kind = snapshot["kind"]
    by_key = {c["key"]: c["id"] for c in snapshot["choices"] if c.get("key")}
    if kind == QuestionKind.SINGLE:
        choice = by_key.get(data.get("choice") or "")
        if choice is None:
            raise Refused(_("Choose one answer."))
        return {"choice": choice}
    if kind == QuestionKind.MULTIPLE:
        keys = data.getlist("choices")
        if not keys or not set(keys) <= by_key.keys():
            raise Refused(_("Choose at least one answer."))
        return {"choices": sorted({by_key[k] for k in keys})}
    if kind == QuestionKind.TRUE_FALSE:
        value_keys = snapshot.get("value_keys") or {}
        values = {value_keys.get("true"): True, value_keys.get("false"): False}
        value = values.get(data.get("value") or "") if value_keys else None
        if value is None:
            raise Refused(_("Choose true or false."))
        return {"value": value}
    if kind == QuestionKind.NUMERIC:
        raw = (data.get("value") or "").strip()
        reading = number_read(raw)  # None for anything but a number, never raises
        if reading is None:
            raise Refused(_("Write a number, for example 2,5 or 15.000."))
        response = {"raw": raw, "value": str(reading.value)}
        if reading.other is not None:
            response["other"] = str(reading.other)
        return response
    if kind == QuestionKind.ORDERING:
        positions = {
            cid: _int(data.get(f"position-{key}")) for key, cid in by_key.items()
        }
        if sorted(positions.values(), key=lambda p: p or 0) != list(
            range(1, len(positions) + 1)
        ):
            raise Refused(
                _("Give every item a different position, from 1 to %(n)s.")
                % {"n": len(positions)}
            )
        return {"order": sorted(positions, key=lambda cid: positions[cid])}
    if kind == QuestionKind.SHORT_ANSWER:
        text = " ".join((data.get("text") or "").split())
        if not text:
            raise Refused(_("Write your answer first."))
        if not text_storable(text):
            raise Refused(_("Your answer contains characters that cannot be saved."))
        if len(text) > SHORT_ANSWER_MAX_LENGTH:
            raise Refused(
                _("Your answer is too long: at most %(n)s characters.")
                % {"n": SHORT_ANSWER_MAX_LENGTH}
            )
        return {"text": text}
    if kind == QuestionKind.MATCHING:
        options = {o["key"]: o["text"] for o in snapshot.get("options") or []}
        pairs = {}
        for item in snapshot["choices"]:
            value = data.get(f"match-{item['key']}") or ""
            if not value:
                continue
            if value not in options:
                raise Refused(_("Choose an answer from the list for each item."))
            pairs[str(item["id"])] = options[value]
        if not pairs:
            raise Refused(_("Choose an answer from the list for each item."))
        return {"pairs": pairs}
    if kind == QuestionKind.ESSAY:
        text = (data.get("text") or "").strip()
        if not text:
            raise Refused(_("Write your answer first."))
        if not text_storable(text):
            raise Refused(_("Your answer contains characters that cannot be saved."))
        if len(text) > ESSAY_MAX_LENGTH:
            raise Refused(
                _("Your answer is too long: at most %(n)s characters.")
                % {"n": ESSAY_MAX_LENGTH}
            )
        return {"text": text}
    raise Refused(_("This question cannot be answered."))


def _int(value) -> int | None:
    """A posted position: ASCII digits only (`lms.http.whole_number`)."""
    return whole_number(value, limit=SMALL_MAX)


def attempt_answer(*, user, attempt_id: int, order: int, data) -> AttemptQuestion:
    """Save the answer to question number `order` of the trainee's attempt.
    Saving again replaces the answer. Refused, changing nothing, for an
    attempt that is not the trainee's, already submitted, past its deadline
    (server time), by a trainee no longer enrolled in its course, a question
    not in the attempt, or an invalid answer. See `attempt_item_answer`."""
    item = (
        AttemptQuestion.objects.select_related("attempt__quiz")
        .filter(attempt_id=attempt_id, attempt__user=user, order=order)
        .order_by()
        .first()
    )
    if item is None:
        _open_attempt_for(user, attempt_id)  # refuses a missing or closed attempt
        raise Refused(_("This question is not part of your attempt."))
    return attempt_item_answer(user=user, item=item, data=data)


def attempt_item_answer(*, user, item: AttemptQuestion, data) -> AttemptQuestion:
    """`attempt_answer` for a question the caller has read with its attempt
    and the attempt's quiz (the attempt pages have them), so nothing is read
    twice: one UPDATE, which saves only while the attempt is open and in
    time and the trainee enrolled, so a submission, the deadline or a
    withdrawal that lands after the caller's read wins (nothing is saved and
    the reason is given). The same answer sent again (a phone retrying)
    writes nothing, after one read of the enrolment: `answered_at` stays the
    time it was first saved."""
    attempt = item.attempt
    if attempt.user_id != user.pk:
        raise Refused(_("This attempt does not exist or is not yours."))
    _attempt_open_check(attempt)
    response = response_parse(item.snapshot, data)
    enrolled = Enrollment.objects.filter(
        user=user, course=quiz_course(attempt.quiz)
    ).exclude(status=Enrollment.Status.WITHDRAWN)
    if item.response == response:
        # The same answer again: it is saved already, so nothing is written
        # and there is no commit to wait for.
        if not enrolled.exists():
            raise Refused(_("You left this course: answers can no longer change."))
        return item
    now = timezone.now()
    # The attempt row is locked by the UPDATE's own subquery: a submission
    # holding it makes the answer wait, then the attempt is read again as
    # committed (PostgreSQL re-reads a row it waited for; a plain subquery
    # would see the attempt as it was when the UPDATE began, still open, and
    # store the answer next to points graded from the one before).
    still_open = Attempt.objects.filter(
        Q(deadline_at__isnull=True) | Q(deadline_at__gt=now),
        pk=OuterRef("attempt_id"),
        status=Attempt.Status.IN_PROGRESS,
    ).select_for_update(no_key=True)
    with transaction.atomic(savepoint=False):  # a row lock needs a transaction
        updated = AttemptQuestion.objects.filter(
            Exists(still_open), Exists(enrolled), pk=item.pk
        ).update(response=response, answered_at=now)
    if not updated:  # submitted, timed out or withdrawn since it was read
        _open_attempt_for(user, attempt.pk)
        raise Refused(
            _("This attempt has been submitted; answers can no longer change.")
        )
    item.response, item.answered_at = response, now
    return item


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
            return attempt
        attempt.user = user
        items = list(AttemptQuestion.objects.filter(attempt=attempt))
        now = timezone.now()
        for item in items:
            item.points, item.is_correct = grade(item.snapshot, item.response)
            if item.snapshot.get("kind") == QuestionKind.ESSAY and essay_is_blank(
                response=item.response
            ):
                # Nothing to read: scored 0 now, not queued for a trainer
                # (issue 11 §9). marked_by stays empty: nobody marked it.
                item.points, item.is_correct, item.marked_at = Decimal(0), False, now
        AttemptQuestion.objects.bulk_update(
            items, ["points", "is_correct", "marked_at"]
        )
        # Past its deadline the attempt ended at the deadline, whenever the
        # trainee or the sweep gets round to closing it.
        attempt.submitted_at = (
            attempt.deadline_at
            if attempt.deadline_at is not None and attempt.deadline_at < now
            else now
        )
        _attempt_total(attempt, items)
        attempt.save(update_fields=["submitted_at", "status", "score", "passed"])
        _completion(attempt)
    return attempt


def _attempt_total(attempt: Attempt, items: list[AttemptQuestion]) -> None:
    """Score, status and pass/fail from the items (essays may be pending)."""
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


def _completion(attempt: Attempt) -> None:
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


# -- marking ---------------------------------------------------------------


def essay_mark(*, marker, item_id: int, points, feedback: str) -> AttemptQuestion:
    """Mark an essay answer. `points` from 0 to the question's points: a
    Decimal (as the marking form reads it), or text read by the number rule
    (the reading nearest half the maximum).
    When the attempt's last essay is marked, the attempt is graded (and may
    complete the course). Re-marking replaces the earlier mark."""
    with transaction.atomic():
        item = (
            AttemptQuestion.objects.select_for_update(of=("self",))
            .select_related("attempt__quiz", "attempt__user")
            .filter(pk=item_id, snapshot__kind=QuestionKind.ESSAY)
            .first()
        )
        if item is None:
            raise Refused(_("This answer does not exist."))
        attempt = item.attempt
        if attempt.user_id == marker.pk:
            raise Refused(_("Nobody may mark their own answers."))
        if not answers_markable_by(user=marker).filter(pk=item.pk).exists():
            raise Refused(_("Only trainers of this course may mark its answers."))
        if attempt.status == Attempt.Status.IN_PROGRESS:
            raise Refused(_("The trainee has not submitted this attempt yet."))
        if isinstance(points, Decimal):  # read by the marking form (MarkForm)
            value = points
        else:
            reading = number_read(str(points))
            value = reading.closest_to(item.max_points / 2) if reading else None
        if value is None or not 0 <= value <= item.max_points:
            raise Refused(
                _("Give between 0 and %(max)s points.")
                % {"max": item.max_points.normalize()}
            )
        if value != value.quantize(Decimal("0.01")):  # the column keeps 2 places
            raise Refused(_("Give points with at most two decimal places."))
        item.points = value
        # Right means full marks, as for every other kind (grading.py).
        item.is_correct = value >= item.max_points
        if not text_storable(feedback):
            raise Refused(_("The feedback contains characters that cannot be saved."))
        item.feedback = feedback.strip()[:ESSAY_MAX_LENGTH]
        item.marked_by = marker
        item.marked_at = timezone.now()
        item.save(
            update_fields=["points", "is_correct", "feedback", "marked_by", "marked_at"]
        )
        attempt = (
            Attempt.objects.select_for_update(of=("self",))
            .select_related("quiz")
            .get(pk=attempt.pk)
        )
        _attempt_total(attempt, list(AttemptQuestion.objects.filter(attempt=attempt)))
        attempt.save(update_fields=["status", "score", "passed"])
        _completion(attempt)
    return item


# -- regrading -------------------------------------------------------------


def regrade_request(*, question: Question, user) -> RegradeJob:
    """Record a regrade and send it to a worker after commit."""
    from .tasks import question_regrade_task

    task_id = uuid.uuid4().hex
    with transaction.atomic():
        job = RegradeJob.objects.create(
            question=question, requested_by=user, task_id=task_id
        )
        task_enqueue_on_commit(question_regrade_task, args=(job.pk,), task_id=task_id)
    return job


def _snapshot_corrected(snapshot: dict, question: Question) -> dict:
    """`snapshot` with `question`'s current answer key and points; the text,
    choices, their order and form keys stay as the trainee saw them."""
    snapshot = dict(snapshot)
    rows = _answer_rows(question)
    snapshot.update(_snapshot_key(question, rows))
    if question.kind == QuestionKind.ORDERING:
        snapshot["correct_order"] = [c.pk for c in rows]
    elif question.kind == QuestionKind.MATCHING:
        match = {c.pk: c.match_text for c in rows}
        snapshot["choices"] = [
            {**c, "match": match.get(c["id"], c["match"])} for c in snapshot["choices"]
        ]
    elif snapshot.get("choices"):
        key = {c.pk: c.fraction for c in rows}
        snapshot["choices"] = [
            {
                **c,
                "fraction": str(key[c["id"]]) if c["id"] in key else c.get("fraction"),
                "correct": key[c["id"]] > 0 if c["id"] in key else c["correct"],
            }
            for c in snapshot["choices"]
        ]
    return snapshot


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
            snapshot = _snapshot_corrected(item.snapshot, question)
            if attempt.status == Attempt.Status.IN_PROGRESS:
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
            if question.kind == QuestionKind.ESSAY:
                points, is_correct = item.points, item.is_correct
            before = (attempt.score, attempt.passed)
            AttemptQuestion.objects.filter(pk=item.pk).update(
                snapshot=snapshot,
                points=points,
                is_correct=is_correct,
                max_points=question.points,
            )
            siblings = list(AttemptQuestion.objects.filter(attempt=attempt))
            attempt.max_score = sum((s.max_points for s in siblings), Decimal(0))
            _attempt_total(attempt, siblings)
            attempt.save(update_fields=["max_score", "status", "score", "passed"])
            RegradeJobItem.objects.create(
                job=job,
                item_id=item_id,
                outcome=(
                    Outcome.CHANGED
                    if (attempt.score, attempt.passed) != before
                    else Outcome.UNCHANGED
                ),
            )
            _completion(attempt)
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
