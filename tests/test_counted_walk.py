"""Only `Attempt.COUNTED` attempts (waiting for marking, graded) count: an
attempt saved for offline (downloaded), one held for a trainer's review and
one kept without counting change no figure anywhere (issue 22,
docs/decisions/0027-offline.md).

One trainee does everything: on the pre-test an attempt held for review
(all right) BEFORE their graded one (all wrong), so a reader that takes "the
first submitted attempt" without the status filter picks the wrong one; on
the post-test (required) an attempt kept without counting (all right), the
graded one (all right: it passes and completes the course), one held for
review (all wrong) and a package still on the phone. Every figure is read
(dashboard, start page, matrix and quiz-results exports, question
statistics, certificate evidence, Belajarku, category progress, the trainee
page's learning gain), the non-counting attempts are deleted, and every
figure is read again: they must be the same. A new reader that counts
"not in progress" as submitted, or sums scores or counts attempts without
the status filter, fails here.

By design two things DO show the offline attempts and are left out of the
comparison: the export's last column (quizzes saved offline and not sent
back) and the dashboard row's `unsynced` count. Starting an attempt is
activity, so the extra attempts are dated before the graded ones."""

from datetime import timedelta

import pytest
from django.utils import timezone

from assessments.demo import attempt_take
from assessments.models import Attempt, SyncItem
from assessments.models import TestRole as Role
from assessments.offline.services import package_make
from assessments.practice.evidence import course_evidence
from assessments.selectors import category_progress, quiz_item_stats
from courses.progress import progress_changed
from courses.selectors import my_learning
from lms.cohorts.models import CohortMembership
from lms.cohorts.selectors import (
    cohort_progress,
    cohort_trainee_detail,
    cohorts_summary,
    quiz_results_rows,
)
from lms.cohorts.services import _matrix_rows
from tests.assessments.offline.conftest import sync_post
from tests.factories.assessments import question, quiz_in
from tests.factories.cohorts import cohort_with, trainees_bulk
from tests.factories.courses import course_tree
from tests.support.offline import saved_at, submit_item

pytestmark = pytest.mark.django_db

KINDS = ("single", "multiple", "true_false", "numeric")


def _held_for_review(client, user, quiz, *, right: bool) -> Attempt:
    """An offline attempt at `quiz` whose answers arrive 3 hours after the
    package was made, past its 10-minute limit: held for review."""
    quiz.time_limit_minutes = 10
    quiz.save()
    attempt = package_make(user=user, quiz=quiz)
    Attempt.objects.filter(pk=attempt.pk).update(
        **saved_at(timezone.now() - timedelta(hours=3))
    )
    result = sync_post(client, [submit_item(attempt, right=right)])
    assert result["items"][0]["outcome"] == "review"
    quiz.time_limit_minutes = None
    quiz.save()
    return attempt


def _not_counted(client, user, quiz, *, right: bool) -> Attempt:
    """An offline attempt at `quiz` synced after the quiz closed, with no
    proof it was answered before: kept, not counted. The quiz reopens."""
    attempt = package_make(user=user, quiz=quiz)
    quiz.closes_at = timezone.now() - timedelta(minutes=1)
    quiz.save()
    result = sync_post(client, [submit_item(attempt, right=right)])
    assert result["items"][0]["outcome"] == "not_counted"
    quiz.closes_at = None
    quiz.save()
    return attempt


def _figures(*, cohort, user, course, quizzes, now) -> dict:
    """Every figure Sinau shows about `user`'s quiz work."""
    progress = cohort_progress(cohort=cohort, now=now)
    [row] = [r for r in progress.rows if r.user_id == user.pk]
    _count, matrix = _matrix_rows(cohort=cohort)
    _count, results = quiz_results_rows(cohort=cohort)
    membership = CohortMembership.objects.get(cohort=cohort, user=user)
    return {
        "dashboard row": (
            row.percent,
            [(c.enrolled, c.done, c.required, c.completed) for c in row.cells],
            row.reasons,
            row.last_activity,
            row.gain_cells,
            row.completed_all,
        ),
        "dashboard": (
            progress.average_score,
            [b.value for b in progress.distribution],
            progress.completed,
            progress.course_completions,
            len(progress.at_risk),
            [(g.trainees, g.mean, g.median) for g in progress.gains],
            [[b.value for b in bars] for _course, bars in progress.funnel],
        ),
        "start page": [
            (s.trainees, s.at_risk)
            for s in cohorts_summary(user=cohort.managers.get(), now=now)
        ],
        # The last column counts quizzes saved offline, by design.
        "matrix export": [line[:-1] for line in matrix],
        "quiz results export": list(results),
        "question statistics": {
            quiz.pk: [
                (s.question_id, s.answered, s.correct)
                for s in quiz_item_stats(quiz=quiz)
            ]
            for quiz in quizzes
        },
        "certificate evidence": [
            (q.quiz_id, q.percent, q.submitted_at)
            for q in course_evidence(user=user, course=course).quizzes
        ],
        "Belajarku": [
            (
                p.course.pk,
                p.percent,
                p.done_count,
                [(s.id, s.done, s.waiting) for s in p.steps],
                p.enrollment.completed_at is not None,
            )
            for p in my_learning(user=user)["items"]
        ],
        "category progress": [
            (c.name, c.correct, c.possible) for c in category_progress(user=user)
        ],
        "trainee page gains": [
            (g["course"].pk, g["pre"], g["post"], g["gain"])
            for g in cohort_trainee_detail(cohort=cohort, membership=membership)[
                "gains"
            ]
        ],
    }


def test_attempts_that_do_not_count_change_no_figure(client, home):
    course = course_tree(modules=1, lessons=1)
    pre = quiz_in(
        course,
        [question(k) for k in KINDS],
        title="Tes awal",
        slug="tes-awal",
        test_role=Role.PRE,
        required=False,
    )
    post = quiz_in(
        course,
        [question(k) for k in KINDS],
        title="Tes akhir",
        slug="tes-akhir",
        test_role=Role.POST,
    )
    cohort = cohort_with(courses=[course])
    (person,) = trainees_bulk(cohort, 1, done_lessons=1)
    client.force_login(person)

    extra = [_held_for_review(client, person, pre, right=True)]
    pre_graded = attempt_take(user=person, quiz=pre, right=False)
    extra.append(_not_counted(client, person, post, right=True))
    post_graded = attempt_take(user=person, quiz=post, right=True)
    extra.append(_held_for_review(client, person, post, right=False))
    extra.append(package_make(user=person, quiz=post))

    statuses = sorted(
        Attempt.objects.filter(user=person).values_list("status", flat=True)
    )
    assert statuses == sorted(
        ["review", "graded", "not_counted", "graded", "review", "downloaded"]
    )
    assert (pre_graded.score, post_graded.passed) == (0, True)
    # Starting an attempt is activity: the extra ones are dated before.
    first = min(pre_graded.started_at, post_graded.started_at)
    Attempt.objects.filter(pk__in=[a.pk for a in extra]).update(
        started_at=first - timedelta(hours=1)
    )
    progress_changed(person.pk)
    now = timezone.now()
    kwargs = {
        "cohort": cohort,
        "user": person,
        "course": course,
        "quizzes": [pre, post],
        "now": now,
    }
    with_extra = _figures(**kwargs)

    SyncItem.objects.filter(attempt__in=[a.pk for a in extra]).delete()
    Attempt.objects.filter(pk__in=[a.pk for a in extra]).delete()
    progress_changed(person.pk)
    counted_only = _figures(**kwargs)

    for figure, value in counted_only.items():
        assert with_extra[figure] == value, figure
    # The figures are not empty: the test compares something.
    assert counted_only["trainee page gains"] == [(course.pk, 0.0, 100.0, 100.0)]
    assert counted_only["certificate evidence"][0][:2] == (post.pk, 100)
    assert counted_only["dashboard"][0] == 50  # 0% and 100%
    assert counted_only["Belajarku"][0][4] is True  # the course completed
