"""A last break pass over the newest pages (home start sections, leaving a
course, the quiz result, the certificate name form, number fields in the
cohort admin form): hostile query strings and bodies, anonymous and
other-role visitors. Each gets a page, a redirect or a 404, never a 500,
and a refusal changes nothing."""

import pytest
from django.test import Client
from django.urls import reverse

from assessments.services import attempt_start, attempt_submit
from courses.models import Enrollment
from courses.services import enrollment_create
from lms.cohorts.models import Cohort
from tests.factories import PASSWORD, trainee
from tests.factories.assessments import question, quiz_in
from tests.factories.cohorts import cohort_with
from tests.factories.courses import course_tree

pytestmark = pytest.mark.django_db

HOSTILE = [
    "\x00",
    "1\x00",
    "9" * 40,
    "-1",
    "abc",
    "²",
    "\u0661",
    "\uff19\uff19",
    "1e999999",
    "' OR 1=1 --",
    "x" * 10_000,
]


@pytest.fixture
def world(home, a_trainer, a_manager):
    course = course_tree(modules=1, lessons=1)
    other = course_tree(modules=1, lessons=1)
    quiz = quiz_in(course, [question("single"), question("numeric")])
    cohort = cohort_with(courses=[course], manager=a_manager, teacher=a_trainer)
    learner = trainee()
    enrollment_create(user=learner, course=course)
    attempt = attempt_start(user=learner, quiz=quiz)
    attempt = attempt_submit(user=learner, attempt_id=attempt.pk)
    return {
        "course": course,
        "other": other,
        "quiz": quiz,
        "cohort": cohort,
        "learner": learner,
        "attempt": attempt,
        "trainer": a_trainer,
        "manager": a_manager,
    }


def _clients(world):
    anon = Client()
    out = {"anonymous": anon}
    for role in ("learner", "trainer", "manager"):
        client = Client()
        client.force_login(world[role])
        out[role] = client
    stranger = Client()
    stranger.force_login(trainee())
    out["stranger"] = stranger
    return out


# -- query strings on the start page and the staff pages --------------------


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_query_strings_never_500(world, value):
    urls = [
        "/",
        reverse("assessments:marking"),
        reverse("assessments:stats", args=[world["quiz"].pk]),
        reverse("assessments:result", args=[world["attempt"].pk]),
        reverse("courses:my_learning"),
        reverse("courses:withdraw_confirm", args=[world["course"].pk]),
        reverse("certificates:name"),
    ]
    for who, client in _clients(world).items():
        for url in urls:
            for param in ("cohort", "tab", "page", "next"):
                response = client.get(url, {param: value})
                assert response.status_code in (200, 302, 404), (who, url, param)


@pytest.mark.parametrize(
    "path",
    [
        "/kursus/abc/berhenti/",
        "/kursus/99999999999999999999999999/berhenti/",
        "/kursus/9223372036854775807/berhenti/",
        "/kuis/percobaan/9223372036854775807/hasil/",
        "/kuis/percobaan/99999999999999999999999999/hasil/",
    ],
)
def test_odd_ids_in_paths_are_404(world, path):
    for client in _clients(world).values():
        assert client.get(path).status_code in (302, 404)
        assert client.post("/aksi" + path).status_code in (302, 404, 405)


# -- leaving a course -------------------------------------------------------


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


def test_the_result_page_is_the_learners_own(world):
    url = reverse("assessments:result", args=[world["attempt"].pk])
    clients = _clients(world)
    assert clients["learner"].get(url).status_code == 200
    assert clients["anonymous"].get(url).status_code == 302
    assert clients["stranger"].get(url).status_code == 404


# -- the certificate name form ---------------------------------------------


@pytest.mark.parametrize(
    "name", ["\x00", "Budi\x00Santoso", "B" * 10_000, "   ", "\u200b\u200b", ""]
)
def test_bad_names_are_refused_and_change_nothing(world, name):
    learner = world["learner"]
    before = learner.display_name
    client = _clients(world)["learner"]
    response = client.post(
        reverse("certificates:name"), {"name": name, "password": PASSWORD}
    )
    assert response.status_code == 200
    learner.refresh_from_db()
    assert learner.display_name == before


def test_a_nul_in_the_password_is_refused_not_a_500(world):
    client = _clients(world)["learner"]
    response = client.post(
        reverse("certificates:name"), {"name": "Budi Baru", "password": "\x00"}
    )
    assert response.status_code == 200
    world["learner"].refresh_from_db()
    assert world["learner"].display_name != "Budi Baru"


def test_the_name_form_is_for_signed_in_people_only(world):
    response = Client().post(
        reverse("certificates:name"), {"name": "Siapa", "password": PASSWORD}
    )
    assert response.status_code == 302


# -- number fields in the cohort admin form --------------------------------


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


def test_the_daily_name_limit_holds_and_a_refusal_saves_nothing(world, settings):
    settings.SINAU_NAME_CORRECTIONS_PER_DAY = 2
    learner = world["learner"]
    client = _clients(world)["learner"]
    url = reverse("certificates:name")
    for name in ("Nama Satu", "Nama Dua"):
        assert client.post(url, {"name": name, "password": PASSWORD}).status_code == 302
    # Bad input after the allowance is used up: refused, not a 500.
    for name in ("\x00", "B" * 10_000, "Nama Tiga", " Nama\u202eTiga "):
        response = client.post(url, {"name": name, "password": PASSWORD})
        assert response.status_code == 200
    learner.refresh_from_db()
    assert learner.display_name == "Nama Dua"
    # Saving the same name again (even with odd spacing) is still free.
    response = client.post(url, {"name": "  Nama\u200b  Dua ", "password": PASSWORD})
    assert response.status_code == 302


def test_a_wrong_password_does_not_use_the_allowance(world, settings):
    settings.SINAU_NAME_CORRECTIONS_PER_DAY = 1
    client = _clients(world)["learner"]
    url = reverse("certificates:name")
    for _ in range(3):
        client.post(url, {"name": "Nama Lain", "password": "salah\x00"})
        client.post(url, {"name": "Nama Lain", "password": "salah"})
    assert (
        client.post(url, {"name": "Nama Baru", "password": PASSWORD}).status_code == 302
    )
