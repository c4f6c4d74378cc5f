"""Offline work: the attempt package a phone takes away, and applying what
it sends back, exactly once, under the conflict rules of
docs/decisions/0027-offline.md.

A sync item is JSON the phone made (static/js/sw.js):

    {"id": "<uuid4>", "type": "lesson_done", "lesson": <page id>,
     "at": "<ISO 8601>"}
    {"id": "<uuid4>", "type": "attempt_submit", "attempt": <attempt id>,
     "fields": [["q1-choice", "k3"], ["q2-text", "..."], ...],
     "submitted_at": "<ISO 8601, phone clock>", "elapsed_seconds": <int>}

Each is stored as a `SyncItem` under (trainee, id) before anything is
applied: the unique row makes a replay, or a twin sync from another tab
running at the same moment, return the first one's outcome and apply
nothing. Everything a phone sends is kept, whatever its outcome."""

from __future__ import annotations

import json
import math
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from courses.access import step_access
from courses.models import LessonPage
from courses.progress import progress_changed
from courses.services import enrollment_touch, lesson_complete
from lms.common import ratelimit

from ..errors import Refused
from ..grading import grade
from ..kinds import kind_for
from ..models import Attempt, AttemptQuestion, QuizPage, SyncItem
from ..models.offline import ELAPSED_SECONDS_MAX
from ..selectors import accommodation_for, time_limit_for
from ..services.attempts import (
    attempt_completion,
    attempt_items_grade,
    attempt_make,
    attempt_submit,
    attempt_time_proven,
    attempt_total,
    quiz_closed,
    quiz_course,
)
from ..text import text_printable

# What one sync may carry: items per request, form fields per attempt, the
# length of a field's name and of its value (an essay), in characters.
ITEMS_MAX = 50
FIELDS_MAX = 1000
NAME_MAX = 100
VALUE_MAX = 20_000
# How deep a sync body may nest: what the phone sends is 5 levels deep
# ({"items": [{"fields": [["q1-choice", "k3"]]}]}).
DEPTH_MAX = 16

Outcome = SyncItem.Outcome
Reason = SyncItem.Reason


class SyncInvalid(Refused):
    """A sync body or item that is not what static/js/sw.js sends."""


# -- packages ------------------------------------------------------------------


def package_make(*, user, quiz: QuizPage) -> Attempt:
    """The attempt a phone takes away for `quiz`: a new `downloaded` one, or
    the trainee's open one. It uses up no attempt until its answers arrive.
    Raises Refused like `attempt_start` (unpublished, closed, not enrolled,
    every attempt used, no questions)."""
    return attempt_make(user=user, quiz=quiz, offline=True)


def package_release(*, user, attempt_id: int) -> bool:
    """Give back the package `attempt_id` of `user`: the trainee removed
    the saved module from the phone, or its save failed half-way. Only an
    attempt still `downloaded`, holding no answer, is deleted (it used up
    nothing and holds no work); anything else is left alone. A package of a
    timed quiz is never deleted: its start is the attempt's clock, and a new
    package would restart it (its answers still count or wait for review
    when they arrive). Returns whether one was deleted."""
    with transaction.atomic():
        attempt = (
            Attempt.objects.select_for_update(of=("self",))
            .select_related("quiz")
            .filter(pk=attempt_id, user=user, status=Attempt.Status.DOWNLOADED)
            .first()
        )
        if (
            attempt is None
            or attempt.quiz.time_limit_minutes
            or attempt.items.exclude(response=None).exists()
        ):
            return False
        attempt.delete()
    progress_changed(user.pk)
    return True


class PrefixedFields:
    """The posted fields of one question of a whole-quiz form: the names
    `q<order>-<name>` read as `<name>`, so each kind reads its answer
    (kinds/<kind>.py `response_parse`) as from its own one-question form.
    Takes a list of (name, value) pairs; answers `get`, `getlist`, `in`,
    `keys` and `items` like a QueryDict."""

    def __init__(self, pairs: list[tuple[str, str]], prefix: str):
        self._values: dict[str, list[str]] = {}
        for name, value in pairs:
            if name.startswith(prefix):
                self._values.setdefault(name[len(prefix) :], []).append(value)

    def get(self, name, default=None):
        values = self._values.get(name)
        return values[-1] if values else default

    def getlist(self, name, default=None):
        return list(self._values.get(name, default or []))

    def __contains__(self, name) -> bool:
        return name in self._values

    def __getitem__(self, name):
        return self._values[name][-1]

    def keys(self):
        return self._values.keys()

    def __iter__(self):
        return iter(self._values)

    def items(self):
        return ((name, values[-1]) for name, values in self._values.items())

    def lists(self):
        return self._values.items()


def answers_read(
    items: list[AttemptQuestion], pairs: list[tuple[str, str]]
) -> tuple[dict[int, dict], int]:
    """Read the whole-quiz form `pairs` into a response per question order
    (only the questions given an answer) and how many answers could not be
    read (a number that is not one, a choice that is not offered): those
    count as not answered, and the pairs stay in the sync item."""
    responses: dict[int, dict] = {}
    unreadable = 0
    for item in items:
        kind = kind_for(item.snapshot.get("kind"))
        if not kind.asks:
            continue
        data = PrefixedFields(pairs, f"q{item.order}-")
        if not data.keys():
            continue
        try:
            if kind.response_blank(item.snapshot, data):
                continue
            responses[item.order] = kind.response_parse(item.snapshot, data)
        except Refused:
            unreadable += 1
    return responses, unreadable


# -- reading a sync ------------------------------------------------------------


@dataclass(frozen=True)
class ItemResult:
    """What the phone is told about one item: its id, outcome (a
    `SyncItem.Outcome`, or "invalid" for an item that could not be stored),
    a message for the trainee and the page to see the result on."""

    id: str
    outcome: str
    message: str
    url: str | None = None

    def as_json(self) -> dict:
        return {
            "id": self.id,
            "outcome": self.outcome,
            "message": self.message,
            "url": self.url,
        }


def _storable(value):
    """`value` (parsed JSON, at most DEPTH_MAX deep) with every text made
    storable: NUL characters and lone surrogates (JSON "\\ud800"), which
    PostgreSQL refuses in text and jsonb, become U+FFFD."""
    if isinstance(value, str):
        return text_printable(value)
    if isinstance(value, list):
        return [_storable(v) for v in value]
    if isinstance(value, dict):
        return {_storable(k): _storable(v) for k, v in value.items()}
    return value


def _plain_json(data) -> bool:
    """Whether parsed JSON `data` nests at most DEPTH_MAX deep and holds
    only finite numbers: Python's parser also reads NaN and Infinity, which
    are not JSON and which no database JSON column takes. Walks without
    recursion, so no nesting can exhaust the stack."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, float) and not math.isfinite(value):
            return False
        if isinstance(value, dict | list):
            if depth > DEPTH_MAX:
                return False
            children = value.values() if isinstance(value, dict) else value
            stack.extend((child, depth + 1) for child in children)
    return True


def _id_read(raw) -> uuid.UUID | None:
    value = raw.get("id") if isinstance(raw, dict) else None
    if not isinstance(value, str) or len(value) > 36:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def _whole(value, *, limit: int) -> int | None:
    """A whole number 0..limit from JSON (not a bool, a float or a string)."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 0 <= value <= limit else None


def _time_read(value) -> datetime | None:
    """An ISO 8601 time from the phone (naive: UTC), in UTC; None for
    anything else, also for a time whose UTC falls outside years 1-9999
    (Python, and so the database adapters, cannot hold it)."""
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        parsed = parse_datetime(value)
    except ValueError:
        return None
    if parsed is None:
        return None
    if timezone.is_naive(parsed):
        return parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except OverflowError:
        return None


def _fields_read(value) -> list[tuple[str, str]] | None:
    if not isinstance(value, list) or len(value) > FIELDS_MAX:
        return None
    pairs = []
    for pair in value:
        if (
            not isinstance(pair, list)
            or len(pair) != 2
            or not all(isinstance(part, str) for part in pair)
            or len(pair[0]) > NAME_MAX
            or len(pair[1]) > VALUE_MAX
        ):
            return None
        pairs.append((pair[0], pair[1]))
    return pairs


def sync_items_read(data) -> list:
    """The items of a parsed sync body `{"items": [...]}`. Raises
    SyncInvalid for anything else (also a body nested deeper than
    DEPTH_MAX or holding NaN or Infinity), or more than ITEMS_MAX items."""
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("items"), list)
        or not _plain_json(data)
    ):
        raise SyncInvalid(_("This is not a sync from Sinau."))
    if len(data["items"]) > ITEMS_MAX:
        raise SyncInvalid(
            _("Send at most %(count)s items at a time.") % {"count": ITEMS_MAX}
        )
    return data["items"]


# -- applying ------------------------------------------------------------------


def sync_apply(*, request: HttpRequest, items: list) -> list[ItemResult]:
    """Apply each item for the signed-in trainee, in order, each in its own
    transaction; returns one ItemResult per item. An item whose id was seen
    before returns the stored outcome and changes nothing."""
    return [sync_item_apply(request=request, raw=raw) for raw in items]


def sync_item_apply(*, request: HttpRequest, raw) -> ItemResult:
    """Apply one raw item (see the module docstring). Never raises for bad
    input: an item without a usable id is answered "invalid" and not
    stored; one with an id but unusable content is stored as refused. The
    answer carries the id as the phone wrote it (uuid.UUID also reads
    upper case or without dashes), so the phone can match it."""
    user = request.user
    client_id = _id_read(raw)
    if client_id is None:
        return ItemResult(
            id=str(raw.get("id"))[:36] if isinstance(raw, dict) else "",
            outcome="invalid",
            message=_("This piece of offline work has no valid id."),
        )
    sent = raw["id"]
    payload = _storable(raw)
    client_id, stored = _own_id(user=user, client_id=client_id, payload=payload)
    if client_id is None:
        return ItemResult(
            id=str(sent)[:36],
            outcome="invalid",
            message=_("This piece of offline work has no valid id."),
        )
    if stored is not None:
        return replace(item_result(stored), id=sent)
    kind = raw.get("type")
    try:
        with transaction.atomic():
            # Stored first: a twin of this item (another tab, a retried
            # request) waits here for this transaction and then fails the
            # unique constraint, so only one of them applies anything.
            row = SyncItem.objects.create(
                user=user,
                client_id=client_id,
                kind=kind if kind in SyncItem.Kind.values else "",
                payload=payload,
                outcome=Outcome.REFUSED,
                reason=Reason.INVALID,
            )
            if kind == SyncItem.Kind.LESSON_DONE:
                _lesson_done_apply(request, row, raw)
            elif kind == SyncItem.Kind.ATTEMPT_SUBMIT:
                _attempt_submit_apply(request, row, raw)
            if row.outcome == Outcome.REFUSED and not _refusal_may_be_kept(user):
                raise _NotKept(row)
            row.save()
    except _NotKept as dropped:
        # Nothing was applied; the trainee is told why all the same.
        return replace(item_result(dropped.row), id=sent)
    except IntegrityError:
        stored = SyncItem.objects.filter(user=user, client_id=client_id).first()
        if stored is None:
            raise
        if _substance(stored.payload) != _substance(payload):
            # Other work took this id a moment ago: the next id then (each
            # retry finds one more id taken, so at most OWN_ID_TRIES).
            return sync_item_apply(request=request, raw=raw)
        return replace(item_result(stored), id=sent)
    return replace(item_result(row), id=sent)


class _NotKept(Exception):
    """A refused item over the trainee's daily allowance: roll it back."""

    def __init__(self, row: SyncItem) -> None:
        super().__init__(row.client_id)
        self.row = row


def _refusal_may_be_kept(user) -> bool:
    """May one more refused item of `user` be stored today? At most
    SINAU_OFFLINE_REFUSALS_PER_DAY in any 24 hours (`lms.common.ratelimit`),
    so a phone (or a script) sending junk cannot grow the table without
    bound; refusals past that are answered, not stored (nothing was
    applied, so a replay is refused again and changes nothing)."""
    rate = ratelimit.Rate(settings.SINAU_OFFLINE_REFUSALS_PER_DAY, 86400)
    return ratelimit.hit(f"offline:refused:{user.pk}", rate) is not None


# How many ids one piece of work may be tried under (see `_own_id`).
OWN_ID_TRIES = 8


def _own_id(*, user, client_id: uuid.UUID, payload) -> tuple:
    """(the id this piece of work is kept under, its stored row or None).

    The phone's id, unless another piece of work is stored under it (two
    tabs of one package share the draft's id, each with its own answers:
    not a replay). Then an id made from the phone's id and the work
    (`uuid5`, with a try number after the first), so the work's own replays
    find it again, and an item sent earlier under an id that could be made
    this way (by a phone that made it up) is passed over rather than taken
    for this work. (None, None) when `OWN_ID_TRIES` ids are all taken by
    other work. One query per id tried."""
    substance = _substance(payload)
    candidates = [client_id, uuid.uuid5(client_id, substance)]
    candidates += [
        uuid.uuid5(client_id, f"{substance}#{n}") for n in range(1, OWN_ID_TRIES - 1)
    ]
    for candidate in candidates:
        stored = SyncItem.objects.filter(user=user, client_id=candidate).first()
        if stored is None or _substance(stored.payload) == substance:
            return candidate, stored
    return None, None


def _substance(payload) -> str:
    """What makes two items under one id the same piece of work: the type,
    the lesson or attempt and the answers given (in order), not the
    times."""
    if not isinstance(payload, dict):
        return json.dumps(payload, default=str)
    return json.dumps(
        [payload.get(key) for key in ("type", "lesson", "attempt", "fields")],
        default=str,
    )


def _refuse(row: SyncItem, reason: str) -> None:
    row.outcome, row.reason = Outcome.REFUSED, reason


def _access_reason(access) -> str:
    return {
        "withdrawn": Reason.WITHDRAWN,
        "not_enrolled": Reason.NOT_ENROLLED,
    }.get(access.reason, Reason.UNAVAILABLE)


def _lesson_done_apply(request: HttpRequest, row: SyncItem, raw: dict) -> None:
    lesson_id = _whole(raw.get("lesson"), limit=2**31 - 1)
    row.client_at = _time_read(raw.get("at"))
    lesson = (
        LessonPage.objects.defer("body").filter(pk=lesson_id).first()
        if lesson_id
        else None
    )
    if lesson is None:
        return _refuse(row, Reason.NOT_FOUND if lesson_id else Reason.INVALID)
    row.lesson_id = lesson.pk
    access = step_access(request=request, page=lesson, action=True)
    if not access.allowed:
        return _refuse(row, _access_reason(access))
    try:
        lesson_complete(user=request.user, lesson=lesson)
    except PermissionDenied:
        return _refuse(row, Reason.WITHDRAWN)
    row.outcome, row.reason = Outcome.COUNTED, Reason.NONE
    return None


def _attempt_submit_apply(request: HttpRequest, row: SyncItem, raw: dict) -> None:
    user = request.user
    attempt_id = _whole(raw.get("attempt"), limit=2**31 - 1)
    pairs = _fields_read(raw.get("fields"))
    row.client_at = _time_read(raw.get("submitted_at"))
    row.elapsed_seconds = _whole(raw.get("elapsed_seconds"), limit=ELAPSED_SECONDS_MAX)
    attempt = (
        Attempt.objects.select_for_update(of=("self",))
        .select_related("quiz")
        .filter(pk=attempt_id, user=user)
        .first()
        if attempt_id
        else None
    )
    if attempt is None:
        return _refuse(row, Reason.NOT_FOUND if attempt_id else Reason.INVALID)
    attempt.user = user  # the rules read it; no second query
    row.attempt = attempt
    if pairs is None:
        return _refuse(row, Reason.INVALID)
    quiz = attempt.quiz
    access = step_access(request=request, page=quiz, action=True)
    if not access.allowed:
        return _refuse(row, _access_reason(access))
    items = list(AttemptQuestion.objects.filter(attempt=attempt).order_by("order"))
    responses, _unreadable = answers_read(items, pairs)
    row.max_score = attempt.max_score
    now = timezone.now()
    if attempt.status not in Attempt.OPEN:
        # The first submission counts (docs/decisions/0027-offline.md): this
        # one is kept, graded for the trainee to see, and not counted.
        row.score = _score_of(items, responses)
        row.outcome, row.reason = Outcome.NOT_COUNTED, Reason.ALREADY_SUBMITTED
        return None
    if (
        attempt.downloaded_at is None
        and attempt.deadline_at is not None
        and now > attempt.deadline_at
    ):
        # Never saved for offline, and its time is up: as online, answers
        # arriving now change nothing, and the attempt is graded with what
        # was saved in time. The phone's are kept and shown.
        row.score = _score_of(items, responses)
        row.outcome, row.reason = Outcome.NOT_COUNTED, Reason.LATE
        attempt_submit(user=user, attempt_id=attempt.pk)
        return None
    outcome, reason = _attempt_rule(attempt, quiz, row, now=now)
    replaced = {}
    for item in items:
        if item.order in responses:
            if item.response is not None and item.response != responses[item.order]:
                replaced[str(item.order)] = item.response
            item.response, item.answered_at = responses[item.order], now
    if replaced:
        # Answers saved online in this attempt before the phone's arrived:
        # kept beside what the phone sent.
        row.payload = {**row.payload, "replaced": replaced}
    attempt_items_grade(items, now=now, also=("response", "answered_at"))
    attempt.submitted_at = now
    attempt.flag = _FLAGS.get(reason, "")
    if outcome == Outcome.REVIEW:
        attempt.status = Attempt.Status.REVIEW
    elif outcome == Outcome.NOT_COUNTED:
        attempt.status = Attempt.Status.NOT_COUNTED
    else:
        attempt.status = Attempt.Status.GRADED  # attempt_total decides
    attempt.score = attempt.passed = None
    attempt.user = user
    attempt_total(attempt, items)
    attempt.save(update_fields=["submitted_at", "status", "score", "passed", "flag"])
    if outcome == Outcome.COUNTED:
        attempt_completion(attempt)
    else:
        enrollment_touch(user=user, course=quiz_course(quiz))
    row.score = _points_total(items)
    row.outcome, row.reason = outcome, reason
    return None


_FLAGS = {
    Reason.AFTER_CLOSE: Attempt.Flag.AFTER_CLOSE,
    Reason.QUIZ_CLOSED: Attempt.Flag.CLOSED,
    Reason.TIME_UNPROVEN: Attempt.Flag.TIME_UNPROVEN,
}


def _attempt_rule(attempt: Attempt, quiz: QuizPage, row: SyncItem, *, now):
    """(outcome, reason) for answers to the open `attempt` arriving `now`
    (docs/decisions/0027-offline.md). The attempt's clock is its start, the
    first moment its questions could be seen, online or in a package:
    saving it for offline later never restarts it.

    - The quiz closed before they arrived: counted (and flagged for staff)
      only when the answering provably happened before the close: the
      attempt was saved for offline, began before the close, and the
      phone's submit time lies between its start and the close; otherwise
      kept, not counted. An attempt never saved for offline has no phone
      time to trust.
    - A time limit: counted when `attempt_time_proven` (server times only);
      otherwise held for a trainer's review."""
    began = attempt.started_at
    closed_reason = Reason.NONE
    if quiz_closed(quiz, at=now):
        submitted = row.client_at
        provable = (
            attempt.downloaded_at is not None
            and began < quiz.closes_at
            and submitted is not None
            and began <= submitted <= quiz.closes_at
        )
        if not provable:
            return Outcome.NOT_COUNTED, Reason.QUIZ_CLOSED
        closed_reason = Reason.AFTER_CLOSE
    minutes = time_limit_for(
        quiz=quiz, accommodation=accommodation_for(user=attempt.user, quiz=quiz)
    )
    if not attempt_time_proven(attempt, minutes=minutes, now=now):
        return Outcome.REVIEW, Reason.TIME_UNPROVEN
    return Outcome.COUNTED, closed_reason


def _points_total(items: list[AttemptQuestion]) -> Decimal | None:
    """The items' points added up (None while one waits for marking)."""
    if any(item.points is None for item in items):
        return None
    return sum((item.points for item in items), Decimal(0))


def _score_of(items: list[AttemptQuestion], responses: dict[int, dict]):
    """What `responses` would score against the items' snapshots, without
    saving anything (None if a hand-marked answer would need a trainer)."""
    total = Decimal(0)
    for item in items:
        points, _correct = grade(item.snapshot, responses.get(item.order))
        kind = kind_for(item.snapshot.get("kind"))
        if points is None:
            if kind.marked_by_hand and kind.answer_blank(responses.get(item.order)):
                continue
            return None
        total += points
    return total


# -- telling the trainee -------------------------------------------------------


def item_result(row: SyncItem) -> ItemResult:
    """The phone's answer for a stored item, in the request's language."""
    return ItemResult(
        id=str(row.client_id),
        outcome=row.outcome,
        message=sync_item_message(row),
        url=sync_item_url(row),
    )


def sync_item_url(row: SyncItem) -> str | None:
    if row.attempt_id and row.outcome != Outcome.REFUSED:
        return reverse("assessments:result", args=[row.attempt_id])
    if row.lesson_id and row.outcome == Outcome.COUNTED and row.lesson is not None:
        return row.lesson.url
    return None


def _score_text(row: SyncItem) -> str:
    if row.score is None or not row.max_score:
        return _("waiting for a trainer to mark it")
    return _("%(score)s of %(max)s points") % {
        "score": number_format(row.score.normalize()),
        "max": number_format(row.max_score.normalize()),
    }


def sync_item_message(row: SyncItem) -> str:
    """What happened to this piece of offline work, for the trainee, in
    the request's language."""
    what = _subject(row)
    reason = row.reason
    if row.outcome == Outcome.COUNTED:
        if row.kind == SyncItem.Kind.LESSON_DONE:
            return _("%(what)s is marked as done.") % {"what": what}
        text = _("Your answers to %(what)s were received: %(score)s.") % {
            "what": what,
            "score": _score_text(row),
        }
        if reason == Reason.TIME_UNPROVEN:
            # Held for review, then accepted (offline/review.py).
            text += " " + _("Your trainer checked them and accepted them.")
        if reason == Reason.AFTER_CLOSE:
            text += " " + _(
                "They arrived after the quiz closed but were answered before it, "
                "so they count; your trainer can see this."
            )
        return text
    if row.outcome == Outcome.REVIEW:
        return _(
            "Your answers to %(what)s were received (%(score)s) and wait for your "
            "trainer: the time limit cannot be checked for answers sent this late."
        ) % {"what": what, "score": _score_text(row)}
    if row.outcome == Outcome.NOT_COUNTED:
        if reason == Reason.ALREADY_SUBMITTED:
            return _(
                "Your answers to %(what)s were not counted: this attempt was "
                "already submitted elsewhere first. They are kept (%(score)s) and "
                "your trainer can see them."
            ) % {"what": what, "score": _score_text(row)}
        if reason == Reason.TIME_UNPROVEN:
            # Held for review, then refused (offline/review.py).
            return _(
                "Your answers to %(what)s were not counted: your trainer checked "
                "them and did not accept them, as they were sent too long after "
                "the quiz was saved for the time limit. They are kept (%(score)s)."
            ) % {"what": what, "score": _score_text(row)}
        if reason == Reason.LATE:
            return _(
                "Your answers to %(what)s were not counted: they arrived after "
                "the attempt's time ran out. The answers saved in time were "
                "graded; these are kept and your trainer can see them."
            ) % {"what": what}
        return _(
            "Your answers to %(what)s were not counted: the quiz closed before "
            "they could be shown to have been answered. They are kept and your "
            "trainer can see them."
        ) % {"what": what}
    messages = {
        Reason.WITHDRAWN: _(
            "%(what)s was not applied: you are no longer enrolled in its course."
        ),
        Reason.NOT_ENROLLED: _(
            "%(what)s was not applied: you are not enrolled in its course."
        ),
        Reason.UNAVAILABLE: _(
            "%(what)s was not applied: the course or page is no longer available."
        ),
        Reason.NOT_FOUND: _("%(what)s was not applied: it no longer exists."),
    }
    return messages.get(
        reason, _("%(what)s was not applied: it could not be read.")
    ) % {"what": what}


def _subject(row: SyncItem) -> str:
    if row.kind == SyncItem.Kind.LESSON_DONE:
        if row.lesson is not None:
            return f"“{row.lesson.title}”"
        return _("A lesson")
    if row.attempt is not None:
        return f"“{row.attempt.quiz.title}”"
    return _("Offline work")
