"""Trainers follow the cohorts they teach: the essay queue and quiz
statistics filter to one cohort; the admin menu shows managers their
cohort tools. The cohort form is for managers only, and odd numbers in it
are refused without a 500 or a change."""

from decimal import Decimal

import pytest
from django.urls import reverse

from assessments.models import Attempt, AttemptQuestion
from lms.cohorts.models import Cohort
from tests.factories import trainer
from tests.factories.assessments import question, quiz_in
from tests.factories.cohorts import cohort_with, trainees_bulk
from tests.factories.courses import course_tree
from tests.support.visitors import visitor_clients as _clients
from tests.support.visitors import visitors_world

pytestmark = pytest.mark.django_db


def _essay_waiting(user, quiz):
    attempt = Attempt.objects.create(
        user=user, quiz=quiz, number=1, status="marking", max_score=Decimal(4)
    )
    AttemptQuestion.objects.create(
        attempt=attempt,
        question=quiz.quiz_questions.get().question,
        order=1,
        snapshot={"kind": "essay", "text": "Tulis caption"},
        response={"text": f"Jawaban {user.display_name}"},
        max_points=Decimal(4),
    )


def test_marking_queue_and_stats_filter_to_a_cohort(client, home):
    course = course_tree(modules=1, lessons=1)
    quiz = quiz_in(course, [question("essay", points=4)])
    teacher = trainer(is_superuser=True)
    mine = cohort_with(code="mine", courses=[course], teacher=teacher)
    other = cohort_with(code="other", courses=[course])
    (in_mine,) = trainees_bulk(mine, 1, prefix="m")
    (in_other,) = trainees_bulk(other, 1, prefix="o")
    _essay_waiting(in_mine, quiz)
    _essay_waiting(in_other, quiz)
    client.force_login(teacher)
    everyone = client.get(reverse("assessments:marking")).content.decode()
    assert in_mine.display_name in everyone
    assert in_other.display_name in everyone
    filtered = client.get(
        reverse("assessments:marking") + f"?cohort={mine.pk}"
    ).content.decode()
    assert in_mine.display_name in filtered
    assert in_other.display_name not in filtered
    stats = client.get(
        reverse("assessments:stats", args=[quiz.pk]) + f"?cohort={mine.pk}"
    )
    assert stats.status_code == 200


def test_manager_admin_menu_has_cohorts_dashboards_and_exports(client, home):
    cohort = cohort_with(courses=[])
    client.force_login(cohort.managers.get())
    admin = client.get("/admin/").content.decode()
    assert reverse("cohorts:list") in admin
    assert reverse("cohorts:exports") in admin
    assert "/admin/angkatan/" in admin


def test_manager_creates_a_cohort_and_manages_it(client, home):
    from tests.factories import program_manager

    manager = program_manager()
    client.force_login(manager)
    response = client.post(
        reverse("cohort_admin:add"),
        {
            "name": "Angkatan Baru",
            "code": "angkatan-baru",
            "starts_on": "2026-02-01",
            "reminder_after_days": "7",
            "at_risk_after_days": "7",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    from lms.cohorts.models import Cohort

    assert list(Cohort.objects.get(code="angkatan-baru").managers.all()) == [manager]


@pytest.fixture
def world(home, a_trainer, a_manager):
    """One visitor of each kind (tests/support/visitors.py)."""
    return visitors_world(trainer=a_trainer, manager=a_manager)


def _cohort_form(**numbers):
    return {
        "name": "Angkatan Angka",
        "code": "angkatan-angka",
        "starts_on": "2026-02-01",
        "reminder_after_days": "7",
        "at_risk_after_days": "7",
        **numbers,
    }


@pytest.mark.parametrize(
    "value",
    [
        "\x00",
        "1\x00",
        "1e999999",
        "-1e999999",
        "\uff19\uff19",
        "²",
        "9" * 400,
        "NaN",
        "inf",
    ],
)
@pytest.mark.parametrize("field", ["reminder_after_days", "at_risk_after_days"])
def test_odd_numbers_in_the_cohort_form_never_500(world, field, value):
    client = _clients(world)["manager"]
    response = client.post(reverse("cohort_admin:add"), _cohort_form(**{field: value}))
    # None of these is a number of days: the form is shown again, unsaved.
    assert response.status_code == 200
    assert "Tulis angka" in response.content.decode() or "365" in (
        response.content.decode()
    )
    assert not Cohort.objects.filter(code="angkatan-angka").exists()


def test_the_cohort_form_is_refused_to_trainees_and_anonymous(world):
    clients = _clients(world)
    for who in ("anonymous", "learner", "stranger"):
        response = clients[who].post(reverse("cohort_admin:add"), _cohort_form())
        assert response.status_code in (302, 403, 404), who
    assert not Cohort.objects.filter(code="angkatan-angka").exists()


@pytest.mark.parametrize("value", ["\x00", "1e999999", "\uff19\uff19", "9" * 40])
def test_odd_numbers_in_the_cohort_edit_form_change_nothing(world, value):
    cohort = world["cohort"]
    client = _clients(world)["manager"]
    data = _cohort_form(reminder_after_days=value)
    data.update(name=cohort.name, code=cohort.code)
    before = cohort.reminder_after_days
    response = client.post(reverse("cohort_admin:edit", args=[cohort.pk]), data)
    assert response.status_code == 200
    cohort.refresh_from_db()
    assert cohort.reminder_after_days == before
