"""The SQL query count of every page and POST in the benchmark run
(tests/bench), pinned at two data sizes: a one-module course with a
two-question quiz and nobody else, and an eight-module course with a
ten-question quiz, five other enrolments of the trainee and other trainees'
completions and attempts. The counts are the same at both sizes and equal
to PINNED; a change that adds a query per request shows here first.

The client signs in once; caches (content version, routes, outlines) are
warmed by one request before each count, as in the benchmark."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Attempt
from assessments.services import attempt_start, attempt_submit
from courses.services import enrollment_create, lesson_complete
from tests.factories import trainee
from tests.factories.assessments import question, quiz_in
from tests.factories.courses import course_tree, lessons_of

pytestmark = pytest.mark.django_db

# Each count includes the session's one query: sessions live in the
# database only (lms/settings/base.py, SESSION_ENGINE), so an outage of
# Redis can neither log people out nor bring a logged-out session back.
#
# Every page with the header also counts the person's unread messages for
# its "Pesan" link (lms/notifications/selectors.py, `unread_count`): one
# indexed COUNT, the + 1 on each page below. POSTs answer with a redirect
# and render no header.
PINNED = {
    "lesson page": 2 + 1,
    "quiz question page": 4 + 1,
    "course page": 2 + 1,
    # ... and the cohort invitations waiting above the courses
    # (docs/decisions/0018-cohort-invitations.md), and the practical tasks
    # with new feedback (assessments/practice/notify.py, `feedback_unseen`).
    "Belajarku": 4 + 1,
    # The start page leads with the trainee's courses (Belajarku's selector).
    "home page": 2 + 1,
    "catalogue": 2 + 1,
    # "Simpan untuk offline" and its manifest, the lessons' renders cached
    # (assessments/offline/saving.py): the module, the pages' live
    # revisions, and the trainee's "Tersimpan offline" page rendered to
    # weigh the shell (its packages, its sync history, its header's count).
    "offline save page": 2 + 2 + 3 + 1,
    "offline manifest": 2 + 2 + 3,
    "quiz start POST": 14,
    "answer POST": 6,
    "answer POST again": 6,
    "mark done POST": 13,
    "submit POST": 11,
    "submit POST again": 4,
}


def _world(*, modules: int, lessons: int, questions: int, others: int):
    """A course with a quiz, the trainee enrolled; `others` more trainees
    who completed lessons and submitted the quiz, and as many more courses
    the trainee is enrolled in with a lesson done."""
    course = course_tree(modules=modules, lessons=lessons)
    kinds = ["single", "true_false"] * questions
    quiz = quiz_in(course, [question(kind) for kind in kinds[:questions]])
    user = trainee()
    enrollment_create(user=user, course=course)
    for _ in range(others):
        other = trainee()
        enrollment_create(user=other, course=course)
        for lesson in lessons_of(course)[:3]:
            lesson_complete(user=other, lesson=lesson)
        attempt = attempt_start(user=other, quiz=quiz)
        attempt_submit(user=other, attempt_id=attempt.pk)
        extra = course_tree(modules=1, lessons=1)
        enrollment_create(user=user, course=extra)
        lesson_complete(user=user, lesson=lessons_of(extra)[0])
    done = lessons_of(course)
    lesson_complete(user=user, lesson=done[0])
    return user, course, quiz, done


def _count(client, method, url, data=None, *, status) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url) if method == "GET" else client.post(url, data or {})
    assert response.status_code == status, (url, response.status_code)
    return len(queries)


def _answer(client, attempt: Attempt, order: int) -> dict:
    item = attempt.items.get(order=order)
    snapshot = item.snapshot
    if snapshot["kind"] == "true_false":
        return {"value": snapshot["value_keys"]["true"], "go": "next"}
    return {"choice": snapshot["choices"][0]["key"], "go": "next"}


def _counts(client, *, modules, lessons, questions, others) -> dict[str, int]:
    user, course, quiz, steps = _world(
        modules=modules, lessons=lessons, questions=questions, others=others
    )
    client.force_login(user)
    counts = {}
    lesson = steps[1]
    module = lesson.get_parent().pk
    for label, url in (
        ("lesson page", lesson.url),
        ("course page", course.url),
        ("Belajarku", reverse("courses:my_learning")),
        ("home page", "/"),
        ("catalogue", course.get_parent().url),
        ("offline save page", reverse("assessments:offline_module", args=[module])),
        ("offline manifest", reverse("assessments:offline_manifest", args=[module])),
    ):
        client.get(url)
        counts[label] = _count(client, "GET", url, status=200)
    client.get(quiz.url)
    counts["quiz start POST"] = _count(
        client, "POST", reverse("assessments:start", args=[quiz.pk]), status=302
    )
    attempt = Attempt.objects.get(user=user, quiz=quiz)
    question_url = reverse("assessments:question", args=[attempt.pk, 1])
    client.get(question_url)
    counts["quiz question page"] = _count(client, "GET", question_url, status=200)
    data = _answer(client, attempt, 1)
    counts["answer POST"] = _count(client, "POST", question_url, data, status=302)
    counts["answer POST again"] = _count(client, "POST", question_url, data, status=302)
    counts["mark done POST"] = _count(
        client,
        "POST",
        reverse("courses:lesson_done", args=[lesson.pk]),
        status=302,
    )
    submit_url = reverse("assessments:submit", args=[attempt.pk])
    counts["submit POST"] = _count(client, "POST", submit_url, status=302)
    counts["submit POST again"] = _count(client, "POST", submit_url, status=302)
    return counts


def test_query_counts_are_pinned_on_a_small_course(client):
    assert _counts(client, modules=1, lessons=2, questions=2, others=0) == PINNED


def test_query_counts_are_pinned_on_a_large_course_with_other_trainees(client):
    assert _counts(client, modules=8, lessons=8, questions=10, others=5) == PINNED
