"""The "lesson to re-read" link of a missed question never names a lesson
the trainee may not see, however it is closed: its module or its course
unpublished, restricted to a group the trainee is not in, or the lesson
deleted. The quiz's module is offered instead; a second trainee's result
page is theirs alone."""

import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import PageViewRestriction

from assessments.demo import attempt_take
from courses.models import ModulePage
from tests.factories import trainee
from tests.factories.assessments import question, quiz_in
from tests.factories.courses import course_tree, lessons_of

pytestmark = pytest.mark.django_db

SECRET = "Pelajaran Rahasia Harga Pokok"


def _close(how: str, lesson, other_course):
    if how == "module unpublished":
        lesson.get_parent().specific.unpublish()
    elif how == "course unpublished":
        other_course.unpublish()
    elif how == "group restricted":
        restriction = PageViewRestriction.objects.create(
            page=lesson, restriction_type=PageViewRestriction.GROUPS
        )
        restriction.groups.add(Group.objects.create(name="Pelatih saja"))
    elif how == "deleted":
        lesson.delete()


@pytest.mark.parametrize(
    "how",
    ["module unpublished", "course unpublished", "group restricted", "deleted"],
)
def test_a_closed_lesson_is_never_named(client, learner, course, how):
    other = course_tree(modules=1, lessons=1)
    lesson = lessons_of(other)[0]
    lesson.title = SECRET
    lesson.save_revision().publish()
    quiz = quiz_in(course, [question("single", lesson_to_reread=lesson)])
    _close(how, lesson, other)
    attempt = attempt_take(user=learner, quiz=quiz, right=False)
    client.force_login(learner)
    body = client.get(reverse("assessments:result", args=[attempt.pk])).content
    body = body.decode()
    assert SECRET not in body
    module = ModulePage.objects.child_of(course).get()
    assert f'href="{course.url}#module-{module.pk}"' in body


def test_another_trainee_sees_nothing_of_the_result(client, learner, course):
    lesson = lessons_of(course)[0]
    lesson.title = SECRET
    lesson.save_revision().publish()
    quiz = quiz_in(course, [question("single", lesson_to_reread=lesson)])
    attempt = attempt_take(user=learner, quiz=quiz, right=False)
    client.force_login(trainee())
    response = client.get(reverse("assessments:result", args=[attempt.pk]))
    assert response.status_code in (302, 403, 404)
    assert SECRET not in response.content.decode()
    assert not re.search(r'<h3 id="review-', response.content.decode())
