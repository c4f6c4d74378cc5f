"""Bahasa Indonesia by default; English when chosen."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

SWITCH = reverse("language_set")


def test_home_is_indonesian_even_when_the_browser_asks_for_english(client, home):
    response = client.get("/", headers={"accept-language": "en-US,en;q=0.9"})
    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="id">' in body
    assert "Langsung ke isi" in body
    assert response["Content-Language"] == "id"


def test_switching_to_english_sets_a_cookie_and_returns(client, home):
    response = client.post(SWITCH, {"language": "en", "next": "/akun/login/"})
    assert response.status_code == 302
    assert response["Location"] == "/akun/login/"
    assert response.cookies["django_language"].value == "en"
    body = client.get("/").content.decode()
    assert '<html lang="en">' in body
    assert "Skip to content" in body


def test_unknown_language_changes_nothing(client, home):
    response = client.post(SWITCH, {"language": "xx", "next": "/"})
    assert response.status_code == 302
    assert "django_language" not in response.cookies


def test_switch_refuses_to_redirect_off_site(client):
    response = client.post(SWITCH, {"language": "en", "next": "https://jahat.example/"})
    assert response["Location"] == "/"


def test_switch_needs_post(client):
    assert client.get(SWITCH).status_code == 405


def test_signed_in_choice_is_remembered_on_the_account(client, a_trainee, home):
    client.force_login(a_trainee)
    client.post(SWITCH, {"language": "en", "next": "/"})
    a_trainee.refresh_from_db()
    assert a_trainee.preferred_language == "en"
    client.cookies.clear()
    client.force_login(a_trainee)
    assert '<html lang="en">' in client.get("/").content.decode()


def test_page_has_skip_link_help_link_and_no_third_party_assets(client, home, settings):
    body = client.get("/").content.decode()
    assert 'href="#main"' in body
    assert f'href="{settings.SINAU_HELP_URL}"' in body
    assert "Bantuan lewat WhatsApp" in body
    for tag in ('<script src="http', '<link rel="stylesheet" href="http'):
        assert tag not in body


def test_home_leads_a_signed_in_trainee_back_to_learning(client, a_trainee, home):
    """Straight to the next step of the course they are doing (the start
    page, tests/content/test_start_pages.py), not to a list."""
    from courses.services import enrollment_create
    from tests.factories.courses import course_tree, lessons_of

    course = course_tree(modules=1, lessons=2)
    enrollment_create(user=a_trainee, course=course)
    a_trainee.last_login = timezone.now() - timedelta(days=2)
    a_trainee.save(update_fields=["last_login"])
    client.force_login(a_trainee)
    body = client.get("/").content.decode()
    assert f'<a class="button" href="{lessons_of(course)[0].url}">Lanjutkan' in body
    assert "Selamat datang kembali" in body


def test_a_first_log_in_is_welcomed_not_welcomed_back(client, a_trainee, home):
    client.force_login(a_trainee)
    body = client.get("/").content.decode()
    assert "Selamat datang di Sinau" in body
    assert "kembali" not in body
    client.logout()
    client.force_login(a_trainee)
    assert "Selamat datang kembali" in client.get("/").content.decode()
