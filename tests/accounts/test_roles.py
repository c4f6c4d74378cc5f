"""Roles: the groups, their permissions and who reaches the Wagtail admin."""

import pytest
from django.contrib.auth.models import Group

from lms.accounts.roles import PROGRAM_MANAGERS, TRAINEES, TRAINERS

pytestmark = pytest.mark.django_db


def _perms(name):
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Group.objects.get(name=name).permissions.all()
    }


def test_data_migration_creates_the_three_roles():
    names = set(Group.objects.values_list("name", flat=True))
    assert {TRAINEES, TRAINERS, PROGRAM_MANAGERS} <= names


def test_trainers_reach_the_admin_and_trainees_hold_no_permission():
    assert "wagtailadmin.access_admin" in _perms(TRAINERS)
    assert "wagtailimages.add_image" in _perms(TRAINERS)
    assert _perms(TRAINEES) == set()


def test_anonymous_visitor_is_sent_to_the_admin_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_trainee_cannot_open_the_admin(client, a_trainee):
    client.force_login(a_trainee)
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[0][0].startswith("/admin/login/")
    assert b"wagtail-dashboard" not in response.content
    assert not a_trainee.has_perm("wagtailadmin.access_admin")


def test_trainer_opens_the_admin_dashboard(client, a_trainer):
    client.force_login(a_trainer)
    response = client.get("/admin/")
    assert response.status_code == 200


def test_program_manager_opens_the_admin_dashboard(client, a_manager):
    client.force_login(a_manager)
    assert client.get("/admin/").status_code == 200


def test_trainee_cannot_open_django_admin(client, a_trainee):
    client.force_login(a_trainee)
    response = client.get("/django-admin/")
    assert response.status_code == 302
    assert "/django-admin/login/" in response["Location"]


def test_trainer_manages_practice_products_and_paths_trainee_cannot(
    client, a_trainer, a_trainee
):
    client.force_login(a_trainer)
    assert client.get("/admin/snippets/content/practiceproduct/").status_code == 200
    assert client.get("/admin/snippets/courses/learningpath/add/").status_code == 200
    client.force_login(a_trainee)
    response = client.get("/admin/snippets/content/practiceproduct/")
    assert response.status_code == 302


def test_trainer_may_edit_course_pages_under_the_catalogue(a_trainer, home):
    from courses.seed import course_index_ensure

    index = course_index_ensure(home=home)
    perms = index.permissions_for_user(a_trainer)
    assert perms.can_add_subpage()
    assert perms.can_publish()


def test_the_page_editor_names_the_approval_workflow_in_indonesian(
    client, a_trainer, home
):
    """Wagtail's own migration names its default workflow and task
    "Moderators approval": the trainer's "Tindakan lain" menu said
    "Pengajuan ke Moderators approval"."""
    from courses.seed import course_index_ensure
    from tests.factories.courses import course_tree, lessons_of

    course_index_ensure(home=home)  # grants the Trainers group its pages
    lesson = lessons_of(course_tree())[0]
    client.force_login(a_trainer)
    response = client.get(f"/admin/pages/{lesson.pk}/edit/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Moderators approval" not in body
    assert "Persetujuan moderator" in body
