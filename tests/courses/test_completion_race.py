"""Two requests finishing a course's last lessons at the same moment complete
it once. This needs real row locks, so it runs on PostgreSQL (CI's second
run, or any run with DATABASE_URL pointing at PostgreSQL)."""

import threading

import pytest
from django.db import connection, connections

from courses.models import Enrollment, LessonPage
from courses.services import enrollment_create, lesson_complete
from courses.signals import course_completed
from tests.factories import trainee
from tests.factories.courses import course_tree, lessons_of


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_last_lessons_complete_the_course_once():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are tested on PostgreSQL (set DATABASE_URL)")
    user = trainee()
    course = course_tree(modules=1, lessons=3)
    first, *last_two = lessons_of(course)
    enrollment_create(user=user, course=course)
    lesson_complete(user=user, lesson=first)

    sent = []
    course_completed.connect(
        lambda sender, enrollment, **kw: sent.append(enrollment.pk),
        weak=False,
        dispatch_uid="race-test",
    )
    barrier = threading.Barrier(2)
    errors = []

    def finish(lesson_id):
        try:
            lesson = LessonPage.objects.get(pk=lesson_id)
            barrier.wait(timeout=10)
            lesson_complete(user=user, lesson=lesson)
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    try:
        threads = [
            threading.Thread(target=finish, args=(lesson.pk,)) for lesson in last_two
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        course_completed.disconnect(dispatch_uid="race-test")
    assert errors == []
    enrollment = Enrollment.objects.get()
    assert enrollment.completed_at is not None
    assert sent == [enrollment.pk]
