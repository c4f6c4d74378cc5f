"""The header and footer every page shares (templates/base.html) are cached
fragments keyed on what they show; what belongs to one request (CSRF
tokens, the language switch's way back) is rendered for that request. Every
kind of page, as every role and in each language, has sound chrome of its
own, and a changed template is never served from its old rendering."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.template import Context, Template, TemplateSyntaxError
from django.test import Client, override_settings
from django.urls import reverse
from wagtail.models import PageViewRestriction

from courses.services import enrollment_create
from tests.factories import UserFactory
from tests.factories.courses import catalogue, course_tree, lessons_of

pytestmark = pytest.mark.django_db

MY_LEARNING = reverse("courses:my_learning")
ACCOUNT = reverse("account_profile")
MARKING = reverse("assessments:marking")
LOGOUT = reverse("account_logout")
LOGIN = reverse("account_login")
VOID = {"meta", "link", "input", "br", "img", "hr", "source", "wbr", "col", "area"}


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


class _Structure(HTMLParser):
    """Unbalanced tags and the landmarks of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.errors: list[str] = []
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if self.open and self.open[-1] == tag:
            self.open.pop()
        else:
            self.errors.append(f"</{tag}> while {self.open[-3:]} open")


def _check_structure(body: str, url: str) -> None:
    parsed = _Structure()
    parsed.feed(body)
    parsed.close()
    assert parsed.errors == [], url
    assert parsed.open == [], url
    names = [t for t, _a in parsed.tags]
    assert names.count("header") == 1, url
    assert names.count("footer") == 1, url
    assert names.count("main") == 1, url
    main_navs = [
        a
        for t, a in parsed.tags
        if t == "nav" and a.get("aria-label") in ("Main", "Utama")
    ]
    assert len(main_navs) == 1, url


def test_every_page_kind_every_role_and_language_has_its_own_sound_chrome(home):
    """Pages, password form, allauth, errors, certificate verify, cohorts,
    marking: as nobody, a trainee, a trainer and a superuser, in Indonesian
    and English, sharing one cache. Each page is balanced HTML with one
    banner, one main nav and one contentinfo, shows the header of its own
    person, and carries working tokens."""
    course = course_tree(modules=1, lessons=2)
    lessons = lessons_of(course)
    PageViewRestriction.objects.create(
        page=lessons[1], restriction_type="password", password="rahasia"
    )
    closed = PageViewRestriction.objects.create(
        page=lessons[0], restriction_type="groups"
    )
    closed.groups.add(Group.objects.create(name="Desa lain"))
    a_trainee = UserFactory()
    enrollment_create(user=a_trainee, course=course)
    from tests.factories import trainer

    people = {
        "nobody": None,
        "trainee": a_trainee,
        "trainer": trainer(),
        "superuser": UserFactory(is_superuser=True, is_staff=True),
    }
    urls = [
        "/",
        catalogue().url,
        course.url,
        lessons[1].url,
        lessons[1].url + '?a="><script>x</script>',
        LOGIN,
        reverse("account_signup"),
        reverse("account_reset_password"),
        "/akun/password/reset/key/1-salah/",
        reverse("account_profile"),
        reverse("courses:my_learning"),
        MARKING,
        "/c/",
        "/c/00000000-0000-0000-0000-000000000000/",
        "/angkatan/",
        LOGOUT,
    ]
    seen = 0
    for who, user in people.items():
        client = Client(enforce_csrf_checks=True)
        if user is not None:
            client.force_login(user)
        for language in ("en", "id"):
            body = client.get("/").content.decode()
            response = client.post(
                reverse("language_set"),
                {
                    "language": language,
                    "next": "/",
                    "csrfmiddlewaretoken": _csrf_tokens(body)[-1],
                },
            )
            assert response.status_code == 302, (who, language)
            for url in urls:
                response = client.get(url)
                body = response.content.decode()
                if response.status_code >= 300 or "<header" not in body:
                    continue
                seen += 1
                _check_structure(body, url)
                assert "<script>x" not in body
                footer = body[body.index("<footer") :]
                assert len(_csrf_tokens(footer)) == 1, url
                nav = _nav(body)
                assert f'lang="{language}"' in body.split(">", 2)[1], url
                if user is None:
                    assert LOGIN in nav, url
                    assert LOGOUT not in nav, url
                    assert _csrf_tokens(nav) == [], url
                else:
                    assert LOGOUT in nav, (who, url)
                    assert LOGIN not in nav, (who, url)
                    assert (MARKING in nav) == (who != "trainee"), (who, url)
                    assert len(_csrf_tokens(nav)) == 1, url
    assert seen > 80


def test_an_edited_fragment_is_not_served_from_its_old_text():
    """A fragment's key names its own text: after a deploy that changes a
    template, the shared cache (Redis, kept across deploys for hours under
    the same content version) must not serve the old rendering, and two
    different fragments that happen to share a name and key values must not
    serve each other's."""
    old = Template(
        '{% load content_cache %}{% content_cache "t" "site" a %}old {{ a }}'
        "{% endcontent_cache %}"
    )
    new = Template(
        '{% load content_cache %}{% content_cache "t" "site" a %}new {{ a }}'
        "{% endcontent_cache %}"
    )
    assert old.render(Context({"a": 1})) == "old 1"
    assert new.render(Context({"a": 1})) == "new 1"
    assert old.render(Context({"a": 1})) == "old 1"


def test_a_deployed_header_shows_at_once(client, home, tmp_path):
    """The header fragment is split around the log-out form's token; after
    base.html changes (a deploy), the cached halves of the old one must not
    be served with the new page."""
    source = (Path(settings.BASE_DIR) / "templates" / "base.html").read_text()
    changed = source.replace(
        '<a class="brand" href="/">Sinau<', '<a class="brand" href="/">Sinau Desa<'
    )
    assert changed != source
    (tmp_path / "base.html").write_text(changed)
    assert "Sinau Desa" not in client.get("/").content.decode()
    templates = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    with override_settings(TEMPLATES=templates):
        assert "Sinau Desa" in client.get("/").content.decode()
