"""Essays are marked by trainers of the course, and only by them."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from wagtail.models import GroupPagePermission

from assessments.models import Attempt
from assessments.services import Refused, essay_mark
from courses.models import Enrollment
from tests.factories import UserFactory, trainer
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


def test_marking_queue_and_form_for_the_course_trainer(essay_attempt, client):
    item = essay_attempt.items.get(snapshot__kind="essay")
    client.force_login(trainer())
    queue = client.get(reverse("assessments:marking")).content.decode()
    assert reverse("assessments:mark", args=[item.pk]) in queue
    form = client.get(reverse("assessments:mark", args=[item.pk])).content.decode()
    assert "Ada masalah, agitasi dan solusi." in form
    response = client.post(
        reverse("assessments:mark", args=[item.pk]), {"points": "9", "feedback": ""}
    )
    assert response.status_code == 400
    assert "Beri antara 0 dan 4 poin." in response.content.decode()
    item.refresh_from_db()
    assert item.points is None
    response = client.post(
        reverse("assessments:mark", args=[item.pk]),
        {"points": "2,5", "feedback": "Oke"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.points == 2.5
