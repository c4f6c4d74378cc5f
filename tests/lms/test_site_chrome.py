"""The header and footer every page shares (templates/base.html) are cached
fragments keyed on what they show; what belongs to one request (CSRF
tokens, the language switch's way back) is rendered for that request."""

import re

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.urls import reverse

from courses.services import enrollment_create
from tests.factories.courses import catalogue, course_tree, lessons_of

pytestmark = pytest.mark.django_db

MY_LEARNING = reverse("courses:my_learning")
ACCOUNT = reverse("account_profile")
MARKING = reverse("assessments:marking")
LOGOUT = reverse("account_logout")


@pytest.fixture
def course(home):
    return course_tree(modules=1, lessons=2)


def _nav(body: str) -> str:
    return body[body.index('<nav class="site-nav"') : body.index("</header>")]


def _current(body: str) -> list[str]:
    """The hrefs the header marks as the page being shown."""
    return re.findall(r'<a href="([^"]+)" aria-current="page"', _nav(body))


def _csrf_tokens(body: str) -> list[str]:
    return re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)


def test_each_nav_page_and_only_it_is_marked_current(client, a_trainee, course):
    client.force_login(a_trainee)
    index_url = catalogue().url
    for url in (index_url, MY_LEARNING, ACCOUNT, "/", index_url, MY_LEARNING):
        body = client.get(url).content.decode()
        expected = [url] if url != "/" else []
        assert _current(body) == expected, url


def test_signed_out_and_signed_in_headers_are_not_shared(client, a_trainee, course):
    signed_out = _nav(client.get("/").content.decode())
    assert reverse("account_login") in signed_out
    assert MY_LEARNING not in signed_out
    assert "<form" not in signed_out
    client.force_login(a_trainee)
    signed_in = _nav(client.get("/").content.decode())
    assert MY_LEARNING in signed_in
    assert f'action="{LOGOUT}"' in signed_in
    assert reverse("account_login") not in signed_in
    client.logout()
    assert _nav(client.get("/").content.decode()) == signed_out


def test_marking_link_only_for_those_who_reach_the_admin(
    client, a_trainee, a_trainer, course
):
    client.force_login(a_trainer)
    assert f'href="{MARKING}"' in _nav(client.get("/").content.decode())
    client.force_login(a_trainee)
    assert f'href="{MARKING}"' not in _nav(client.get("/").content.decode())


def test_every_response_has_its_own_working_csrf_token(client, a_trainee, course):
    """The logout and language forms sit between cached fragments: a fresh
    masked token each time, and the logout it carries works."""
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(a_trainee)
    first = strict.get("/").content.decode()
    second = strict.get("/").content.decode()
    tokens = _csrf_tokens(first)
    assert len(tokens) == 2  # logout, language switch
    assert set(tokens).isdisjoint(_csrf_tokens(second))
    response = strict.post(LOGOUT, {"csrfmiddlewaretoken": _csrf_tokens(second)[0]})
    assert response.status_code == 302
    assert "_auth_user_id" not in strict.session


def test_language_switch_returns_to_the_page_it_was_used_on(client, a_trainee, course):
    client.force_login(a_trainee)
    enrollment_create(user=a_trainee, course=course)
    for url in ("/", lessons_of(course)[0].url, lessons_of(course)[1].url + "?x=1"):
        body = client.get(url).content.decode()
        assert f'name="next" value="{url}#bahasa"' in body, url


def test_the_chrome_follows_the_language(client, home):
    assert "Langsung ke isi" in client.get("/").content.decode()
    client.post(reverse("language_set"), {"language": "en", "next": "/"})
    body = client.get("/").content.decode()
    assert "Skip to content" in body
    assert "Langsung ke isi" not in body
    assert '<span class="language-switch__current" aria-current="true" lang="en">' in (
        body
    )


def test_a_renamed_catalogue_moves_the_header_link(client, course):
    index = catalogue()
    old = index.url
    client.get("/")
    index.slug = "katalog-baru"
    index.save_revision().publish()
    body = client.get("/").content.decode()
    assert 'href="/katalog-baru/"' in _nav(body)
    assert f'href="{old}"' not in body


def test_a_fragment_may_not_hold_a_block():
    with pytest.raises(TemplateSyntaxError, match="block"):
        Template(
            '{% load content_cache %}{% content_cache "x" "site" %}'
            "{% block title %}{% endblock %}{% endcontent_cache %}"
        )


def test_site_fragment_renders_once_per_key():
    template = Template(
        '{% load content_cache %}{% content_cache "t" "site" a %}'
        "{{ a }}{{ b }}{% endcontent_cache %}"
    )
    assert template.render(Context({"a": 1, "b": "x"})) == "1x"
    assert template.render(Context({"a": 1, "b": "y"})) == "1x"
    assert template.render(Context({"a": 2, "b": "y"})) == "2y"
