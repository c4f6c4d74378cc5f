"""Error pages a trainee can meet are Sinau's, in Indonesian, and say what
to do next: not found, not open to them, an expired form, a request that
could not be read, and a server error."""

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import translation
from wagtail.models import PageViewRestriction

from courses.services import enrollment_create
from tests.factories.courses import course_tree, lessons_of

pytestmark = pytest.mark.django_db


def _body(response) -> str:
    return response.content.decode()


def test_not_found_is_indonesian_with_the_site_header(client, a_trainee, home):
    client.force_login(a_trainee)
    response = client.get("/tidak-ada-halaman-ini/")
    body = _body(response)
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in body
    assert '<html lang="id">' in body
    assert "Langsung ke isi" in body  # the site's header, skip link first
    assert "Log out" not in body


def test_not_found_follows_the_chosen_language(client, home):
    client.cookies["django_language"] = "en"
    body = _body(client.get("/tidak-ada/"))
    assert "Page not found" in body


def test_a_page_for_another_group_is_a_translated_403(client, a_trainee, home):
    from django.contrib.auth.models import Group

    course = course_tree(modules=1, lessons=1)
    group = Group.objects.create(name="Kelompok lain")
    restriction = PageViewRestriction.objects.create(
        page=course, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(group)
    client.force_login(a_trainee)
    response = client.get(course.url)
    body = _body(response)
    assert response.status_code == 403
    assert "Tidak terbuka untuk Anda" in body
    assert "Langsung ke isi" in body


def test_an_expired_form_says_nothing_was_saved_and_saves_nothing(a_trainee, home):
    course = course_tree(modules=1, lessons=1)
    enrollment_create(user=a_trainee, course=course)
    lesson = lessons_of(course)[0]
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(a_trainee)
    response = strict.post(reverse("courses:lesson_done", args=[lesson.pk]))
    body = _body(response)
    assert response.status_code == 403
    assert "Formulir sudah kedaluwarsa" in body
    assert "Tidak ada yang tersimpan" in body
    assert "CSRF" not in body
    assert not a_trainee.lesson_completions.exists()


def test_an_unreadable_request_is_a_plain_indonesian_400(client, home):
    response = client.get("/", headers={"host": "jahat.example"})
    assert response.status_code == 400
    assert "Permintaan tidak dapat dibaca" in _body(response)


def test_the_server_error_page_needs_nothing_but_itself():
    """Django renders 500.html with no request and no context: it must not
    touch the database, the cache or the static manifest."""
    with translation.override("id"):
        body = render_to_string("500.html")
    assert "Terjadi kesalahan" in body
    assert '<html lang="id">' in body


def test_the_language_switch_on_an_expired_form_leads_back_to_the_form(a_trainee, home):
    """The expired-form page answers a POST to an address that may take only
    POST (marking a lesson done). Its language switch returns to the page the
    form was on, not to that address (whose GET is a blank 405); with no
    such page on this site, to the home page."""
    import re

    course = course_tree(modules=1, lessons=1)
    enrollment_create(user=a_trainee, course=course)
    lesson = lessons_of(course)[0]
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(a_trainee)
    action = reverse("courses:lesson_done", args=[lesson.pk])
    for referer, back in (
        (f"http://testserver{lesson.url}", lesson.url),
        ("https://jahat.example/x/", "/"),
        (None, "/"),
    ):
        headers = {"referer": referer} if referer else {}
        body = _body(strict.post(action, headers=headers))
        assert f'name="next" value="{back}#bahasa"' in body, referer
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)[1]
    switched = strict.post(
        reverse("language_set"),
        {"csrfmiddlewaretoken": token, "language": "en", "next": "/#bahasa"},
        follow=True,
    )
    assert switched.status_code == 200


def test_the_language_switch_on_a_missing_page_returns_to_it(client, home):
    body = _body(client.get("/tidak-ada/?a=1"))
    assert 'name="next" value="/tidak-ada/?a=1#bahasa"' in body
