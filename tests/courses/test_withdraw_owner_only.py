"""Leaving a course cannot be done to someone: not by a link (GET), not by
a form on another site (CSRF), not to another person's enrolment, nor to a
course one is not enrolled in; and the confirmation page shows nothing of a
course the person may not see."""

import pytest
from django.test import Client
from django.urls import reverse

from courses.models import Enrollment
from courses.services import enrollment_create
from tests.factories import program_manager, trainee, trainer
from tests.factories.courses import course_tree
from tests.support.visitors import visitor_clients as _clients
from tests.support.visitors import visitors_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(db):
    return course_tree(modules=1, lessons=1, title="Kursus Rahasia Gula")


@pytest.fixture
def enrolled(course):
    user = trainee()
    enrollment_create(user=user, course=course)
    return user


def _active(user) -> bool:
    return Enrollment.objects.get(user=user).status == "active"


@pytest.mark.parametrize("method", ["get", "head", "put", "delete", "options"])
def test_only_a_post_withdraws(client, course, enrolled, method):
    client.force_login(enrolled)
    response = getattr(client, method)(reverse("courses:withdraw", args=[course.pk]))
    assert response.status_code == 405
    assert _active(enrolled)


def test_a_post_without_the_csrf_token_withdraws_nothing(course, enrolled):
    client = Client(enforce_csrf_checks=True)
    client.force_login(enrolled)
    response = client.post(reverse("courses:withdraw", args=[course.pk]))
    assert response.status_code == 403
    assert _active(enrolled)


def test_the_confirmation_page_carries_the_token_and_a_post_with_it_withdraws(
    course, enrolled
):
    client = Client(enforce_csrf_checks=True)
    client.force_login(enrolled)
    page = client.get(reverse("courses:withdraw_confirm", args=[course.pk]))
    token = page.context["csrf_token"]
    assert f'value="{token}"' in page.content.decode()
    client.post(
        reverse("courses:withdraw", args=[course.pk]), {"csrfmiddlewaretoken": token}
    )
    assert not _active(enrolled)


@pytest.mark.parametrize("role", [trainee, trainer, program_manager])
def test_nobody_else_withdraws_an_enrolment(client, course, enrolled, role):
    client.force_login(role())
    client.post(reverse("courses:withdraw", args=[course.pk]))
    client.get(reverse("courses:withdraw_confirm", args=[course.pk]))
    assert _active(enrolled)


def test_anonymous_visitors_are_sent_to_log_in(client, course, enrolled):
    for name in ("courses:withdraw_confirm", "courses:withdraw"):
        response = client.post(reverse(name, args=[course.pk]))
        assert response.status_code in (302, 405)
        if response.status_code == 302:
            assert "/akun/" in response.url or "login" in response.url
    assert _active(enrolled)


def test_an_unpublished_course_is_not_named_on_the_confirmation(
    client, course, enrolled
):
    course.unpublish()
    client.force_login(enrolled)
    response = client.get(reverse("courses:withdraw_confirm", args=[course.pk]))
    assert response.status_code == 404
    assert "Kursus Rahasia Gula" not in response.content.decode()
    client.post(reverse("courses:withdraw", args=[course.pk]))
    assert _active(enrolled)


@pytest.fixture
def world(home, a_trainer, a_manager):
    """One visitor of each kind (tests/support/visitors.py)."""
    return visitors_world(trainer=a_trainer, manager=a_manager)


def test_withdraw_of_a_course_not_enrolled_changes_nothing(world):
    clients = _clients(world)
    before = list(Enrollment.objects.values_list("pk", "user_id", "status"))
    for who, client in clients.items():
        url = reverse("courses:withdraw", args=[world["other"].pk])
        response = client.post(url, {"next": "\x00", "x": "9" * 40})
        assert response.status_code in (302, 404), who
        confirm = client.get(
            reverse("courses:withdraw_confirm", args=[world["other"].pk])
        )
        assert confirm.status_code in (302, 404), who
    assert list(Enrollment.objects.values_list("pk", "user_id", "status")) == before


def test_withdraw_by_others_leaves_the_learners_enrolment(world):
    url = reverse("courses:withdraw", args=[world["course"].pk])
    for who, client in _clients(world).items():
        if who == "learner":
            continue
        assert client.post(url).status_code in (302, 403, 404), who
        assert client.get(url).status_code in (302, 405), who
    assert Enrollment.objects.get(
        user=world["learner"], course=world["course"]
    ).is_active
