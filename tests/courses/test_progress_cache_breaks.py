"""Ways the progress snapshot and the caches keyed on it could show stale or
someone else's state (courses/progress.py, courses/access.py)."""

import pytest
from django.urls import reverse

from assessments.services import attempt_start, attempt_submit
from courses.models import CoursePage
from courses.progress import progress_changed
from courses.services import enrollment_create, enrollment_withdraw
from tests.factories import trainee
from tests.factories.assessments import question, quiz_in
from tests.factories.courses import course_tree

pytestmark = pytest.mark.django_db


def _reordered(first: CoursePage, second: CoursePage) -> tuple[CoursePage, CoursePage]:
    """Move `second` before `first` among their siblings (Wagtail's page
    explorer reorder): the two courses swap tree paths."""
    second.move(first, pos="left")
    first.refresh_from_db()
    second.refresh_from_db()
    return first, second


def test_an_open_attempt_stays_open_after_its_course_is_reordered(client):
    """The snapshot names each enrolment's course by tree path; a course
    moved (reordered, or moved to another catalogue) keeps its enrolments."""
    course = course_tree(modules=1, lessons=1)
    other = course_tree(modules=1, lessons=1)
    quiz = quiz_in(other, [question("true_false")])
    user = trainee()
    enrollment_create(user=user, course=other)
    attempt = attempt_start(user=user, quiz=quiz)
    client.force_login(user)
    url = reverse("assessments:question", args=[attempt.pk, 1])
    assert client.get(url).status_code == 200  # snapshot cached
    old_path = other.path
    course, other = _reordered(course, other)
    assert other.path != old_path
    assert client.get(url).status_code == 200


def test_an_enrolment_never_opens_another_course_that_took_its_tree_path(client):
    """Enrolled in one course and withdrawn from another: after the courses
    swap places in the tree, the attempt pages of the course left stay
    closed (they would show correct answers)."""
    course = course_tree(modules=1, lessons=1)
    left = course_tree(modules=1, lessons=1)
    quiz = quiz_in(left, [question("true_false")])
    user = trainee()
    enrollment_create(user=user, course=left)
    attempt = attempt_start(user=user, quiz=quiz)
    enrollment_withdraw(user=user, course=left)
    enrollment_create(user=user, course=course)
    client.force_login(user)
    url = reverse("assessments:overview", args=[attempt.pk])
    assert client.get(url).status_code == 302  # refused; snapshot cached
    course_path = course.path
    course, left = _reordered(course, left)
    assert left.path == course_path  # the course left now sits where course was
    response = client.get(url)
    assert response.status_code == 302, "a withdrawn trainee reads the attempt"


def test_a_restricted_module_without_steps_never_reaches_an_outsiders_outline(client):
    """The course outline fragment is keyed on the steps the request may see;
    a module the request may not see, with no step (yet) or none live, must
    count too, or one viewer's outline is served to the other."""
    from django.contrib.auth.models import Group
    from wagtail.models import PageViewRestriction

    from tests.factories.courses import ModulePageFactory

    course = course_tree(modules=1, lessons=1)
    secret = ModulePageFactory(parent=course, title="Modul Rahasia Desa")
    insiders = Group.objects.create(name="Kelompok Desa A")
    restriction = PageViewRestriction.objects.create(
        page=secret, restriction_type="groups"
    )
    restriction.groups.set([insiders])
    insider, outsider = trainee(), trainee()
    insider.groups.add(insiders)
    client.force_login(insider)
    assert "Modul Rahasia Desa" in client.get(course.url).text
    client.force_login(outsider)
    assert "Modul Rahasia Desa" not in client.get(course.url).text


def test_topic_scores_follow_a_question_deleted_from_the_bank():
    from assessments.demo import answer_data
    from assessments.selectors import category_progress
    from assessments.services import attempt_answer

    course = course_tree(modules=1, lessons=1)
    asked = question("single")
    quiz = quiz_in(course, [asked])
    user = trainee()
    enrollment_create(user=user, course=course)
    for right in (False, True):
        attempt = attempt_start(user=user, quiz=quiz)
        attempt_answer(
            user=user,
            attempt_id=attempt.pk,
            order=1,
            data=answer_data(attempt.items.get().snapshot, right=right),
        )
        attempt_submit(user=user, attempt_id=attempt.pk)
    assert category_progress(user=user)[0].possible == 1  # cached now
    asked.delete()  # the attempts' items keep the question, as one per attempt
    cached = category_progress(user=user)[0]
    progress_changed(user.pk)
    fresh = category_progress(user=user)[0]
    assert (cached.correct, cached.possible) == (fresh.correct, fresh.possible)
