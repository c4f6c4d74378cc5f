"""Content-Security-Policy on every page, and `Cache-Control: private,
no-store` on everything shown to a signed-in person (docs/operating.md, "Security
headers").

The walk reuses tests/test_access_walk.py's world (a course with a lesson and
a quiz, trainee A with a submitted attempt waiting for marking, an open
attempt and an issued certificate, cohorts with exports) while it is open,
and GETs, as each role, every URL that takes an id, every URL that takes
none, the course's Wagtail pages and the admin pages staff use most."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.test_access_walk import World, _urls

pytestmark = pytest.mark.django_db

# Routes a GET walk must not call: they wait for something outside the test.
NOT_WALKED = {"health/worker/": "sends a task and waits for a Celery worker"}
SITE_POLICY = (
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
)
# What the site's policy refuses, as it appears in HTML.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)")
INLINE_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.IGNORECASE)


def _plain_routes() -> Iterator[str]:
    """Every non-admin route that takes no argument at all."""

    def walk(resolver, prefix):
        for entry in resolver.url_patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                yield from walk(entry, route)
            elif isinstance(entry, URLPattern):
                yield route

    for route in walk(get_resolver(), ""):
        if any(c in route for c in "<(^$\\") or route in NOT_WALKED:
            continue
        if route.startswith(("admin/", "django-admin/")):
            continue
        yield "/" + route


def _admin_urls(world: World) -> list[str]:
    lesson, course = world.lesson.pk, world.course.pk
    return [
        "/admin/",
        "/admin/pages/",
        f"/admin/pages/{course}/",
        f"/admin/pages/{lesson}/edit/",
        f"/admin/pages/{course}/edit/",
        "/admin/images/",
        "/admin/images/chooser/",
        "/admin/snippets/assessments/question/",
        "/admin/cohorts/",
        "/django-admin/",
    ]


def _walk(client, world: World) -> Iterator[tuple[str, str, object]]:
    """(role, URL, response) for every GET of the walk."""
    roles = {
        "anonymous": None,
        "trainee A": world.trainee_a,
        "trainer": world.trainer,
        "manager": world.cohort_manager,
        "superuser": world.superuser,
    }
    ids = [url for _name, url, _kwargs in _urls(world)]
    pages = [p.url for p in (world.course, world.module, world.lesson, world.quiz)]
    for role, user in roles.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        urls = [*_plain_routes(), *ids, *pages]
        if role == "superuser":
            urls += _admin_urls(world)
        for url in urls:
            yield role, url, client.get(url)


def _is_html(response) -> bool:
    return response.get("Content-Type", "").startswith("text/html")


def _body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def _directives(header: str) -> set[str]:
    return {part.strip() for part in header.split(";") if part.strip()}


def test_every_html_response_carries_the_policy_and_needs_nothing_inline(client):
    world = World()
    client.raise_request_exception = True
    html = 0
    admin: set[str] = set()
    for role, url, response in _walk(client, world):
        where = f"{role} · GET {url} ({response.status_code})"
        assert response.status_code < 500, where
        if not _is_html(response):
            continue
        html += 1
        policy = _directives(response.get("Content-Security-Policy", ""))
        if url.startswith("/admin/"):
            admin = policy
            assert "script-src 'self' 'unsafe-inline'" in policy, where
            assert "frame-ancestors 'self'" in policy, where
            assert "object-src 'none'" in policy, where
            assert "default-src 'self'" in policy, where
            continue
        assert policy == set(SITE_POLICY), where
        body = _body(response)
        for what, pattern in (
            ("an inline <script>", INLINE_SCRIPT),
            ("an on*= handler", INLINE_HANDLER),
            ("a style attribute", STYLE_ATTRIBUTE),
            ("a <style> element", STYLE_ELEMENT),
        ):
            found = pattern.search(body)
            assert found is None, f"{where} has {what}: {found and found.group(0)}"
    assert html > 100
    assert admin, "no admin page was walked"


def test_a_preview_may_be_framed_by_the_admin_only(client):
    """Wagtail renders "view draft" (and the preview panel) through a request
    of its own for the page's URL: the site's policy, framed by the admin."""
    world = World()
    client.force_login(world.superuser)
    response = client.get(f"/admin/pages/{world.lesson.pk}/view_draft/")
    assert response.status_code == 200
    policy = _directives(response["Content-Security-Policy"])
    assert policy == (set(SITE_POLICY) - {"frame-ancestors 'none'"}) | {
        "frame-ancestors 'self'"
    }


def _cache_control(response) -> set[str]:
    return {p.strip() for p in response.get("Cache-Control", "").split(",") if p}


def test_everything_shown_to_a_signed_in_person_is_private_no_store(client):
    """Question, review and result pages, marking, Belajarku, the profile,
    certificate files, cohort pages, the admin: whatever the status."""
    world = World()
    checked = set()
    for role, url, response in _walk(client, world):
        if role == "anonymous":
            continue
        directives = _cache_control(response)
        if "public" in directives:  # the public credential documents
            continue
        where = f"{role} · GET {url} ({response.status_code})"
        assert {"private", "no-store"} <= directives, (where, directives)
        checked.add(url)
    attempt, marked = world.open_attempt.pk, world.marking.pk
    for url in (
        f"/kuis/percobaan/{attempt}/soal/1/",
        f"/kuis/percobaan/{marked}/hasil/",
        "/belajarku/",
        "/akun/profil/",
        "/penilaian/",
        f"/sertifikat/{world.certificate.uuid}/unduh.pdf",
    ):
        assert url in checked, url


def test_pages_for_anonymous_visitors_keep_their_caching(client):
    """The rule is about signed-in people: public pages are not made
    uncacheable, and the credential documents stay publicly cacheable."""
    world = World()
    for url in ("/", world.course.url, world.lesson.url, world.quiz.url):
        response = client.get(url)
        assert response.status_code == 200, url
        assert not response.has_header("Cache-Control"), url
    client.force_login(world.trainee_a)
    response = client.get("/.well-known/did.json")
    assert response.status_code == 200
    assert "public" in _cache_control(response)
    assert "no-store" not in _cache_control(response)
