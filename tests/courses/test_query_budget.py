"""The lesson page and "Belajarku" run a fixed number of SQL queries,
whatever the number of modules, lessons or courses."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.models import LearningPath, LearningPathCourse
from courses.services import enrollment_create, lesson_complete
from tests.factories import trainee
from tests.factories.courses import course_tree, lessons_of

pytestmark = pytest.mark.django_db


def _queries(client, url) -> int:
    client.get(url)  # warm per-process caches (site root paths)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _lesson_url_for(user, *, modules, lessons):
    course = course_tree(modules=modules, lessons=lessons)
    enrollment_create(user=user, course=course)
    done = lessons_of(course)
    for lesson in done[: len(done) // 2]:
        lesson_complete(user=user, lesson=lesson)
    return done[len(done) // 2].url


def test_lesson_page_queries_do_not_grow_with_the_course(
    client, django_assert_max_num_queries
):
    user = trainee()
    client.force_login(user)
    small = _queries(client, _lesson_url_for(user, modules=1, lessons=2))
    big_url = _lesson_url_for(user, modules=8, lessons=8)
    client.get(big_url)
    with django_assert_max_num_queries(small):
        assert client.get(big_url).status_code == 200
    assert small <= 25, small


def _enrol_in(user, courses, *, modules, lessons):
    made = []
    for _ in range(courses):
        course = course_tree(modules=modules, lessons=lessons)
        enrollment_create(user=user, course=course)
        lesson_complete(user=user, lesson=lessons_of(course)[0])
        made.append(course)
    path = LearningPath.objects.create(
        title=f"Jalur {user.pk}", slug=f"jalur-{user.pk}", role="advertiser"
    )
    for order, course in enumerate(made):
        LearningPathCourse.objects.create(path=path, course=course, sort_order=order)


def test_my_learning_queries_do_not_grow_with_courses_or_lessons(
    client, django_assert_max_num_queries
):
    url = reverse("courses:my_learning")
    few = trainee()
    _enrol_in(few, 1, modules=1, lessons=2)
    client.force_login(few)
    small = _queries(client, url)
    many = trainee()
    _enrol_in(many, 5, modules=4, lessons=5)
    client.force_login(many)
    client.get(url)
    with django_assert_max_num_queries(small):
        body = client.get(url).content.decode()
    assert body.count("Lanjutkan") == 5
    assert small <= 20, small


def test_catalogue_queries_do_not_grow_with_courses(
    client, django_assert_max_num_queries
):
    user = trainee()
    client.force_login(user)
    course_tree(modules=1, lessons=1)
    index_url = "/kursus/"
    small = _queries(client, index_url)
    for _ in range(6):
        enrollment_create(user=user, course=course_tree(modules=1, lessons=1))
    client.get(index_url)  # new pages start a new content version: warm it
    with django_assert_max_num_queries(small):
        client.get(index_url)
