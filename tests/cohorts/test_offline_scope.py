"""Break tests (issue 22): who sees which offline work. Each was found
by the break pass (it failed then)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from assessments.models import Attempt, QuizPage
from assessments.offline.services import package_make
from courses.services import enrollment_create
from lms.cohorts.selectors import cohort_progress
from tests.factories.assessments import question, quiz_in
from tests.factories.cohorts import cohort_with, trainees_bulk
from tests.factories.courses import course_tree
from tests.support.offline import saved_at

pytestmark = pytest.mark.django_db


def test_a_cohort_counts_only_unsynced_work_of_its_own_courses(home):
    """Cohort X studies course A. One of its trainees also saved, four days
    ago, a quiz of course B, which cohort X does not study (another
    cohort's, or one they joined alone). Cohort X's manager sees the
    trainee at risk for "offline answers unsynced > 3 days" and counts the
    unsynced quiz: `unsynced_of` is not limited to the cohort's courses."""
    course_a = course_tree(modules=1, lessons=1)
    quiz_in(course_a, [question("single")])
    course_b = course_tree(modules=1, lessons=1)
    quiz_b = quiz_in(course_b, [question("single")])
    cohort = cohort_with(courses=[course_a])
    (person,) = trainees_bulk(cohort, 1, done_lessons=1)
    enrollment_create(user=person, course=course_b)
    attempt = package_make(user=person, quiz=QuizPage.objects.get(pk=quiz_b.pk))
    Attempt.objects.filter(pk=attempt.pk).update(
        **saved_at(timezone.now() - timedelta(days=4))
    )
    row = next(r for r in cohort_progress(cohort=cohort).rows if r.user_id == person.pk)
    assert row.unsynced == 0, (
        f"unsynced={row.unsynced}, reasons={row.reasons}: course B's quiz "
        "counted in cohort X"
    )
