"""The cohort dashboard: figures, matrix, at-risk list, charts, and a fixed
number of SQL queries whatever the number of trainees."""

import datetime as dt
import re
from decimal import Decimal
from urllib.parse import unquote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import Attempt
from courses.models import Enrollment, LessonCompletion
from lms.cohorts.models import CohortMembership
from lms.cohorts.selectors import cohort_progress
from tests.factories.assessments import question, quiz_in
from tests.factories.cohorts import cohort_with, trainees_bulk
from tests.factories.courses import course_tree, lessons_of

pytestmark = pytest.mark.django_db

# 14 with lms.certificates installed: the certificates-issued figure is one query;
# 15 with the header's unread-message count (lms/notifications, one COUNT);
# 16 with the quizzes saved for offline and not sent back (the at-risk reason
# "offline answers unsynced > 3 days": assessments.offline.selectors.unsynced_of).
# That is when every member's facts are counted; kept facts need 7
# (lms/cohorts/facts.py; both pinned in test_dashboard_facts.py).
DASHBOARD_QUERIES = 16


@pytest.fixture
def cohort(home):
    courses = [course_tree(modules=2, lessons=2), course_tree(modules=1, lessons=2)]
    for course in courses:
        quiz_in(course, [question("single")], pass_mark=50)
    return cohort_with(courses=courses)


def _attempt(user, quiz, number, percent):
    return Attempt.objects.create(
        user=user,
        quiz=quiz,
        number=number,
        status=Attempt.Status.GRADED,
        submitted_at=timezone.now(),
        score=Decimal(percent),
        max_score=Decimal(100),
        passed=percent >= 50,
    )


def _quiz(course):
    from assessments.models import QuizPage

    return QuizPage.objects.descendant_of(course).get()


def _dashboard_queries(client, cohort) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("cohorts:dashboard", args=[cohort.pk]))
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("size", [10, 500])
def test_dashboard_runs_a_fixed_number_of_queries(
    client, cohort, size, django_assert_max_num_queries
):
    users = trainees_bulk(cohort, size, done_lessons=1)
    for user in users[: size // 2]:
        _attempt(user, _quiz(cohort.courses.first()), 1, 40)
    client.force_login(cohort.managers.get())
    client.get(reverse("cohorts:dashboard", args=[cohort.pk]))  # warm caches
    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        response = client.get(
            reverse("cohorts:dashboard", args=[cohort.pk]) + "?show=at_risk"
        )
    assert response.status_code == 200


def test_query_count_is_the_same_for_10_and_200_trainees(client, cohort):
    trainees_bulk(cohort, 10, prefix="x", done_lessons=1)
    client.force_login(cohort.managers.get())
    client.get(reverse("cohorts:dashboard", args=[cohort.pk]))
    small = _dashboard_queries(client, cohort)
    trainees_bulk(cohort, 190, prefix="y", done_lessons=2)
    # Their facts are counted once, then kept (lms/cohorts/facts.py, whose
    # tests pin the counted and the kept path for 10 and 300 trainees).
    client.get(reverse("cohorts:dashboard", args=[cohort.pk]))
    assert _dashboard_queries(client, cohort) == small


def test_figures_matrix_and_at_risk(client, cohort):
    done, idle, failing, fresh = trainees_bulk(cohort, 4, done_lessons=1)
    first, _second = cohort.courses.order_by("path")
    # `done` finished everything
    Enrollment.objects.filter(user=done).update(
        completed_at=timezone.now(), status="completed"
    )
    # `idle` did nothing for 30 days
    long_ago = timezone.now() - dt.timedelta(days=30)
    CohortMembership.objects.filter(user=idle).update(joined_at=long_ago)
    LessonCompletion.objects.filter(user=idle).update(completed_at=long_ago)
    # `failing` failed the first course's required quiz twice
    _attempt(failing, _quiz(first), 1, 20)
    _attempt(failing, _quiz(first), 2, 40)
    _attempt(fresh, _quiz(first), 1, 90)
    progress = cohort_progress(cohort=cohort)
    assert progress.enrolled == 4
    assert progress.completed == 1
    assert progress.active_7d == 3
    assert progress.average_score == 50  # (20 + 40 + 90) / 3
    assert [b.value for b in progress.distribution] == [0, 1, 1, 0, 1]
    assert {r.user_id: r.reasons != [] for r in progress.rows} == {
        done.pk: False,
        idle.pk: True,
        failing.pk: True,
        fresh.pk: False,
    }
    rows = {r.user_id: r for r in progress.rows}
    # first course: 4 lessons + 1 quiz required; one lesson done, quiz passed
    assert rows[fresh.pk].cells[0].percent == 40
    assert rows[failing.pk].cells[0].percent == 20
    assert rows[done.pk].cells[1].percent == 100
    funnel = {c.pk: bars for c, bars in progress.funnel}[first.pk]
    assert [b.value for b in funnel] == [4, 4, 0, 1]

    client.force_login(cohort.managers.get())
    page = client.get(
        reverse("cohorts:dashboard", args=[cohort.pk]) + "?show=at_risk"
    ).content.decode()
    assert idle.display_name in page
    assert failing.display_name in page
    assert "dua kali tidak lulus kuis wajib" in page
    matrix = page.split('id="matrix"')[1].split('id="funnel"')[0]
    assert fresh.display_name not in matrix
    assert done.display_name not in matrix


def test_matrix_sorts_and_paginates(client, cohort):
    trainees_bulk(cohort, 60, done_lessons=0)
    client.force_login(cohort.managers.get())
    url = reverse("cohorts:dashboard", args=[cohort.pk])
    first = client.get(url + "?sort=-name").content.decode()
    assert "Peserta b0059" in first
    assert "Peserta b0000" not in first.split('id="funnel"')[0].split('id="matrix"')[1]
    second = client.get(url + "?sort=-name&page=2").content.decode()
    assert "Peserta b0000" in second
    assert "Halaman 2 dari 2" in second


def test_withdrawn_members_leave_the_figures_but_keep_history(client, cohort):
    from lms.cohorts.services import cohort_member_remove

    _stays, leaves = trainees_bulk(cohort, 2, done_lessons=1)
    cohort_member_remove(cohort=cohort, user=leaves)
    progress = cohort_progress(cohort=cohort)
    assert progress.enrolled == 1
    membership = CohortMembership.objects.get(user=leaves)
    assert membership.status == "withdrawn"
    assert membership.left_at is not None
    assert LessonCompletion.objects.filter(user=leaves).count() == 2
    client.force_login(cohort.managers.get())
    page = client.get(
        reverse("cohorts:dashboard", args=[cohort.pk]) + "?show=withdrawn"
    ).content.decode()
    assert leaves.display_name in page


def test_member_add_enrols_in_cohort_only_courses_and_rejoins(cohort):
    from courses.models import CoursePage, EnrollmentPolicy
    from lms.cohorts.services import cohort_member_add, cohort_member_remove
    from tests.factories import trainee

    first = cohort.courses.order_by("path").first()
    CoursePage.objects.filter(pk=first.pk).update(
        enrollment_policy=EnrollmentPolicy.COHORT
    )
    person = trainee()
    cohort_member_add(cohort=cohort, user=person)
    assert Enrollment.objects.filter(user=person, source="cohort").count() == 2
    cohort_member_remove(cohort=cohort, user=person)
    again = cohort_member_add(cohort=cohort, user=person)
    assert again.status == "active"
    assert again.left_at is None
    assert CohortMembership.objects.filter(user=person).count() == 1


def test_trainee_detail_shows_attempts_and_essay_feedback(client, cohort):
    from assessments.models import AttemptQuestion

    (person,) = trainees_bulk(cohort, 1, done_lessons=1)
    attempt = _attempt(person, _quiz(cohort.courses.order_by("path").first()), 1, 80)
    AttemptQuestion.objects.create(
        attempt=attempt,
        order=1,
        snapshot={"kind": "essay", "text": "Tulis caption gula aren"},
        response={"text": "Gula aren asli Batu Ampar"},
        max_points=Decimal(5),
        points=Decimal(4),
        feedback="Bagus, tambahkan ajakan.",
        marked_by=cohort.trainers.get(),
    )
    client.force_login(cohort.trainers.get())
    page = client.get(
        reverse("cohorts:trainee", args=[cohort.pk, person.pk])
    ).content.decode()
    assert "Gula aren asli Batu Ampar" in page
    assert "Bagus, tambahkan ajakan." in page
    assert "80%" in page
    assert lessons_of(cohort.courses.order_by("path").first())[0].title in page


def _at_risk_with_phones(cohort, n: int, prefix: str) -> None:
    """`n` more trainees with phone numbers, idle for 30 days (at risk)."""
    users = trainees_bulk(cohort, n, prefix=prefix)
    long_ago = timezone.now() - dt.timedelta(days=30)
    CohortMembership.objects.filter(user__in=users).update(joined_at=long_ago)
    Enrollment.objects.filter(user__in=users).update(last_activity_at=long_ago)


def test_reminder_links_of_the_at_risk_list_cost_no_query_per_row(cohort, settings):
    """Before: each at-risk row's wa.me reminder (two links made without a
    request: My learning and the opt-out) read the recorded address
    (`lms.common.addresses`, rule 3) from the database: one query more per
    row shown (the preview's first 10)."""
    from django.test import Client

    from lms.common import addresses
    from lms.models import ServedAddress

    settings.SINAU_PUBLIC_URL = ""
    settings.ALLOWED_HOSTS = ["*"]
    addresses._seen.clear()
    ServedAddress.objects.create(
        pk=1, origin="http://192.168.1.5:8123", seen_at=timezone.now()
    )
    client = Client(HTTP_HOST="192.168.1.5:8123")  # where it was recorded
    client.force_login(cohort.managers.get())
    counts = {}
    for total, (more, prefix) in zip((2, 12), ((2, "p"), (10, "q")), strict=True):
        _at_risk_with_phones(cohort, more, prefix)
        assert len(cohort_progress(cohort=cohort).at_risk) == total
        url = reverse("cohorts:dashboard", args=[cohort.pk])
        client.get(url)  # warm caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        page = response.content.decode()
        reminders = re.findall(r'href="(https://wa\.me/\d+\?text=[^"]+)"', page)
        assert len(reminders) == min(total, 10)
        assert all(
            unquote(link).count("http://192.168.1.5:8123/") == 2 for link in reminders
        )
        served = [
            q for q in queries.captured_queries if "lms_servedaddress" in q["sql"]
        ]
        assert len(served) == 1
        counts[total] = len(queries)
    assert counts[2] == counts[12]
