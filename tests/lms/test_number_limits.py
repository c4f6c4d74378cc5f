"""Every number a form accepts is one the arithmetic can use: each integer
model field of Sinau's apps carries an explicit upper bound (SQLite does not
range-check small integer columns, and an unbounded number of minutes
overflowed `timedelta` when a quiz started: a 500)."""

import pytest
from django.apps import apps
from django.core.validators import MaxValueValidator
from django.db import models

from assessments.models import Accommodation
from tests.assessments.test_staff_scope import (  # noqa: F401 - fixture
    ACCOMMODATION_ADD,
    world,
)

SINAU_APPS = ("assessments", "courses", "content", "cohorts", "accounts", "lms")


def _own_integer_fields():
    for model in apps.get_models():
        if model._meta.app_label not in SINAU_APPS:
            continue
        for field in model._meta.concrete_fields:
            if field.model is not model or field.is_relation or field.primary_key:
                continue
            if isinstance(field, models.AutoField):
                continue
            if isinstance(field, models.IntegerField | models.FloatField):
                yield field


def test_the_walk_finds_the_fields_it_is_about():
    names = {f"{f.model.__name__}.{f.name}" for f in _own_integer_fields()}
    assert {
        "Accommodation.extra_minutes",
        "QuizPage.time_limit_minutes",
        "Cohort.reminder_after_days",
    } <= names


def test_every_integer_field_has_an_explicit_upper_bound():
    """Only validators declared on the field count, not the database
    backend's own range (which SQLite makes 2**63 - 1). Fields Wagtail
    computes (an Orderable's `sort_order`, not editable) are exempt."""
    missing = [
        f"{field.model._meta.label}.{field.name}"
        for field in _own_integer_fields()
        if field.editable
        and not any(isinstance(v, MaxValueValidator) for v in field._validators)
    ]
    assert missing == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("extra_minutes", "9223372036854775807"),
        ("extra_minutes", "10081"),
        ("extra_attempts", "101"),
    ],
)
def test_the_admin_refuses_an_accommodation_too_large_to_use(
    world,  # noqa: F811
    client,
    field,
    value,
):
    client.force_login(world["trainer_a"])
    data = {
        "quiz": world["quiz_a"].pk,
        "user": world["trainee_a"].pk,
        "extra_minutes": "0",
        "extra_attempts": "0",
        "extra_days": "0",
        "note": "",
    }
    data[field] = value
    response = client.post(ACCOMMODATION_ADD, data)
    assert response.status_code == 200
    assert "lebih kecil dari atau sama dengan" in response.content.decode()
    assert not Accommodation.objects.filter(quiz=world["quiz_a"]).exists()


def test_the_largest_accepted_accommodation_still_starts_a_quiz(world):  # noqa: F811
    from assessments.services import attempt_start

    quiz = world["quiz_a"]
    quiz.time_limit_minutes = 10_080
    quiz.max_attempts = 100
    quiz.save()
    accommodation = Accommodation(
        quiz=quiz, user=world["trainee_a"], extra_minutes=10_080, extra_attempts=100
    )
    accommodation.full_clean()
    accommodation.save()
    attempt = attempt_start(user=world["trainee_a"], quiz=quiz)
    assert attempt.deadline_at is not None
