import pytest
from django.urls import reverse

from courses.models import Enrollment, LessonCompletion
from courses.services import enrollment_create, lesson_complete
from tests.factories.courses import course_tree, lessons_of

pytestmark = pytest.mark.django_db


def _enroll(client, course):
    return client.post(reverse("courses:enroll", args=[course.pk]))


def test_trainee_enrols_in_an_open_course_with_one_post(client, a_trainee):
    course = course_tree()
    client.force_login(a_trainee)
    response = _enroll(client, course)
    assert response.status_code == 302
    enrollment = Enrollment.objects.get(user=a_trainee, course=course)
    assert enrollment.status == "active"
    assert enrollment.source == "self"
    assert enrollment.last_activity_at is not None


def test_enrolling_twice_is_a_no_op(client, a_trainee):
    course = course_tree()
    client.force_login(a_trainee)
    _enroll(client, course)
    first = Enrollment.objects.get()
    _enroll(client, course)
    assert Enrollment.objects.count() == 1
    assert Enrollment.objects.get().enrolled_at == first.enrolled_at


def test_cohort_only_course_refuses_self_enrollment_and_changes_nothing(
    client, a_trainee
):
    course = course_tree(enrollment_policy="cohort")
    client.force_login(a_trainee)
    response = _enroll(client, course)
    assert response.status_code == 302
    assert not Enrollment.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "Kursus ini hanya untuk anggota kelompok" in page


def test_cohort_only_course_accepts_a_cohort_enrollment(a_trainee):
    course = course_tree(enrollment_policy="cohort")
    enrollment = enrollment_create(user=a_trainee, course=course, source="cohort")
    assert enrollment.source == "cohort"


def test_anonymous_visitor_is_sent_to_log_in_and_nothing_is_created(client):
    course = course_tree()
    response = _enroll(client, course)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not Enrollment.objects.exists()


def test_enrol_needs_post(client, a_trainee):
    course = course_tree()
    client.force_login(a_trainee)
    assert client.get(reverse("courses:enroll", args=[course.pk])).status_code == 405
    assert not Enrollment.objects.exists()


def test_unpublished_course_cannot_be_enrolled(client, a_trainee):
    course = course_tree()
    course.unpublish()
    client.force_login(a_trainee)
    assert _enroll(client, course).status_code == 404
    assert not Enrollment.objects.exists()


def test_withdrawal_keeps_history_and_rejoining_continues(client, a_trainee):
    course = course_tree()
    lesson = lessons_of(course)[0]
    enrollment_create(user=a_trainee, course=course)
    lesson_complete(user=a_trainee, lesson=lesson)
    client.force_login(a_trainee)
    client.post(reverse("courses:withdraw", args=[course.pk]))
    enrollment = Enrollment.objects.get()
    assert enrollment.status == "withdrawn"
    assert enrollment.withdrawn_at is not None
    assert LessonCompletion.objects.filter(user=a_trainee).count() == 1
    _enroll(client, course)
    enrollment.refresh_from_db()
    assert enrollment.status == "active"
    assert enrollment.withdrawn_at is None
    assert LessonCompletion.objects.filter(user=a_trainee).count() == 1


def test_withdraw_needs_login(client):
    course = course_tree()
    response = client.post(reverse("courses:withdraw", args=[course.pk]))
    assert response["Location"].startswith(reverse("account_login"))


def test_enrol_returns_to_the_page_it_came_from_but_never_off_site(client, a_trainee):
    course = course_tree()
    client.force_login(a_trainee)
    url = reverse("courses:enroll", args=[course.pk])
    assert client.post(url, {"next": "/belajarku/"})["Location"] == "/belajarku/"
    response = client.post(url, {"next": "https://jahat.example/"})
    assert response["Location"] == course.url + "#mulai"
