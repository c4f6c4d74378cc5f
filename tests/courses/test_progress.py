import pytest
from django.urls import reverse

from courses.models import Enrollment, LessonCompletion
from courses.selectors import course_progress
from courses.services import enrollment_create, lesson_complete
from courses.signals import course_completed
from tests.factories.courses import course_tree, lessons_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def completions():
    """Every enrollment `course_completed` is sent for."""
    sent = []

    def receiver(sender, enrollment, **kwargs):
        sent.append(enrollment.pk)

    course_completed.connect(receiver)
    yield sent
    course_completed.disconnect(receiver)


def _done(client, lesson):
    return client.post(reverse("courses:lesson_done", args=[lesson.pk]))


def test_mark_as_done_is_one_idempotent_post(client, a_trainee):
    course = course_tree()
    lesson = lessons_of(course)[0]
    enrollment_create(user=a_trainee, course=course)
    client.force_login(a_trainee)
    assert _done(client, lesson).status_code == 302
    first = LessonCompletion.objects.get()
    assert _done(client, lesson).status_code == 302
    assert LessonCompletion.objects.get() == first


def test_mark_as_done_without_enrollment_is_refused_and_records_nothing(
    client, a_trainee
):
    course = course_tree()
    lesson = lessons_of(course)[0]
    client.force_login(a_trainee)
    response = _done(client, lesson)
    assert response.status_code == 302
    assert not LessonCompletion.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "Daftar di kursus ini untuk menandai pelajaran selesai." in page


def test_mark_as_done_needs_login_and_post(client, a_trainee):
    lesson = lessons_of(course_tree())[0]
    assert _done(client, lesson)["Location"].startswith(reverse("account_login"))
    client.force_login(a_trainee)
    url = reverse("courses:lesson_done", args=[lesson.pk])
    assert client.get(url).status_code == 405
    assert not LessonCompletion.objects.exists()


def test_course_completes_once_when_every_required_lesson_is_done(
    a_trainee, completions, django_capture_on_commit_callbacks
):
    course = course_tree(modules=2, lessons=2)
    enrollment_create(user=a_trainee, course=course)
    lessons = lessons_of(course)
    with django_capture_on_commit_callbacks(execute=True):
        for lesson in lessons[:-1]:
            lesson_complete(user=a_trainee, lesson=lesson)
    assert completions == []
    assert Enrollment.objects.get().completed_at is None
    with django_capture_on_commit_callbacks(execute=True):
        lesson_complete(user=a_trainee, lesson=lessons[-1])
        lesson_complete(user=a_trainee, lesson=lessons[-1])
        lesson_complete(user=a_trainee, lesson=lessons[0])
    enrollment = Enrollment.objects.get()
    assert completions == [enrollment.pk]
    assert enrollment.status == "completed"
    first_completed_at = enrollment.completed_at
    assert first_completed_at is not None
    enrollment.refresh_from_db()
    assert enrollment.completed_at == first_completed_at


def test_optional_lessons_do_not_block_completion(a_trainee, completions):
    course = course_tree(modules=1, lessons=2)
    required, optional = lessons_of(course)
    optional.required = False
    optional.save()
    enrollment_create(user=a_trainee, course=course)
    lesson_complete(user=a_trainee, lesson=required)
    assert Enrollment.objects.get().completed_at is not None


def test_completion_hook_waits_for_the_commit(a_trainee, completions):
    course = course_tree(modules=1, lessons=1)
    enrollment_create(user=a_trainee, course=course)
    lesson_complete(user=a_trainee, lesson=lessons_of(course)[0])
    # pytest-django's `db` runs the test in a transaction that never commits.
    assert completions == []


def test_progress_and_continue_point_to_the_first_unfinished_lesson(a_trainee):
    course = course_tree(modules=2, lessons=3)
    lessons = lessons_of(course)
    enrollment_create(user=a_trainee, course=course)
    for index in (0, 1, 3):
        lesson_complete(user=a_trainee, lesson=lessons[index])
    progress = course_progress(course=course, user=a_trainee)
    assert (progress.done_count, progress.required_count, progress.percent) == (
        3,
        6,
        50,
    )
    assert progress.next_step.id == lessons[2].pk
    assert [m.done_count for m in progress.modules] == [2, 1]


def test_my_learning_continue_button_goes_to_the_next_lesson(client, a_trainee):
    course = course_tree(modules=2, lessons=2)
    lessons = lessons_of(course)
    enrollment_create(user=a_trainee, course=course)
    lesson_complete(user=a_trainee, lesson=lessons[0])
    lesson_complete(user=a_trainee, lesson=lessons[1])
    client.force_login(a_trainee)
    body = client.get(reverse("courses:my_learning")).content.decode()
    assert f'<a class="button" href="{lessons[2].url}">Lanjutkan' in body
    assert "2 dari 4 selesai (50%)" in body


def test_my_learning_needs_login(client):
    response = client.get(reverse("courses:my_learning"))
    assert response["Location"].startswith(reverse("account_login"))


def test_my_learning_shows_only_my_courses(client, a_trainee):
    mine, other = course_tree(title="Kursus Saya"), course_tree(title="Kursus Lain")
    enrollment_create(user=a_trainee, course=mine)
    client.force_login(a_trainee)
    body = client.get(reverse("courses:my_learning")).content.decode()
    assert "Kursus Saya" in body
    assert other.title not in body
