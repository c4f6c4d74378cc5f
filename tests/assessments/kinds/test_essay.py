"""The essay kind (assessments/kinds/essay.py): a blank essay, and marking.
Essays are marked by trainers of the course, and only by them; points
typed into the marking form are read like trainees' numbers, and nothing a
marker types causes anything but Refused. The marking queue is
tests/assessments/test_marking_queue.py."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wagtail.models import GroupPagePermission

from assessments.demo import attempt_take
from assessments.models import Attempt, AttemptQuestion
from assessments.services import Refused, essay_is_blank, essay_mark
from courses.models import Enrollment
from courses.seed import course_index_ensure
from tests.factories import UserFactory, trainer
from tests.factories.assessments import question, quiz_in
from tests.factories.courses import course_tree

pytestmark = pytest.mark.django_db


def _other_course_trainer():
    """A trainer whose edit rights cover another course only."""
    other = course_tree(title="Kursus Lain")
    group = Group.objects.create(name="Pelatih kursus lain")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    for codename in ("change_page", "add_page"):
        GroupPagePermission.objects.create(
            group=group,
            page=other,
            permission=Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            ),
        )
    user = UserFactory()
    user.groups.add(group)
    return user


def test_essay_waits_for_marking_then_counts(essay_attempt, learner):
    assert essay_attempt.status == "marking"
    assert essay_attempt.passed is None
    marker = trainer()
    item = essay_attempt.items.get(snapshot__kind="essay")
    essay_mark(
        marker=marker, item_id=item.pk, points="3", feedback="Bagus, tambah CTA."
    )
    attempt = Attempt.objects.get(pk=essay_attempt.pk)
    assert (attempt.status, attempt.score, attempt.passed) == ("graded", 4, True)
    item.refresh_from_db()
    assert item.marked_by == marker
    assert item.feedback == "Bagus, tambah CTA."
    assert Enrollment.objects.get(user=learner).completed_at is not None


def test_trainer_of_another_course_may_not_mark_and_nothing_changes(
    essay_attempt, client
):
    outsider = _other_course_trainer()
    item = essay_attempt.items.get(snapshot__kind="essay")
    with pytest.raises(Refused, match="Hanya pelatih kursus ini"):
        essay_mark(marker=outsider, item_id=item.pk, points="4", feedback="x")
    item.refresh_from_db()
    assert item.points is None
    client.force_login(outsider)
    assert client.get(reverse("assessments:mark", args=[item.pk])).status_code == 404
    assert (
        client.post(
            reverse("assessments:mark", args=[item.pk]), {"points": "4"}
        ).status_code
        == 404
    )
    assert (
        client.get(reverse("assessments:marking"))
        .content.decode()
        .count(reverse("assessments:mark", args=[item.pk]))
        == 0
    )
    item.refresh_from_db()
    assert item.points is None


def test_trainee_may_not_mark_their_own_essay(essay_attempt, learner, client):
    item = essay_attempt.items.get(snapshot__kind="essay")
    client.force_login(learner)
    assert client.get(reverse("assessments:marking")).status_code == 404
    assert (
        client.post(
            reverse("assessments:mark", args=[item.pk]), {"points": "4"}
        ).status_code
        == 404
    )
    item.refresh_from_db()
    assert item.points is None


@pytest.mark.parametrize(
    ("response", "blank"),
    [(None, True), ({}, True), ({"text": " \n "}, True), ({"text": "Ya"}, False)],
)
def test_essay_is_blank(response, blank):
    assert essay_is_blank(response=response) is blank


# -- points typed into the marking form --------------------------------------


@pytest.fixture
def essay_item(course, learner):
    course_index_ensure(home=course.get_parent().get_parent().specific)
    quiz = quiz_in(course, [question("essay", points=4)])
    attempt = attempt_take(user=learner, quiz=quiz, right=True)
    return attempt.items.get()


def _marked(item):
    return AttemptQuestion.objects.values_list("points", "feedback").get(pk=item.pk)


@pytest.mark.parametrize(
    ("points", "value"),
    [("0.500", "0.5"), ("2,5", "2.5"), ("1.250", "1.25"), ("3,-", "3")],
)
def test_points_are_read_as_meant(essay_item, points, value):
    essay_mark(marker=trainer(), item_id=essay_item.pk, points=points, feedback="")
    assert _marked(essay_item)[0] == Decimal(value)


@pytest.mark.parametrize(
    ("points", "feedback", "message"),
    [
        ("0.125", "", "dua angka di belakang koma"),
        ("5", "", "antara 0 dan 4"),
        ("-1", "", "antara 0 dan 4"),
        ("1e3", "", "antara 0 dan 4"),
        ("2", "Bagus\x00", "karakter yang tidak dapat disimpan"),
    ],
)
def test_refused_marks_change_nothing(essay_item, points, feedback, message):
    before = _marked(essay_item)
    with pytest.raises(Refused, match=message):
        essay_mark(
            marker=trainer(), item_id=essay_item.pk, points=points, feedback=feedback
        )
    assert _marked(essay_item) == before


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    points=st.one_of(
        st.text(max_size=40),
        st.from_regex(r"\A[-+]?[0-9]{0,30}([.,][0-9]{0,30})?\Z"),
    ),
    feedback=st.text(max_size=60),
)
def test_marking_only_refuses(essay_item, points, feedback):
    marker = trainer()
    try:
        essay_mark(
            marker=marker, item_id=essay_item.pk, points=points, feedback=feedback
        )
    except Refused:
        return
    value, _feedback = _marked(essay_item)
    assert 0 <= value <= 4
