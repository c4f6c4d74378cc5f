import pytest
from django.core.management import call_command
from wagtail.models import Page, Site

from content.models import HomePage
from courses.models import CoursePage, Enrollment, LearningPath, LessonCompletion
from lms.accounts.models import User

pytestmark = pytest.mark.django_db


def _counts():
    return {
        "pages": Page.objects.count(),
        "users": User.objects.count(),
        "sites": Site.objects.count(),
        "paths": LearningPath.objects.count(),
        "enrollments": Enrollment.objects.count(),
        "completions": LessonCompletion.objects.count(),
    }


def test_load_initial_data_builds_the_curriculum_once(settings, capsys):
    settings.DEBUG = True
    call_command("load_initial_data")
    first = _counts()
    out = capsys.readouterr().out
    call_command("load_initial_data")
    assert _counts() == first
    assert CoursePage.objects.live().count() == 9
    assert first["paths"] == 4
    assert "course 9/9" in out
    assert "peserta@sinau.local" in out
    assert settings.SINAU_DEMO_PASSWORD in out
    assert "already there" in capsys.readouterr().out
    site = Site.objects.get(is_default_site=True)
    assert isinstance(site.root_page.specific, HomePage)
    demo = User.objects.get(email="peserta@sinau.local")
    assert LessonCompletion.objects.filter(user=demo).count() == 3
    assert (
        Enrollment.objects.get(user=demo, course__slug="cakap-digital").completed_at
        is None
    )


def test_demo_accounts_log_in_by_phone_with_the_printed_password(client, settings):
    settings.DEBUG = True
    call_command("load_initial_data")
    response = client.post(
        "/akun/login/",
        {"login": "081234567802", "password": settings.SINAU_DEMO_PASSWORD},
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_demo_accounts_are_not_created_when_debug_is_off(settings):
    settings.DEBUG = False
    call_command("load_initial_data")
    assert not User.objects.filter(email="peserta@sinau.local").exists()
    assert CoursePage.objects.count() == 9
