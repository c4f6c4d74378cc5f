"""Start pages per role (the home page, HomePage.get_context): a program
manager finds their cohorts with how many trainees are at risk, a trainer
what waits for them (essays to mark, quizzes with hard questions, cohorts
taught), a trainee what they are enrolled in; a person with several roles
gets each. Only someone with none of these is told to choose a first
course. The header offers each role its links."""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import GroupPagePermission

from assessments.models import Attempt
from assessments.services import attempt_answer, attempt_start, attempt_submit
from courses.seed import course_index_ensure
from courses.services import enrollment_create, lesson_complete
from lms.cohorts.models import CohortMembership
from lms.cohorts.selectors import cohort_progress, cohorts_summary
from tests.factories import UserFactory, program_manager, trainee
from tests.factories.assessments import question, quiz_in
from tests.factories.cohorts import (
    cohort_with,
    import_through_pages,
    provisioned_member,
    trainees_bulk,
)
from tests.factories.courses import catalogue, course_tree, lessons_of

pytestmark = pytest.mark.django_db

CHOOSE_FIRST = "Mulailah dengan memilih kursus pertama Anda"


@pytest.fixture
def index(home):
    return course_index_ensure(home=home)


def _home(client, user) -> str:
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def _main(body: str) -> str:
    return body[body.index('<main id="main"') : body.index("</main>")]


def _nav(body: str) -> str:
    return body[body.index('<nav class="site-nav"') : body.index("</header>")]


def course_trainer(course):
    """A trainer whose page permissions cover `course` only (not in the
    Trainers group, which may edit the whole catalogue)."""
    group = Group.objects.create(name=f"Pelatih {course.pk}")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="change_question"),
    )
    for codename in ("add_page", "change_page", "publish_page"):
        GroupPagePermission.objects.create(
            group=group,
            page=course,
            permission=Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            ),
        )
    user = UserFactory()
    user.groups.add(group)
    return user


# -- trainees ------------------------------------------------------------------


def test_a_trainee_imported_into_a_cohort_is_led_to_their_courses(client, index):
    """Before: "Mulailah dengan memilih kursus pertama Anda" on the first
    log-in, although the import had enrolled them."""
    cohort = cohort_with()
    manager = cohort.managers.get()
    client.force_login(manager)
    import_through_pages(client, cohort, "Siti Aminah,0812 3456 7001,,Desa\n")
    siti = CohortMembership.objects.get(cohort=cohort, user__phone__endswith="7001")
    client.logout()
    session = client.session
    client.force_login(siti.user)
    session = client.session
    session["sinau_first_visit"] = True
    session.save()
    main = _main(client.get("/").content.decode())
    assert "Selamat datang di Sinau, Siti" in main
    assert CHOOSE_FIRST not in main
    assert "Lanjutkan yang terakhir Anda pelajari" in main
    for course in cohort.courses.all():
        assert course.title in main
    first = lessons_of(cohort.courses.order_by("path").first())[0]
    assert f'href="{first.url}"' in main


@pytest.mark.parametrize("how", ["self", "cohort", "finished one of two"])
def test_every_trainee_with_an_enrolment_starts_from_their_courses(client, index, how):
    course, other = course_tree(modules=1, lessons=1), course_tree()
    if how == "cohort":
        user = provisioned_member(cohort_with(courses=[course]))
    else:
        user = trainee()
        enrollment_create(user=user, course=course)
    if how == "finished one of two":
        enrollment_create(user=user, course=other)
        lesson_complete(user=user, lesson=lessons_of(course)[0])
    main = _main(_home(client, user))
    assert CHOOSE_FIRST not in main
    assert "Lanjutkan yang terakhir Anda pelajari" in main
    expected = other if how == "finished one of two" else course
    assert expected.title in main
    if how == "finished one of two":
        assert "1 kursus selesai" in main


def test_a_trainee_without_courses_is_asked_to_choose_one(client, index, a_trainee):
    main = _main(_home(client, a_trainee))
    assert "Mulailah dengan memilih kursus pertama Anda." in main
    assert "Lanjutkan yang terakhir" not in main
    assert "Angkatan Anda" not in main


# -- program managers -----------------------------------------------------------


def test_a_manager_starts_from_their_cohorts_with_the_at_risk_counts(client, index):
    cohort = cohort_with(name="Angkatan Batu Ampar")
    trainees_bulk(cohort, 3)
    CohortMembership.objects.filter(cohort=cohort).update(
        joined_at=timezone.now() - dt.timedelta(days=30)
    )
    # Active in their courses yesterday: not at risk.
    from courses.models import LessonCompletion

    busy = CohortMembership.objects.filter(cohort=cohort).first().user
    lesson = lessons_of(cohort.courses.first())[0]
    LessonCompletion.objects.create(user=busy, lesson=lesson)
    cohort_with(code="lain", name="Angkatan Orang Lain")
    main = _main(_home(client, cohort.managers.get()))
    assert CHOOSE_FIRST not in main
    assert "Angkatan Anda" in main
    assert "Angkatan Batu Ampar" in main
    assert "Angkatan Orang Lain" not in main
    assert "3 peserta" in main
    dashboard = reverse("cohorts:dashboard", args=[cohort.pk])
    assert f'href="{dashboard}?show=at_risk#matrix"' in main
    assert re.search(r"2 berisiko", main)
    assert "Anda kelola" in main
    assert "Menunggu Anda" not in main  # no marking for managers


def test_a_manager_without_cohorts_is_offered_to_create_one(client, index, a_manager):
    main = _main(_home(client, a_manager))
    assert "Anda belum punya angkatan." in main
    assert reverse("wagtailadmin_home") in main


# -- trainers --------------------------------------------------------------------


def _essay_waiting(user, quiz):
    attempt = attempt_start(user=user, quiz=quiz)
    essay = attempt.items.get(snapshot__kind="essay")
    attempt_answer(
        user=user, attempt_id=attempt.pk, order=essay.order, data={"text": "Manis"}
    )
    return attempt_submit(user=user, attempt_id=attempt.pk)


def _failed(user, quiz):
    """An attempt whose single-choice questions are all answered wrong."""
    attempt = attempt_start(user=user, quiz=quiz)
    for item in attempt.items.all():
        wrong = next(c for c in item.snapshot["choices"] if "benar" not in c["text"])
        attempt_answer(
            user=user,
            attempt_id=attempt.pk,
            order=item.order,
            data={"choice": wrong["key"]},
        )
    return attempt_submit(user=user, attempt_id=attempt.pk)


def test_a_trainer_starts_from_what_waits_for_them_in_their_scope(client, index):
    mine, theirs = course_tree(modules=1, lessons=1), course_tree(modules=1, lessons=1)
    teacher = course_trainer(mine)
    essay_quiz = quiz_in(
        mine, [question("single"), question("essay", points=4)], title="Kuis Esai"
    )
    hard_quiz = quiz_in(mine, [question("single")], title="Kuis Sulit", slug="sulit")
    other_quiz = quiz_in(theirs, [question("single")], title="Kuis Lain", slug="lain")
    for _ in range(3):
        learner = trainee()
        enrollment_create(user=learner, course=mine)
        enrollment_create(user=learner, course=theirs)
        _essay_waiting(learner, essay_quiz)
        _failed(learner, hard_quiz)
        _failed(learner, other_quiz)
    taught = cohort_with(courses=[mine], teacher=teacher, name="Angkatan Diajar")
    cohort_with(courses=[theirs], code="lain", name="Angkatan Lain")
    main = _main(_home(client, teacher))
    assert CHOOSE_FIRST not in main
    assert "Menunggu Anda" in main
    assert "3 jawaban esai menunggu nilai dari Anda" in main
    assert f'href="{reverse("assessments:marking")}"' in main
    stats = reverse("assessments:stats", args=[hard_quiz.pk])
    assert f'href="{stats}"' in main
    assert "Soal sulit di “Kuis Sulit”" in main
    assert "Kuis Lain" not in main
    assert "Angkatan Diajar" in main
    assert "Anda ajar" in main
    assert "Angkatan Lain" not in main
    assert taught.name in main


def test_a_trainer_who_is_also_a_trainee_gets_both(client, index):
    mine, learning = course_tree(modules=1, lessons=1), course_tree(modules=1)
    teacher = course_trainer(mine)
    enrollment_create(user=teacher, course=learning)
    main = _main(_home(client, teacher))
    assert "Menunggu Anda" in main
    assert "Lanjutkan yang terakhir Anda pelajari" in main
    assert learning.title in main
    assert main.index("Menunggu Anda") < main.index("Lanjutkan yang terakhir")


# -- the at-risk rule is the dashboard's ---------------------------------------


def test_the_start_page_counts_at_risk_as_the_dashboard_does(index):
    course = course_tree(modules=1, lessons=2)
    quiz = quiz_in(course, [question("single")], pass_mark=100)
    cohort = cohort_with(courses=[course, course_tree()], at_risk_after_days=5)
    people = trainees_bulk(cohort, 6)
    old = timezone.now() - dt.timedelta(days=20)
    CohortMembership.objects.filter(cohort=cohort).update(joined_at=old)
    active, failing, finished, withdrawn, graduated, idle = people
    lesson_complete(user=active, lesson=lessons_of(course)[0])
    for _ in range(2):
        _failed(failing, quiz)
    lesson_complete(user=failing, lesson=lessons_of(course)[0])
    from courses.models import Enrollment

    Enrollment.objects.filter(user=finished).update(completed_at=timezone.now())
    CohortMembership.objects.filter(user=withdrawn).update(status="withdrawn")
    CohortMembership.objects.filter(user=graduated).update(status="graduated")
    assert Attempt.objects.filter(user=failing, passed=False).count() == 2
    dashboard = cohort_progress(cohort=cohort)
    [summary] = cohorts_summary(user=cohort.managers.get())
    assert {r.user_id for r in dashboard.at_risk} == {failing.pk, idle.pk}
    assert summary.at_risk == len(dashboard.at_risk) == 2
    assert summary.trainees == dashboard.enrolled == 5


def test_the_staff_start_page_costs_the_same_queries_whatever_the_size(client, index):
    def count(cohorts: int, trainees: int) -> int:
        manager = program_manager()
        for n in range(cohorts):
            cohort = cohort_with(code=f"c{cohorts}-{n}", manager=manager)
            trainees_bulk(cohort, trainees, prefix=f"p{cohorts}{n}x", done_lessons=1)
        client.force_login(manager)
        client.get("/")
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
        return len(queries)

    assert count(1, 2) == count(4, 30)


# -- the header ------------------------------------------------------------------


def test_the_header_gives_staff_their_links(client, index, a_trainer, a_trainee):
    nav = _nav(_home(client, a_trainer))
    for url in (
        reverse("cohorts:list"),
        reverse("assessments:marking"),
        reverse("wagtailadmin_home"),
        reverse("courses:my_learning"),
    ):
        assert f'href="{url}"' in nav, url
    nav = _nav(_home(client, a_trainee))
    assert f'href="{reverse("courses:my_learning")}"' in nav
    assert reverse("cohorts:list") not in nav
    assert reverse("wagtailadmin_home") not in nav


def test_the_header_words_are_not_the_enrol_and_leave_buttons_words(
    client, index, a_trainee
):
    """ "Keluar" was both log out and leave a course, "Daftar gratis" both
    sign up and enrol: the header says "Keluar akun" and "Buat akun"."""
    signed_out = _nav(client.get("/").content.decode())
    assert ">Buat akun<" in signed_out
    assert "Daftar" not in signed_out
    signed_in = _nav(_home(client, a_trainee))
    assert ">Keluar akun<" in signed_in
    assert not re.search(r">\s*Keluar\s*<", signed_in)
    assert catalogue().url in signed_in


@pytest.mark.parametrize("url_name", ["account_signup", "account_login"])
def test_the_account_pages_say_buat_akun_not_daftar(client, index, url_name):
    """The header's "Buat akun" leads to a page that says the same: its
    heading, button and the log-in page's link never say "Daftar", the
    word of the course page's enrol button."""
    body = client.get(reverse(url_name)).content.decode()
    main = " ".join(
        re.sub(
            r"<[^>]+>", " ", body[body.index("<main") : body.index("</main>")]
        ).split()
    )
    assert "daftar" not in main.lower()
    assert "Buat akun" in main or "buat akun" in main
