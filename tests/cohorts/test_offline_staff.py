"""What staff see of trainees' offline work (issue 22): the dashboard's
at-risk reason "offline answers unsynced > 3 days" (the same on the start
page's count), and on the trainee page how many saved quizzes wait to be
sent and since when, and the offline attempts held for review or kept
without counting."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Attempt, SyncItem
from assessments.offline.services import package_make
from lms.cohorts.selectors import cohort_progress, cohorts_summary
from tests.factories.assessments import question, quiz_in
from tests.factories.cohorts import cohort_with, trainees_bulk
from tests.factories.courses import course_tree
from tests.support.offline import saved_at

pytestmark = pytest.mark.django_db

REASON = "jawaban offline belum terkirim > 3 hari"


@pytest.fixture
def cohort(home):
    course = course_tree(modules=1, lessons=2)
    quiz_in(course, [question("single"), question("true_false")])
    return cohort_with(courses=[course])


def _quiz(cohort):
    from assessments.models import QuizPage

    return QuizPage.objects.descendant_of(cohort.courses.get()).get()


def _saved(user, quiz, *, days: float) -> Attempt:
    attempt = package_make(user=user, quiz=quiz)
    Attempt.objects.filter(pk=attempt.pk).update(
        **saved_at(timezone.now() - timedelta(days=days))
    )
    attempt.refresh_from_db()
    return attempt


def test_a_quiz_unsynced_over_three_days_puts_the_trainee_at_risk(client, cohort):
    late, recent, none = trainees_bulk(cohort, 3, done_lessons=1)
    quiz = _quiz(cohort)
    _saved(late, quiz, days=3.5)
    _saved(recent, quiz, days=2)
    progress = cohort_progress(cohort=cohort)
    reasons = {row.user_id: row.reasons for row in progress.rows}
    assert reasons[late.pk] == [REASON]
    assert reasons[recent.pk] == []
    assert reasons[none.pk] == []
    rows = {row.user_id: row for row in progress.rows}
    assert (rows[recent.pk].unsynced, rows[none.pk].unsynced) == (1, 0)
    # The staff start page counts the same trainee.
    [summary] = cohorts_summary(user=cohort.managers.get())
    assert summary.at_risk == 1
    client.force_login(cohort.managers.get())
    page = client.get(reverse("cohorts:dashboard", args=[cohort.pk]))
    assert REASON.replace(">", "&gt;") in page.content.decode()


def test_the_trainee_page_shows_unsynced_held_and_kept_offline_work(client, cohort):
    (person,) = trainees_bulk(cohort, 1, done_lessons=1)
    quiz = _quiz(cohort)
    quiz.time_limit_minutes = 10
    quiz.save()
    other = quiz_in(
        cohort.courses.get(), [question("single")], title="Kuis Dua", slug="dua"
    )
    held = _saved(person, quiz, days=1)
    client.force_login(person)
    from tests.assessments.offline.conftest import sync_post
    from tests.support.offline import submit_item

    assert sync_post(client, [submit_item(held)])["items"][0]["outcome"] == "review"
    waiting = _saved(person, quiz, days=4)  # the next one, not sent yet
    unsent = _saved(person, other, days=2)
    manager = cohort.managers.get()
    client.force_login(manager)
    response = client.get(reverse("cohorts:trainee", args=[cohort.pk, person.pk]))
    assert response.status_code == 200
    offline = response.context["offline"]
    assert [a.pk for a in offline["unsynced"]] == [waiting.pk, unsent.pk]
    assert offline["since"] == Attempt.objects.get(pk=waiting.pk).downloaded_at
    assert offline["late"] is True
    [row] = offline["held"]
    assert (row.pk, row.status, row.server_points) == (
        held.pk,
        Attempt.Status.REVIEW,
        2,
    )
    body = response.content.decode()
    assert "2 kuis yang disimpan untuk offline belum dikirim" in body
    assert "2 / 2" in body


def test_the_matrix_export_counts_unsynced_quizzes(cohort):
    from lms.cohorts.services import _matrix_rows

    (person,) = trainees_bulk(cohort, 1, done_lessons=1)
    _saved(person, _quiz(cohort), days=1)
    _count, rows = _matrix_rows(cohort=cohort)
    header, line = list(rows)
    assert header[-1] == "Kuis tersimpan offline, belum dikirim"
    assert line[-1] == 1
    assert SyncItem.objects.count() == 0
