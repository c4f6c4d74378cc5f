"""The access rule (courses/access.py) on every page and action: the examples
of docs/decisions/0001-one-access-rule.md, and "withdrawn trainees cannot keep
answering"."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import PageViewRestriction

from assessments.demo import answer_data, attempt_take
from assessments.models import Attempt, AttemptQuestion
from assessments.services import Refused, attempt_answer, attempt_start
from courses.access import Outcome, step_access, visible_page_ids
from courses.models import Enrollment, LessonCompletion, ModulePage
from courses.services import enrollment_create, enrollment_withdraw
from tests.factories import trainee
from tests.factories.assessments import question, quiz_in
from tests.factories.courses import course_tree, lessons_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def course():
    return course_tree(modules=1, lessons=2, title="Kursus Terbatas")


@pytest.fixture
def quiz(course):
    return quiz_in(course, [question("single"), question("true_false")])


@pytest.fixture
def insiders():
    return Group.objects.create(name="Kelompok Desa A")


def restrict(page, *, groups=None, password=None):
    if password is not None:
        return PageViewRestriction.objects.create(
            page=page, restriction_type="password", password=password
        )
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type="groups"
    )
    restriction.groups.set(groups)
    return restriction


def _start(client, quiz):
    return client.post(reverse("assessments:start", args=[quiz.pk]))


def _enrol(client, course):
    return client.post(reverse("courses:enroll", args=[course.pk]))


# -- restricted to a group -------------------------------------------------


def test_course_page_of_a_group_restricted_course_is_refused(client, course, insiders):
    restrict(course, groups=[insiders])
    assert client.get(course.url)["Location"].startswith(reverse("account_login"))
    client.force_login(trainee())
    assert client.get(course.url).status_code == 403


def test_enrol_post_in_a_group_restricted_course_enrols_nobody(
    client, course, insiders
):
    restrict(course, groups=[insiders])
    client.force_login(trainee())
    assert _enrol(client, course).status_code == 403
    assert not Enrollment.objects.exists()


def test_group_member_enrols_in_a_group_restricted_course(client, course, insiders):
    restrict(course, groups=[insiders])
    member = trainee()
    member.groups.add(insiders)
    client.force_login(member)
    assert _enrol(client, course).status_code == 302
    assert Enrollment.objects.get().user == member


def test_quiz_start_in_a_group_restricted_course_starts_nothing(
    client, course, quiz, insiders
):
    restrict(course, groups=[insiders])
    client.force_login(trainee())
    assert _start(client, quiz).status_code == 403
    assert not Attempt.objects.exists()


def test_trainee_enrolled_before_a_restriction_can_no_longer_start_quizzes(
    client, course, quiz, a_trainee, insiders
):
    enrollment_create(user=a_trainee, course=course)
    restrict(course, groups=[insiders])
    client.force_login(a_trainee)
    assert _start(client, quiz).status_code == 403
    assert not Attempt.objects.exists()


def test_attempt_pages_refused_once_the_course_is_restricted(
    client, course, quiz, a_trainee, insiders
):
    enrollment_create(user=a_trainee, course=course)
    attempt = attempt_start(user=a_trainee, quiz=quiz)
    item = attempt.items.get(order=1)
    restrict(course, groups=[insiders])
    client.force_login(a_trainee)
    question_url = reverse("assessments:question", args=[attempt.pk, 1])
    assert client.get(question_url).status_code == 403
    posted = dict(answer_data(item.snapshot, right=True).lists())
    assert client.post(question_url, posted).status_code == 403
    overview = reverse("assessments:overview", args=[attempt.pk])
    assert client.get(overview).status_code == 403
    submit = reverse("assessments:submit", args=[attempt.pk])
    assert client.post(submit).status_code == 403
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.IN_PROGRESS
    assert AttemptQuestion.objects.get(pk=item.pk).response is None


def test_result_with_correct_answers_refused_once_the_course_is_restricted(
    client, course, quiz, a_trainee, insiders
):
    enrollment_create(user=a_trainee, course=course)
    attempt = attempt_take(user=a_trainee, quiz=quiz, right=True)
    client.force_login(a_trainee)
    result = reverse("assessments:result", args=[attempt.pk])
    assert "Penjelasan single." in client.get(result).content.decode()
    restrict(course, groups=[insiders])
    response = client.get(result)
    assert response.status_code == 403
    assert "Penjelasan single." not in response.content.decode()


def test_belajarku_leaves_out_a_course_restricted_after_enrolment(
    client, course, quiz, a_trainee, insiders
):
    enrollment_create(user=a_trainee, course=course)
    attempt_take(user=a_trainee, quiz=quiz, right=True)
    client.force_login(a_trainee)
    url = reverse("courses:my_learning")
    body = client.get(url).content.decode()
    assert "Kursus Terbatas" in body
    assert "Copywriting" in body  # the quiz's category panel
    restrict(course, groups=[insiders])
    body = client.get(url).content.decode()
    assert "Kursus Terbatas" not in body
    assert "Copywriting" not in body


def test_mark_done_on_a_lesson_restricted_to_trainers_records_nothing(
    client, course, a_trainee
):
    lesson = lessons_of(course)[0]
    enrollment_create(user=a_trainee, course=course)
    restrict(lesson, groups=[Group.objects.get(name="Trainers")])
    client.force_login(a_trainee)
    response = client.post(reverse("courses:lesson_done", args=[lesson.pk]))
    assert response.status_code == 403
    assert not LessonCompletion.objects.exists()


def test_outline_and_catalogue_do_not_list_what_the_viewer_may_not_open(
    client, course, insiders
):
    hidden_lesson = lessons_of(course)[1]
    hidden_lesson.title = "Pelajaran Khusus Pelatih"
    hidden_lesson.save_revision().publish()
    restrict(hidden_lesson, groups=[Group.objects.get(name="Trainers")])
    other = course_tree(modules=1, lessons=1, title="Kursus Kelompok")
    restrict(other, groups=[insiders])
    client.force_login(trainee())
    assert "Pelajaran Khusus Pelatih" not in client.get(course.url).content.decode()
    catalogue = client.get("/kursus/").content.decode()
    assert "Kursus Terbatas" in catalogue
    assert "Kursus Kelompok" not in catalogue
    member = trainee()
    member.groups.add(insiders)
    client.force_login(member)
    assert "Kursus Kelompok" in client.get("/kursus/").content.decode()


# -- password --------------------------------------------------------------


def test_password_protected_course_cannot_be_joined_without_its_password(
    client, course, a_trainee
):
    restrict(course, password="kopi-desa")
    client.force_login(a_trainee)
    response = _enrol(client, course)
    assert response.status_code == 403
    assert 'name="password"' in response.content.decode()
    assert not Enrollment.objects.exists()


def test_password_protected_course_is_joined_after_giving_the_password(
    client, course, a_trainee
):
    restriction = restrict(course, password="kopi-desa")
    client.force_login(a_trainee)
    authenticate = reverse(
        "wagtailcore_authenticate_with_password", args=[restriction.pk, course.pk]
    )
    client.post(authenticate, {"password": "salah", "return_url": course.url})
    assert _enrol(client, course).status_code == 403
    client.post(authenticate, {"password": "kopi-desa", "return_url": course.url})
    assert _enrol(client, course).status_code == 302
    assert Enrollment.objects.get().user == a_trainee


def test_password_protected_course_stays_listed_in_the_catalogue(client, course):
    restrict(course, password="kopi-desa")
    assert "Kursus Terbatas" in client.get("/kursus/").content.decode()


# -- unpublished course or module ------------------------------------------


@pytest.mark.parametrize("unpublish", ["course", "module"])
def test_steps_under_an_unpublished_ancestor_are_not_found(
    client, course, quiz, unpublish
):
    lesson = lessons_of(course)[0]
    urls = [lesson.url, quiz.url]
    target = course if unpublish == "course" else ModulePage.objects.child_of(course)[0]
    target.unpublish()
    for url in urls:
        assert client.get(url).status_code == 404, url
    client.force_login(trainee())
    for url in urls:
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("unpublish", ["course", "module"])
def test_steps_under_an_unpublished_ancestor_cannot_be_acted_on(
    client, course, quiz, a_trainee, unpublish
):
    enrollment_create(user=a_trainee, course=course)
    attempt = attempt_start(user=a_trainee, quiz=quiz)
    lesson = lessons_of(course)[0]
    target = course if unpublish == "course" else ModulePage.objects.child_of(course)[0]
    target.unpublish()
    client.force_login(a_trainee)
    assert (
        client.post(reverse("courses:lesson_done", args=[lesson.pk])).status_code == 404
    )
    assert _start(client, quiz).status_code == 404
    item = attempt.items.get(order=1)
    posted = dict(answer_data(item.snapshot, right=True).lists())
    url = reverse("assessments:question", args=[attempt.pk, 1])
    assert client.post(url, posted).status_code == 404
    assert (
        client.post(reverse("assessments:submit", args=[attempt.pk])).status_code == 404
    )
    assert not LessonCompletion.objects.exists()
    assert Attempt.objects.get().status == Attempt.Status.IN_PROGRESS
    assert AttemptQuestion.objects.get(pk=item.pk).response is None


def test_unpublished_course_cannot_be_enrolled_in(client, course, a_trainee):
    course.unpublish()
    client.force_login(a_trainee)
    assert _enrol(client, course).status_code == 404
    assert not Enrollment.objects.exists()


# -- withdrawn -------------------------------------------------------------


def test_withdrawn_trainee_cannot_answer_or_submit(client, course, quiz, a_trainee):
    enrollment_create(user=a_trainee, course=course)
    attempt = attempt_start(user=a_trainee, quiz=quiz)
    item = attempt.items.get(order=1)
    enrollment_withdraw(user=a_trainee, course=course)
    client.force_login(a_trainee)
    posted = dict(answer_data(item.snapshot, right=True).lists())
    url = reverse("assessments:question", args=[attempt.pk, 1])
    response = client.post(url, posted, follow=True)
    assert "Anda sudah berhenti dari kursus ini" in response.content.decode()
    client.post(reverse("assessments:submit", args=[attempt.pk]))
    assert AttemptQuestion.objects.get(pk=item.pk).response is None
    assert Attempt.objects.get().status == Attempt.Status.IN_PROGRESS


def test_withdrawn_trainee_cannot_resume_an_open_attempt(client, course, quiz):
    user = trainee()
    enrollment_create(user=user, course=course)
    attempt_start(user=user, quiz=quiz)
    enrollment_withdraw(user=user, course=course)
    with pytest.raises(Refused):
        attempt_start(user=user, quiz=quiz)
    client.force_login(user)
    assert _start(client, quiz)["Location"] == quiz.url


def test_answer_service_refuses_a_withdrawn_trainee(course, quiz, a_trainee):
    enrollment_create(user=a_trainee, course=course)
    attempt = attempt_start(user=a_trainee, quiz=quiz)
    item = attempt.items.get(order=1)
    enrollment_withdraw(user=a_trainee, course=course)
    with pytest.raises(Refused):
        attempt_answer(
            user=a_trainee,
            attempt_id=attempt.pk,
            order=1,
            data=answer_data(item.snapshot, right=True),
        )
    assert AttemptQuestion.objects.get(pk=item.pk).response is None


# -- the selector itself ---------------------------------------------------


def test_step_access_outcomes(rf, course, insiders, a_trainee):
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.cache import SessionStore

    lesson = lessons_of(course)[0]
    request = rf.get("/")
    request.session = SessionStore()
    request.user = AnonymousUser()
    assert step_access(request=request, page=lesson).outcome == Outcome.ALLOW
    assert step_access(request=request, page=lesson, action=True).outcome == (
        Outcome.LOGIN
    )
    request.user = a_trainee
    access = step_access(request=request, page=lesson, action=True)
    assert (access.outcome, access.reason) == (Outcome.ENROL, "not_enrolled")
    enrollment_create(user=a_trainee, course=course)
    assert step_access(request=request, page=lesson, action=True).allowed
    enrollment_withdraw(user=a_trainee, course=course)
    access = step_access(request=request, page=lesson, action=True)
    assert (access.outcome, access.reason) == (Outcome.ENROL, "withdrawn")
    restriction = restrict(course, password="kopi")
    access = step_access(request=request, page=lesson)
    assert (access.outcome, access.restriction) == (Outcome.PASSWORD, restriction)
    restriction.mark_as_passed(request)
    assert step_access(request=request, page=lesson).allowed
    restrict(ModulePage.objects.child_of(course)[0], groups=[insiders])
    assert step_access(request=request, page=lesson).outcome == Outcome.FORBIDDEN
    a_trainee.groups.add(insiders)
    request.user = type(a_trainee).objects.get(pk=a_trainee.pk)
    assert step_access(request=request, page=lesson).allowed


def test_visible_page_ids_takes_a_constant_number_of_queries(
    rf, a_trainee, insiders, django_assert_max_num_queries
):
    from django.contrib.sessions.backends.cache import SessionStore

    courses = [course_tree(modules=1, lessons=1) for _ in range(6)]
    for course in courses[:3]:
        restrict(course, groups=[insiders])
    pages = lessons_of(courses[0]) + [p for c in courses for p in lessons_of(c)]
    request = rf.get("/")
    request.session = SessionStore()
    request.user = a_trainee
    visible_page_ids(request=request, pages=pages[:1])  # warm the tree cache
    request.user = type(a_trainee).objects.get(pk=a_trainee.pk)
    with django_assert_max_num_queries(1):
        ids = visible_page_ids(request=request, pages=pages)
    assert ids == {p.pk for c in courses[3:] for p in lessons_of(c)}


def test_password_form_is_in_indonesian_and_labelled(client, course):
    restrict(course, password="kopi-desa")
    body = client.get(lessons_of(course)[0].url).content.decode()
    assert "Perlu kata sandi" in body
    assert '<label for="id_password">Kata sandi</label>' in body
    assert "Isi rahasia" not in body


def test_wrong_password_is_refused_in_indonesian(client, course):
    restriction = restrict(course, password="kopi-desa")
    url = reverse(
        "wagtailcore_authenticate_with_password", args=[restriction.pk, course.pk]
    )
    body = client.post(url, {"password": "salah", "return_url": course.url})
    assert "Kata sandi yang Anda masukkan salah." in body.content.decode()


def test_services_refuse_steps_under_an_unpublished_module(course, quiz, a_trainee):
    from django.core.exceptions import PermissionDenied

    from courses.services import lesson_complete

    enrollment_create(user=a_trainee, course=course)
    ModulePage.objects.child_of(course)[0].unpublish()
    with pytest.raises(PermissionDenied):
        lesson_complete(user=a_trainee, lesson=lessons_of(course)[0])
    with pytest.raises(Refused):
        attempt_start(user=a_trainee, quiz=quiz)
    assert not LessonCompletion.objects.exists()
    assert not Attempt.objects.exists()


# -- leaving a course one may no longer open ---------------------------------


def _withdraw(client, course):
    return client.post(reverse("courses:withdraw", args=[course.pk]))


@pytest.mark.parametrize("closed_by", ["groups", "password"])
def test_an_enrolee_can_leave_a_course_restricted_since_they_joined(
    client, course, insiders, closed_by
):
    user = trainee()
    enrollment_create(user=user, course=course)
    if closed_by == "groups":
        restrict(course, groups=[insiders])
    else:
        restrict(course, password="kopi-desa")
    client.force_login(user)
    response = _withdraw(client, course)
    assert response.status_code == 302
    assert response["Location"] == reverse("courses:my_learning")
    enrollment = Enrollment.objects.get(user=user, course=course)
    assert enrollment.status == Enrollment.Status.WITHDRAWN


def test_leaving_a_restricted_course_one_is_not_in_changes_nothing(
    client, course, insiders
):
    restrict(course, groups=[insiders])
    client.force_login(trainee())
    response = _withdraw(client, course)
    assert response.status_code in (302, 403)
    assert response.get("Location") != reverse("courses:my_learning")
    assert not Enrollment.objects.exists()


def test_leaving_an_unpublished_course_is_still_not_found(client, course):
    user = trainee()
    enrollment_create(user=user, course=course)
    course.unpublish()
    client.force_login(user)
    assert _withdraw(client, course).status_code == 404
    assert Enrollment.objects.get(user=user, course=course).is_active
