"""Offline sync under real concurrency, on PostgreSQL (row locks, several
connections writing at once): a sync replayed 100 times by four tabs at
once, two tabs sending the same items, two ids submitting one attempt, and
the online "Kumpulkan" racing a phone's sync. Each must leave exactly one
completion per lesson, one counted submission and one graded attempt per
attempt (the other submission kept, not counted), and answer every request
without a 500 or an IntegrityError escaping.

Each thread is a tab: its own test Client (signed in as the trainee) and so
its own database connection. The "held" tests pin one interleaving: the
first tab's request runs inside a transaction kept open after its answer,
the second tab is sent and the test waits until PostgreSQL reports it
waiting on a lock (pg_stat_activity), then lets the first commit. The
"at once" tests release the tabs together from a barrier, many rounds.

Skipped on SQLite, except in CI (CI=true) when no PostgreSQL server
answers: then they fail (tests/support/services.py `postgres_required`)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable

import pytest
from django.db import connection, connections, transaction
from django.test import Client
from django.urls import reverse

from assessments.models import Attempt, SyncItem
from assessments.offline.services import package_make
from assessments.services import attempt_start
from courses.models import Enrollment, LessonCompletion
from courses.services import enrollment_create
from courses.signals import course_completed
from tests.factories import trainee
from tests.factories.assessments import question, quiz_in
from tests.factories.courses import course_tree, lessons_of
from tests.support.offline import lesson_item, submit_item
from tests.support.services import postgres_required

pytestmark = pytest.mark.django_db(transaction=True)

SYNC = "assessments:offline_sync"
KINDS = ["single", "multiple", "true_false", "numeric", "ordering", "short_answer"]


@pytest.fixture(autouse=True)
def _on_postgres():
    postgres_required()


@pytest.fixture
def world():
    """A course of one module with 3 lessons and a required quiz of six
    auto-graded questions, any number of attempts; an enrolled trainee."""
    course = course_tree(modules=1, lessons=3)
    quiz = quiz_in(course, [question(kind) for kind in KINDS], max_attempts=None)
    user = trainee()
    enrollment_create(user=user, course=course)
    return course, quiz, user


def _tab(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _sync(client: Client, items: list) -> dict:
    """POST a sync from this thread; the JSON answer (asserting 200 JSON)."""
    response = client.post(
        reverse(SYNC), json.dumps({"items": items}), content_type="application/json"
    )
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/json"
    return response.json()


def _online_submit(client: Client, attempt: Attempt) -> int:
    response = client.post(reverse("assessments:submit", args=[attempt.pk]))
    assert response.status_code == 302, response.status_code
    return response.status_code


def _run(target: Callable, errors: list, results: list, *args) -> None:
    try:
        results.append(target(*args))
    except BaseException as exc:
        errors.append(exc)
    finally:
        connections.close_all()


def _at_once(*calls: Callable) -> tuple[list, list]:
    """Run each call in its own thread, released together; (results, errors)."""
    barrier = threading.Barrier(len(calls), timeout=20)
    results, errors = [], []

    def call(fn):
        barrier.wait()
        return fn()

    threads = [
        threading.Thread(target=_run, args=(call, errors, results, fn)) for fn in calls
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a tab never finished"
    return results, errors


def _waiting_on_a_lock(*, timeout: float = 15) -> None:
    """Return once another session of this test database waits on a lock
    (the second tab, blocked behind the first's open transaction)."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.01)  # polling PostgreSQL's own report, not a timed guess
    raise AssertionError("the second tab never waited on the first one's locks")


def _held(first: Callable, second: Callable) -> tuple[object, object]:
    """`first` runs inside a transaction kept open after it returns; then
    `second` runs until it waits on a lock `first` holds; then `first`
    commits. Returns both results; fails on any exception in either."""
    holding, release = threading.Event(), threading.Event()
    errors, first_out, second_out = [], [], []

    def hold():
        with transaction.atomic():
            out = first()
            holding.set()
            assert release.wait(timeout=30)
        return out

    def guarded_hold():
        try:
            first_out.append(hold())
        except BaseException as exc:
            errors.append(exc)
        finally:
            holding.set()
            connections.close_all()

    one = threading.Thread(target=guarded_hold)
    one.start()
    two = None
    try:
        assert holding.wait(timeout=30)
        assert not errors, errors
        two = threading.Thread(target=_run, args=(second, errors, second_out))
        two.start()
        _waiting_on_a_lock()
    finally:
        release.set()
        one.join(timeout=60)
        if two is not None:
            two.join(timeout=60)
    assert errors == [], errors
    return first_out[0], second_out[0]


def _outcomes(answer: dict) -> dict[str, str]:
    return {row["id"]: row["outcome"] for row in answer["items"]}


def _assert_once(user, lessons, attempt: Attempt) -> Attempt:
    """One completion per lesson, one graded attempt with one counted
    submission; returns the attempt as stored."""
    for lesson in lessons:
        assert LessonCompletion.objects.filter(user=user, lesson=lesson).count() == 1
    stored = Attempt.objects.get(pk=attempt.pk)
    assert stored.status == Attempt.Status.GRADED
    counted = SyncItem.objects.filter(attempt=attempt, outcome=SyncItem.Outcome.COUNTED)
    assert counted.count() <= 1
    return stored


def test_the_same_sync_replayed_100_times_by_four_tabs_at_once_applies_once(world):
    course, quiz, user = world
    lessons = lessons_of(course)
    attempt = package_make(user=user, quiz=quiz)
    items = [*(lesson_item(lesson) for lesson in lessons), submit_item(attempt)]
    completed = []
    course_completed.connect(
        lambda sender, enrollment, **kw: completed.append(enrollment.pk),
        weak=False,
        dispatch_uid="offline-replay-race",
    )
    tabs = [_tab(user) for _n in range(4)]
    try:
        results, errors = _at_once(
            *(lambda tab=tab: [_sync(tab, items) for _n in range(25)] for tab in tabs)
        )
    finally:
        course_completed.disconnect(dispatch_uid="offline-replay-race")
    assert errors == []
    answers = [answer for tab_answers in results for answer in tab_answers]
    assert len(answers) == 100
    expected = {item["id"]: "counted" for item in items}
    assert all(_outcomes(answer) == expected for answer in answers)
    stored = _assert_once(user, lessons, attempt)
    assert stored.score == stored.max_score
    assert stored.passed is True
    assert SyncItem.objects.filter(user=user).count() == len(items)
    assert Attempt.objects.filter(user=user, quiz=quiz).count() == 1
    enrollment = Enrollment.objects.get(user=user, course=course)
    assert enrollment.completed_at is not None
    assert completed == [enrollment.pk]


@pytest.mark.parametrize("kind", ["lesson_done", "attempt_submit"])
def test_two_tabs_sending_the_same_item_apply_it_once(world, kind):
    """The second tab reads no stored item, inserts its twin and waits on
    the unique index until the first commits: it answers the first one's
    outcome and applies nothing."""
    course, quiz, user = world
    lesson = lessons_of(course)[0]
    attempt = package_make(user=user, quiz=quiz)
    item = lesson_item(lesson) if kind == "lesson_done" else submit_item(attempt)
    one, two = _tab(user), _tab(user)
    first, second = _held(lambda: _sync(one, [item]), lambda: _sync(two, [item]))
    assert first["items"] == second["items"]
    assert _outcomes(first) == {item["id"]: "counted"}
    assert SyncItem.objects.filter(user=user).count() == 1
    if kind == "lesson_done":
        assert LessonCompletion.objects.filter(user=user, lesson=lesson).count() == 1
    else:
        stored = _assert_once(user, [], attempt)
        assert stored.score == stored.max_score


def test_two_tabs_sending_the_same_items_at_once_apply_them_once(world):
    """Twenty rounds of two tabs sending one body (3 lessons and an
    attempt, in opposite orders) released together."""
    course, quiz, user = world
    lessons = lessons_of(course)
    one, two = _tab(user), _tab(user)
    for _round in range(20):
        attempt = package_make(user=user, quiz=quiz)
        items = [*(lesson_item(lesson) for lesson in lessons), submit_item(attempt)]
        results, errors = _at_once(
            lambda items=items: _sync(one, items),
            lambda items=items: _sync(two, items[::-1]),
        )
        assert errors == []
        assert [_outcomes(answer) for answer in results] == [
            {item["id"]: "counted" for item in items}
        ] * 2
        _assert_once(user, lessons, attempt)
    assert SyncItem.objects.filter(user=user).count() == 20 * 4
    assert SyncItem.objects.filter(user=user, outcome="counted").count() == 20 * 4
    assert LessonCompletion.objects.filter(user=user).count() == len(lessons)
    assert Attempt.objects.filter(user=user, status=Attempt.Status.GRADED).count() == 20


def test_two_ids_submitting_one_attempt_count_the_first_and_keep_the_second(world):
    """Two tabs, each with its own client-made id for the same attempt: the
    second waits on the attempt's row lock; the first counts (right
    answers), the second is kept as not counted (its wrong answers graded
    for the trainee to see, 0), and the attempt is graded once."""
    _course, quiz, user = world
    attempt = package_make(user=user, quiz=quiz)
    right, wrong = submit_item(attempt, right=True), submit_item(attempt, right=False)
    one, two = _tab(user), _tab(user)
    first, second = _held(lambda: _sync(one, [right]), lambda: _sync(two, [wrong]))
    assert _outcomes(first) == {right["id"]: "counted"}
    assert _outcomes(second) == {wrong["id"]: "not_counted"}
    stored = _assert_once(user, [], attempt)
    assert stored.score == stored.max_score
    assert stored.passed is True
    kept = SyncItem.objects.get(client_id=wrong["id"])
    assert kept.reason == SyncItem.Reason.ALREADY_SUBMITTED
    assert kept.score == 0
    assert kept.payload["fields"] == wrong["fields"]


def test_two_ids_submitting_one_attempt_at_once_count_exactly_one(world):
    _course, quiz, user = world
    one, two = _tab(user), _tab(user)
    for _round in range(20):
        attempt = package_make(user=user, quiz=quiz)
        a, b = submit_item(attempt, right=True), submit_item(attempt, right=False)
        results, errors = _at_once(
            lambda a=a: _sync(one, [a]), lambda b=b: _sync(two, [b])
        )
        assert errors == []
        outcomes = sorted(o for answer in results for o in _outcomes(answer).values())
        assert outcomes == ["counted", "not_counted"]
        stored = _assert_once(user, [], attempt)
        winner = SyncItem.objects.get(attempt=attempt, outcome="counted")
        right_won = str(winner.client_id) == a["id"]
        assert stored.score == (stored.max_score if right_won else 0)
        kept = SyncItem.objects.get(attempt=attempt, outcome="not_counted")
        assert kept.reason == SyncItem.Reason.ALREADY_SUBMITTED
    assert Attempt.objects.filter(user=user, status=Attempt.Status.GRADED).count() == 20


def test_online_submit_first_keeps_the_racing_sync_not_counted(world):
    """The trainee resumed the package online (answers saved there, wrong)
    and presses "Kumpulkan" while the phone syncs right answers: the online
    submission holds the attempt's lock; the sync waits, then finds it
    submitted and keeps its answers as not counted."""
    _course, quiz, user = world
    package = package_make(user=user, quiz=quiz)
    online = attempt_start(user=user, quiz=quiz)
    assert online.pk == package.pk
    item = submit_item(package, right=True)
    page, phone = _tab(user), _tab(user)
    _held(lambda: _online_submit(page, online), lambda: _sync(phone, [item]))
    stored = _assert_once(user, [], package)
    assert stored.score == 0  # nothing was answered online
    kept = SyncItem.objects.get(client_id=item["id"])
    assert kept.outcome == SyncItem.Outcome.NOT_COUNTED
    assert kept.score == kept.max_score  # the phone's answers, graded and kept


def test_sync_first_makes_the_racing_online_submit_a_no_op(world):
    """The phone's sync holds the attempt's lock; the online "Kumpulkan"
    (which read the attempt as in progress) waits, then finds it graded
    and goes to the result without grading it again."""
    _course, quiz, user = world
    package = package_make(user=user, quiz=quiz)
    online = attempt_start(user=user, quiz=quiz)
    item = submit_item(package, right=True)
    page, phone = _tab(user), _tab(user)
    answer, _status = _held(
        lambda: _sync(phone, [item]), lambda: _online_submit(page, online)
    )
    assert _outcomes(answer) == {item["id"]: "counted"}
    stored = _assert_once(user, [], package)
    assert stored.score == stored.max_score
    assert SyncItem.objects.get().outcome == SyncItem.Outcome.COUNTED


def test_online_submit_and_sync_at_once_grade_the_attempt_once(world):
    _course, quiz, user = world
    page, phone = _tab(user), _tab(user)
    for _round in range(20):
        package = package_make(user=user, quiz=quiz)
        online = attempt_start(user=user, quiz=quiz)
        item = submit_item(package, right=True)
        _results, errors = _at_once(
            lambda online=online: _online_submit(page, online),
            lambda item=item: _sync(phone, [item]),
        )
        assert errors == []
        stored = _assert_once(user, [], package)
        row = SyncItem.objects.get(client_id=item["id"])
        if row.outcome == SyncItem.Outcome.COUNTED:
            assert stored.score == stored.max_score
        else:
            assert row.outcome == SyncItem.Outcome.NOT_COUNTED
            assert row.reason == SyncItem.Reason.ALREADY_SUBMITTED
            assert stored.score == 0
    assert Attempt.objects.filter(user=user, status=Attempt.Status.GRADED).count() == 20
