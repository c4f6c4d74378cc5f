"""Every role's start page, one after another in every order that a shared
cache could mix up, shows only what is in that person's scope: cohort names
and at-risk counts to their managers and trainers, quizzes with hard
questions and essays waiting to the trainer who may mark them, a trainee's
own courses. Roles: anonymous, two trainees, a trainer of one course, the
manager of another cohort, a superuser."""

import itertools

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from courses.seed import course_index_ensure
from courses.services import enrollment_create
from tests.factories import UserFactory, program_manager, trainee
from tests.factories.assessments import question, quiz_in
from tests.factories.cohorts import cohort_with
from tests.factories.courses import course_tree

from .test_start_pages import _essay_waiting, _failed, course_trainer

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(home):
    course_index_ensure(home=home)
    taught = course_tree(modules=1, lessons=1, title="Kursus Diajar Ibu Tini")
    other = course_tree(modules=1, lessons=1, title="Kursus Lain Pak Budi")
    teacher = course_trainer(taught)
    hard_mine = quiz_in(taught, [question("single")], title="Kuis Sulit Tini")
    essay_mine = quiz_in(
        taught, [question("essay", points=2)], title="Kuis Esai Tini", slug="esai"
    )
    hard_other = quiz_in(other, [question("single")], title="Kuis Sulit Budi")
    learner_a, learner_b = trainee(), trainee()
    enrollment_create(user=learner_a, course=taught)
    enrollment_create(user=learner_b, course=other)
    for _ in range(3):
        extra = trainee()
        enrollment_create(user=extra, course=taught)
        enrollment_create(user=extra, course=other)
        _failed(extra, hard_mine)
        _failed(extra, hard_other)
        _essay_waiting(extra, essay_mine)
    cohort_with(courses=[taught], teacher=teacher, name="Angkatan Tini Diajar")
    managed = cohort_with(courses=[other], code="budi", name="Angkatan Budi Dikelola")
    cohort_with(courses=[other], code="rahasia", name="Angkatan Rahasia Ketiga")
    manager = program_manager()
    managed.managers.set([manager])
    people = {
        "anonymous": AnonymousUser(),
        "trainee A": learner_a,
        "trainee B": learner_b,
        "trainer": teacher,
        "manager": manager,
        "superuser": UserFactory(is_superuser=True, is_staff=True),
    }
    # What each may see on their start page; everything else is a secret.
    allowed = {
        "anonymous": set(),
        "trainee A": {"Kursus Diajar Ibu Tini"},
        "trainee B": {"Kursus Lain Pak Budi"},
        "trainer": {"Kuis Sulit Tini", "Angkatan Tini Diajar", "jawaban esai"},
        "manager": {"Angkatan Budi Dikelola"},
        "superuser": None,  # everything
    }
    return people, allowed


SECRETS = {
    "Kursus Diajar Ibu Tini",
    "Kursus Lain Pak Budi",
    "Kuis Sulit Tini",
    "Kuis Sulit Budi",
    "Angkatan Tini Diajar",
    "Angkatan Budi Dikelola",
    "Angkatan Rahasia Ketiga",
    "jawaban esai",
}


def _main(client, user) -> str:
    if user.is_authenticated:
        client.force_login(user)
    else:
        client.logout()
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    return body[body.index('<main id="main"') : body.index("</main>")]


@pytest.mark.parametrize("order", ["forward", "backward", "pairs"])
def test_each_start_page_shows_only_its_scope_in_any_order(world, order):
    people, allowed = world
    names = list(people)
    if order == "backward":
        names.reverse()
    elif order == "pairs":
        names = [n for pair in itertools.permutations(names, 2) for n in pair]
    client = Client()
    leaks, missing = {}, {}
    for name in names:
        main = _main(client, people[name])
        if allowed[name] is None:
            continue
        seen = {secret for secret in SECRETS if secret in main}
        if seen - allowed[name]:
            leaks[name] = sorted(seen - allowed[name])
        if allowed[name] - seen:
            missing[name] = sorted(allowed[name] - seen)
    assert leaks == {}
    assert missing == {}  # the walk looks at real start pages
